package channel

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/beseda/beseda"
)

// API calls a platform's HTTP API on behalf of a channel package, and sorts
// what goes wrong for the delivery engine's retry policy: no answer (a
// timeout, a refused connection) and 5xx are tried again, 429 waits, other
// 4xx are permanent. The platform's package reads the answers' bodies for
// what only it knows (a retry_after, the platform's error codes).
type API struct {
	// Name names the platform in failure reasons (its kind).
	Name string
	HTTP *http.Client
}

// NewAPI returns a client with a timeout that a send fits in. It takes the
// network as Go's default transport does until the server gives it the
// transport that keeps it off private addresses (UseTransport).
func NewAPI(name string) *API {
	return &API{Name: name, HTTP: &http.Client{Timeout: APITimeout}}
}

// APITimeout bounds a call to a platform's API, answer included.
const APITimeout = 15 * time.Second

// SetTransport makes the client's requests go through t.
func (a *API) SetTransport(t http.RoundTripper) { a.HTTP.Transport = t }

// Networked is a channel type that calls its platform's API: the server
// gives it the transport every such call must take (UseTransport).
type Networked interface {
	SetTransport(http.RoundTripper)
}

// UseTransport gives every channel type of the registry that calls a
// platform the transport t: the server's, whose connections obey the
// address rule (netguard), so that no channel's api_base_url — nor an
// address it resolves to later — leads a send, a media download or a
// connect to the server's own network.
func UseTransport(r *beseda.Registry, t http.RoundTripper) {
	for _, ct := range r.All() {
		if n, ok := ct.(Networked); ok {
			n.SetTransport(t)
		}
	}
}

// Unreachable is what a person is told when a platform gave no usable
// answer (no connection, a refused address, an answer that is not the
// platform's): never what the other side said, which may be anything an
// address chose to answer.
func Unreachable(title string) error {
	return beseda.Errorf(beseda.EINVALID, "%s could not be reached; check the API address, or try again later", title)
}

// maxAnswer bounds what is read of an answer.
const maxAnswer = 1 << 20

// PostJSON posts body as JSON to url with the headers and returns the answer's
// status and body. Failing to get an answer is a *beseda.SendError to retry
// that names the platform but never the URL, which may hold a token.
func (a *API) PostJSON(ctx context.Context, url string, header map[string]string, body any) (int, []byte, error) {
	data, err := json.Marshal(body)
	if err != nil {
		return 0, nil, &beseda.SendError{Reason: a.Name + ": request not encodable", Permanent: true, Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(data))
	if err != nil {
		return 0, nil, &beseda.SendError{Reason: a.Name + ": bad API address", Permanent: true}
	}
	req.Header.Set("Content-Type", "application/json")
	return a.do(req, header)
}

// StatusError sorts a failed answer by its HTTP status (or the platform's
// code of the same meaning): 429, or any answer with a retryAfter, waits that
// long (a second if unsaid); other 4xx are permanent; the rest are retried.
func StatusError(reason string, status int, retryAfter time.Duration) *beseda.SendError {
	se := &beseda.SendError{Reason: reason}
	switch {
	case status == http.StatusTooManyRequests || retryAfter > 0:
		se.RetryAfter = max(retryAfter, time.Second)
	case status >= 400 && status < 500:
		// A bad request, a blocked bot, an unknown chat: trying again cannot help.
		se.Permanent = true
	}
	return se
}

// NotJSON is the failure of an answer that should have been JSON; its
// reason does not repeat the answer (nor its status), which may be anything
// an address chose to answer.
func (a *API) NotJSON(status int) *beseda.SendError {
	return StatusError(a.Name+" gave an answer that is not its API's", status, 0)
}

// Reason is what may be shown of a failed call: a SendError's reason, which
// never holds a token.
func Reason(err error) string {
	var se *beseda.SendError
	if errors.As(err, &se) {
		return se.Reason
	}
	return "unexpected error"
}
