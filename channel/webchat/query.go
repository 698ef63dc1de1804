package webchat

import (
	"net/http"
	"strconv"

	"github.com/beseda/beseda"
)

func queryID(r *http.Request, name string) (int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, beseda.Errorf(beseda.EINVALID, "query parameter %s must be a message id", name)
	}
	return n, nil
}
