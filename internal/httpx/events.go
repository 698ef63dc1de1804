package httpx

import (
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/beseda/beseda"
)

// heartbeat keeps idle streams open through proxies and finds dead clients.
const heartbeat = 15 * time.Second

// A Subscription is what ServeEvents streams: deliveries of type D until Done
// closes; Evicted then tells whether a newer stream of the same holder took
// its place. The live hub's subscriptions are such (live.Subscription); the
// kit declares what it needs of them and imports nothing of the hub.
type Subscription[D any] interface {
	Deliveries() <-chan D
	Done() <-chan struct{}
	Evicted() bool
	Close()
}

// evictedFrame is the last thing an evicted subscription's stream sends:
// the console and the web chat then stop reconnecting until their tab is
// shown again, so that tabs over the cap do not evict each other in turn.
var evictedFrame = []byte("event: evicted\ndata: {}\n\n")

// LastEventID reads where a client resumes an event stream: the
// Last-Event-ID header (or ?last_event_id=, for clients that cannot set it);
// -1 when it starts afresh. Returns EINVALID for anything but an event id.
func LastEventID(r *http.Request) (int64, error) {
	last := r.Header.Get("Last-Event-ID")
	if last == "" {
		last = r.URL.Query().Get("last_event_id")
	}
	if last == "" {
		return -1, nil
	}
	n, err := strconv.ParseInt(last, 10, 64)
	if err != nil || n < 0 {
		return 0, beseda.Errorf(beseda.EINVALID, "Last-Event-ID must be an event id")
	}
	return n, nil
}

// ServeEvents streams a live subscription as Server-Sent Events until the
// client goes away or the hub ends it (the client then reconnects and
// resumes from the log). first goes out before any event; frame turns each
// delivery into what is sent, or nil to send nothing. The subscription is
// closed at the end.
//
// A console keeps its stream open all day, so a stream must cost little: on
// HTTP/1.1 the connection is taken over from net/http (whose buffers and
// request goroutine, grown by authentication, then go) and served by a small
// goroutine of its own.
func ServeEvents[D any](w http.ResponseWriter, r *http.Request, sub Subscription[D], first []byte, frame func(D) []byte) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		const header = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n" +
			"X-Accel-Buffering: no\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n"
		go stream(&connWriter{conn: conn}, sub, append([]byte(header), first...), frame, nil)
		return
	}
	// HTTP/2 cannot be taken over: stream through the ResponseWriter.
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	stream(&flushWriter{w: w, rc: http.NewResponseController(w)}, sub, first, frame, r.Context().Done())
}

// eventWriter sends bytes to a client at once.
type eventWriter interface {
	send(p []byte) error
	close()
}

// stream sends a subscription's events until the client goes away, the hub
// ends it, or done closes.
func stream[D any](out eventWriter, sub Subscription[D], first []byte, frame func(D) []byte, done <-chan struct{}) {
	defer sub.Close()
	defer out.close()
	if out.send(first) != nil {
		return
	}
	beat := time.NewTicker(heartbeat)
	defer beat.Stop()
	ping := []byte(": ping\n\n")
	deliveries, ended := sub.Deliveries(), sub.Done()
	for {
		var p []byte
		select {
		case <-done:
			return
		case <-ended:
			if sub.Evicted() {
				_ = out.send(evictedFrame)
			}
			return
		case <-beat.C:
			p = ping
		case d := <-deliveries:
			if p = frame(d); p == nil {
				continue
			}
		}
		if out.send(p) != nil {
			return
		}
	}
}

// connWriter writes to a connection taken over from net/http. A client that
// does not take its events within the deadline is cut off.
type connWriter struct{ conn net.Conn }

func (c *connWriter) send(p []byte) error {
	_ = c.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	_, err := c.conn.Write(p)
	return err
}

func (c *connWriter) close() { c.conn.Close() }

// flushWriter writes through a ResponseWriter and flushes every write.
type flushWriter struct {
	w  http.ResponseWriter
	rc *http.ResponseController
}

func (f *flushWriter) send(p []byte) error {
	_ = f.rc.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if _, err := f.w.Write(p); err != nil {
		return err
	}
	return f.rc.Flush()
}

func (f *flushWriter) close() {}
