package httpx

import (
	"net/http"
	"strconv"

	"github.com/beseda/beseda"
)

// ParseID reads an id: a positive decimal in its one canonical form, so that
// "+1", "01", " 1" or "1.0" name nothing rather than object 1.
func ParseID(s string) (int64, bool) {
	if s == "" || len(s) > 19 || s[0] < '1' || s[0] > '9' {
		return 0, false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// QueryID reads an optional positive integer query parameter, such as an
// id; only its canonical decimal form is taken (no sign, no leading zeros).
func QueryID(r *http.Request, name string) (int64, bool, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, false, nil
	}
	n, ok := ParseID(s)
	if !ok {
		return 0, false, beseda.Errorf(beseda.EINVALID, "query parameter %s must be a positive integer", name)
	}
	return n, true, nil
}

// QueryCursor reads an optional non-negative integer query parameter, such
// as a paging cursor where 0 means "from the start".
func QueryCursor(r *http.Request, name string) (int64, bool, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, false, nil
	}
	if s == "0" {
		return 0, true, nil
	}
	n, ok := ParseID(s)
	if !ok {
		return 0, false, beseda.Errorf(beseda.EINVALID, "query parameter %s must be a non-negative integer", name)
	}
	return n, true, nil
}
