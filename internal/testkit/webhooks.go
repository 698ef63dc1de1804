package testkit

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Receiver is a local receiver of Beseda's outgoing webhooks (on
// 127.0.0.1, so servers must allow private webhooks): it records every
// request and answers with the statuses it is given, in order, then 200.
type Receiver struct {
	URL string
	tb  testing.TB
	mu  sync.Mutex
	got []Received
	// answers are the statuses of the next requests; 0 hangs until the
	// sender gives up.
	answers []int
}

// Received is one request a Receiver got.
type Received struct {
	Header http.Header
	Body   []byte
	Status int // what the receiver answered
}

// NewReceiver starts a receiver until the test ends.
func NewReceiver(tb testing.TB, answers ...int) *Receiver {
	rc := &Receiver{tb: tb, answers: answers}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		status := http.StatusOK
		if len(rc.answers) > 0 {
			status, rc.answers = rc.answers[0], rc.answers[1:]
		}
		rc.got = append(rc.got, Received{Header: r.Header.Clone(), Body: body, Status: status})
		rc.mu.Unlock()
		if status == 0 {
			<-r.Context().Done()
			return
		}
		w.WriteHeader(status)
		io.WriteString(w, http.StatusText(status))
	}))
	tb.Cleanup(srv.Close)
	rc.URL = srv.URL
	return rc
}

// Requests returns what was received so far.
func (rc *Receiver) Requests() []Received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]Received(nil), rc.got...)
}

// WaitFor waits until n requests have come (see Eventually) and returns them.
func (rc *Receiver) WaitFor(n int) []Received {
	rc.tb.Helper()
	var got []Received
	Eventually(rc.tb, 20*time.Second, "webhook requests to arrive", func() bool {
		got = rc.Requests()
		return len(got) >= n
	})
	return got
}

// ErrorMessage returns the message of an error body, or "".
func (r *Response) ErrorMessage() string {
	var e struct {
		Error struct{ Message string }
	}
	_ = json.Unmarshal(r.Body, &e)
	return e.Error.Message
}
