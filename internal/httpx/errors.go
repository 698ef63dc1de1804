package httpx

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/beseda/beseda"
)

// statusByCode maps the domain's error codes to HTTP statuses, in one place.
var statusByCode = map[string]int{
	beseda.EINVALID:           http.StatusBadRequest,
	beseda.EUNAUTHORIZED:      http.StatusUnauthorized,
	beseda.EFORBIDDEN:         http.StatusForbidden,
	beseda.ENOTFOUND:          http.StatusNotFound,
	beseda.ETOOLARGE:          http.StatusRequestEntityTooLarge,
	beseda.EACTIVEDIALOG:      http.StatusConflict,
	beseda.EINVALIDTRANSITION: http.StatusConflict,
	beseda.EDIALOGCOMPLETED:   http.StatusConflict,
	beseda.EDIALOGNOTACTIVE:   http.StatusConflict,
	beseda.EGENERALCHATLOCKED: http.StatusConflict,
	beseda.ELASTTYPE:          http.StatusConflict,
	beseda.ENAMETAKEN:         http.StatusConflict,
	beseda.EIDEMPOTENCY:       http.StatusConflict,
	beseda.ESLAPOLICYEXISTS:   http.StatusConflict,
	beseda.ECAPACITY:          http.StatusConflict,
	beseda.EMANYATTEMPTS:      http.StatusTooManyRequests,
	beseda.ETOTPREQUIRED:      http.StatusUnauthorized,
	beseda.ETOTPENROL:         http.StatusForbidden,
	beseda.EPASSWORDLOGINOFF:  http.StatusForbidden,
	beseda.EINTERNAL:          http.StatusInternalServerError,
}

// StatusOf returns the HTTP status for an error's code.
func StatusOf(err error) int {
	if status, ok := statusByCode[beseda.ErrorCode(err)]; ok {
		return status
	}
	return http.StatusInternalServerError
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// DialogID names the dialog a conflict is about, so that a client can open it.
	DialogID int64 `json:"dialog_id,omitempty"`
}

// Error writes err as {"error":{"code","message"}} with its status. Internal
// errors are logged with the request; their details never reach the caller.
func Error(w http.ResponseWriter, r *http.Request, err error) {
	code := beseda.ErrorCode(err)
	status := StatusOf(err)
	switch {
	case status < http.StatusInternalServerError:
	case r.Context().Err() != nil:
		// The client went away (or gave up waiting) and the work in its name
		// failed for it, often as a database error (pgx calls a cancelled
		// ping a bad connection): nothing is wrong with the server.
		Logger(r.Context()).DebugContext(r.Context(), "request abandoned by its client", "method", r.Method,
			"route", r.Pattern, "err", err)
	default:
		Logger(r.Context()).ErrorContext(r.Context(), "request failed", "method", r.Method, "route", r.Pattern, "err", err)
	}
	detail := errorDetail{Code: code, Message: beseda.ErrorMessage(err)}
	var e *beseda.Error
	if errors.As(err, &e) {
		detail.DialogID = e.DialogID
		if e.RetryAfter > 0 {
			w.Header().Set("Retry-After", RetryAfter(e.RetryAfter))
		}
	}
	WriteJSON(w, status, errorBody{Error: detail})
}

// RetryAfter is a Retry-After header value: whole seconds, rounded up.
func RetryAfter(d time.Duration) string {
	return strconv.FormatInt(int64(math.Ceil(d.Seconds())), 10)
}
