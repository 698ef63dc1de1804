package httpapi

import (
	"net/http"
	"strings"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/httpx"
)

// JSON in and out, and the query's ids, come from internal/httpx; these
// names keep the API's handlers short.

// WriteJSON writes v as JSON with the status.
func WriteJSON(w http.ResponseWriter, status int, v any) { httpx.WriteJSON(w, status, v) }

// Decode reads one JSON value from the body into dst; see httpx.Decode.
func Decode(w http.ResponseWriter, r *http.Request, dst any) error { return httpx.Decode(w, r, dst) }

// queryInt64 reads an optional positive integer query parameter; see
// httpx.QueryID.
func queryInt64(r *http.Request, name string) (int64, bool, error) { return httpx.QueryID(r, name) }

// queryCursor reads an optional non-negative integer query parameter; see
// httpx.QueryCursor.
func queryCursor(r *http.Request, name string) (int64, bool, error) {
	return httpx.QueryCursor(r, name)
}

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
	n, ok := httpx.ParseID(r.PathValue("id"))
	if !ok {
		return 0, beseda.NotFound(noun)
	}
	return n, nil
}
