package httpapi

import (
	"net/http"
	"time"

	"github.com/beseda/beseda/internal/httpx"
)

// The error shape and the table of statuses are shared with the console and
// the channels (internal/httpx); these names keep the API's handlers short.

// StatusOf returns the HTTP status for an error's code.
func StatusOf(err error) int { return httpx.StatusOf(err) }

// Error writes err as {"error":{"code","message"}} with its status. Internal
// errors are logged with the request; their details never reach the caller.
func Error(w http.ResponseWriter, r *http.Request, err error) { httpx.Error(w, r, err) }

// RetryAfter is a Retry-After header value: whole seconds, rounded up.
func RetryAfter(d time.Duration) string { return httpx.RetryAfter(d) }
