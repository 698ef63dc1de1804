package httpapi

import (
	"net/http"

	"github.com/beseda/beseda/internal/httpx"
)

// The error shape and the table of statuses are shared with the console and
// the channels (internal/httpx); this name keeps the API's handlers short.

// Error writes err as {"error":{"code","message"}} with its status; see
// httpx.Error.
func Error(w http.ResponseWriter, r *http.Request, err error) { httpx.Error(w, r, err) }
