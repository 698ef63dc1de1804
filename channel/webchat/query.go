package webchat

import (
	"net/http"
	"strconv"

	"github.com/beseda/beseda"
)

// queryID reads an optional message id cursor; ok tells whether it was given.
func queryID(r *http.Request, name string) (id int64, ok bool, err error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, false, beseda.Errorf(beseda.EINVALID, "query parameter %s must be a message id", name)
	}
	return n, true, nil
}
