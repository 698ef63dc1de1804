package webchat

import (
	"net/http"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/httpx"
)

// queryID reads an optional message id cursor (0: from the start); ok tells
// whether it was given.
func queryID(r *http.Request, name string) (id int64, ok bool, err error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, false, nil
	}
	if s == "0" {
		return 0, true, nil
	}
	n, valid := httpx.ParseID(s)
	if !valid {
		return 0, false, beseda.Errorf(beseda.EINVALID, "query parameter %s must be a message id", name)
	}
	return n, true, nil
}
