package httpx

import (
	"crypto/subtle"
	"net/http"
)

// SessionCookie is the console's session cookie; the API accepts it too, so
// that the console's pages can use the API (the event stream, downloads).
const SessionCookie = "beseda_session"

// SafeMethod reports whether an HTTP method only reads: a request with a
// session cookie needs a CSRF token for any other.
func SafeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// ValidCSRF compares a sent CSRF token with the session's in constant time.
func ValidCSRF(sent, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(sent), []byte(want)) == 1
}
