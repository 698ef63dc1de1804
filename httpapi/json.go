package httpapi

import (
	"net/http"
	"strings"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/httpx"
)

// MaxBodyBytes is the largest request body accepted; larger ones get 413.
const MaxBodyBytes = httpx.MaxBodyBytes

// WriteJSON writes v as JSON with the status.
func WriteJSON(w http.ResponseWriter, status int, v any) { httpx.WriteJSON(w, status, v) }

// Decode reads one JSON value from the body into dst; see httpx.Decode.
func Decode(w http.ResponseWriter, r *http.Request, dst any) error { return httpx.Decode(w, r, dst) }

// DecodeAnyText is Decode without the NUL check; see httpx.DecodeAnyText.
func DecodeAnyText(w http.ResponseWriter, r *http.Request, dst any) error {
	return httpx.DecodeAnyText(w, r, dst)
}

// queryInt64 reads an optional positive integer query parameter, such as an
// id; only its canonical decimal form is taken (no sign, no leading zeros).
func queryInt64(r *http.Request, name string) (int64, bool, error) {
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

// queryCursor reads an optional non-negative integer query parameter, such as
// a paging cursor where 0 means "from the start".
func queryCursor(r *http.Request, name string) (int64, bool, error) {
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

// ParseID reads an id in its one canonical form; see httpx.ParseID.
func ParseID(s string) (int64, bool) { return httpx.ParseID(s) }

// queryBool reads an optional boolean query parameter.
func queryBool(r *http.Request, name string) (bool, error) {
	switch strings.ToLower(r.URL.Query().Get(name)) {
	case "", "0", "false", "no":
		return false, nil
	case "1", "true", "yes":
		return true, nil
	}
	return false, beseda.Errorf(beseda.EINVALID, "query parameter %s must be true or false", name)
}

// pathID reads the {id} path value; anything but a positive integer names no
// object of the noun.
func pathID(r *http.Request, noun string) (int64, error) {
	n, ok := ParseID(r.PathValue("id"))
	if !ok {
		return 0, beseda.NotFound(noun)
	}
	return n, nil
}
