package testkit

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Event is one Server-Sent Event as a client reads it.
type Event struct {
	ID   string // the SSE id: the resume point
	Name string // the event's kind
	Data json.RawMessage
}

// Stream is an open connection to GET /api/v1/events.
type Stream struct {
	tb     testing.TB
	Events chan Event
	cancel context.CancelFunc
	Header http.Header
}

// OpenStream connects to the server's event stream as the token's manager,
// resuming after lastEventID when it is not empty.
func OpenStream(tb testing.TB, baseURL, token, lastEventID string) *Stream {
	tb.Helper()
	h := http.Header{"Authorization": {"Bearer " + token}}
	if lastEventID != "" {
		h.Set("Last-Event-ID", lastEventID)
	}
	return OpenStreamAt(tb, baseURL+"/api/v1/events", h)
}

// OpenStreamAt connects to any event stream (the widget's, say) with the
// request headers.
func OpenStreamAt(tb testing.TB, url string, header http.Header) *Stream {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		tb.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		tb.Fatal(err)
	}
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		cancel()
		tb.Fatalf("event stream: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	s := &Stream{tb: tb, Events: make(chan Event, 1000), cancel: cancel, Header: res.Header}
	go func() {
		defer res.Body.Close()
		defer close(s.Events)
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		var e Event
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if e.Name != "" {
					s.Events <- e
				}
				e = Event{}
			case strings.HasPrefix(line, "id: "):
				e.ID = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, "event: "):
				e.Name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				e.Data = json.RawMessage(strings.TrimPrefix(line, "data: "))
			}
		}
	}()
	tb.Cleanup(s.Close)
	return s
}

// Close ends the connection.
func (s *Stream) Close() { s.cancel() }

// Next waits for the next event named name (skipping others) and returns it;
// it fails the test if none comes within Timeout(timeout).
func (s *Stream) Next(name string, timeout time.Duration) Event {
	s.tb.Helper()
	timeout = Timeout(timeout)
	deadline := time.After(timeout)
	for {
		select {
		case e, ok := <-s.Events:
			if !ok {
				s.tb.Fatalf("the event stream ended while waiting for %s", name)
			}
			if e.Name == name {
				return e
			}
		case <-deadline:
			s.tb.Fatalf("no %s event within %v", name, timeout)
		}
	}
}

// Collect gathers the events that arrive within d: for a check that nothing
// else (nothing wrong) arrives meanwhile. To wait for an expected event use
// Next, which a slow machine cannot make miss it.
func (s *Stream) Collect(d time.Duration) []Event {
	var out []Event
	deadline := time.After(d)
	for {
		select {
		case e, ok := <-s.Events:
			if !ok {
				return out
			}
			out = append(out, e)
		case <-deadline:
			return out
		}
	}
}
