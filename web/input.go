package web

import (
	"net/http"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/httpx"
)

// checkForm refuses a form holding a NUL byte or invalid UTF-8 in any field
// (H1): a manager typed it, so they are told, and nothing reaches the
// database, where PostgreSQL would fail on it and SQLite would store it.
func checkForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return beseda.Errorf(beseda.EINVALID, "the form cannot be read")
	}
	for k, vs := range r.PostForm {
		if err := beseda.CheckText("a field name", k); err != nil {
			return err
		}
		for _, v := range vs {
			if err := beseda.CheckText(k, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// pathID reads the {id} of a console path: only a canonical positive decimal
// names an object, anything else is not found.
func pathID(r *http.Request, noun string) (int64, error) {
	if id, ok := httpx.ParseID(r.PathValue("id")); ok {
		return id, nil
	}
	return 0, beseda.NotFound(noun)
}
