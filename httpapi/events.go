package httpapi

import (
	"bytes"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/live"
)

// heartbeat keeps idle streams open through proxies and finds dead clients.
const heartbeat = 15 * time.Second

// events streams the caller's live events (Server-Sent Events): those of
// their workspace, and notifications meant for them. Each event's name is its
// kind; its data is the event with its own id. The SSE id is a resume point:
// a client reconnecting with Last-Event-ID gets every event it missed (and
// possibly a few it has seen, which it can tell by their ids).
//
// A console keeps its stream open all day, so a stream must cost little: on
// HTTP/1.1 the connection is taken over from net/http (whose buffers and
// request goroutine, grown by authentication, then go) and served by a small
// goroutine of its own.
func (h *Handler) events(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	last := r.Header.Get("Last-Event-ID")
	if last == "" {
		last = r.URL.Query().Get("last_event_id")
	}
	var after int64 = -1
	if last != "" {
		n, err := strconv.ParseInt(last, 10, 64)
		if err != nil || n < 0 {
			Error(w, r, beseda.Errorf(beseda.EINVALID, "Last-Event-ID must be an event id"))
			return
		}
		after = n
	}
	sub, err := h.hub.Subscribe(r.Context(), actor.WorkspaceID, actor.ID)
	if r.Context().Err() != nil {
		return // the client left while the hub was starting
	} else if err != nil {
		Error(w, r, err)
		return
	}
	var start bytes.Buffer
	start.WriteString("retry: 2000\n\n")
	watermark := h.hub.Watermark()
	replayed := map[int64]bool{}
	if after >= 0 {
		missed, tooOld, err := h.hub.Replay(r.Context(), sub, after)
		if err != nil {
			sub.Close()
			Error(w, r, err)
			return
		}
		if tooOld {
			// Too far behind: the client reloads what it shows.
			start.Write(live.Frame(watermark, "reset", struct{}{}))
		}
		for _, e := range missed {
			replayed[e.ID] = true
			start.Write(live.Frame(min(e.ID, watermark), e.Kind, e))
		}
	} else {
		start.Write(live.Frame(watermark, "ready", struct{}{}))
	}

	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		const header = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n" +
			"X-Accel-Buffering: no\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n"
		go stream(&connWriter{conn: conn}, sub, append([]byte(header), start.Bytes()...), replayed, nil)
		return
	}
	// HTTP/2 cannot be taken over: stream through the ResponseWriter.
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	stream(&flushWriter{w: w, rc: rc}, sub, start.Bytes(), replayed, r.Context().Done())
}

// eventWriter sends bytes to a client at once.
type eventWriter interface {
	send(p []byte) error
	close()
}

// stream sends a subscription's events until the client goes away, the hub
// ends it, or done closes.
func stream(out eventWriter, sub *live.Subscription, first []byte, replayed map[int64]bool, done <-chan struct{}) {
	defer sub.Close()
	defer out.close()
	if out.send(first) != nil {
		return
	}
	beat := time.NewTicker(heartbeat)
	defer beat.Stop()
	ping := []byte(": ping\n\n")
	for {
		var frame []byte
		select {
		case <-done:
			return
		case <-sub.Done:
			return // the client reconnects and resumes from the log
		case <-beat.C:
			frame = ping
		case d := <-sub.C:
			if replayed[d.Event.ID] {
				continue
			}
			frame = d.Frame
		}
		if out.send(frame) != nil {
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
	if _, err := f.w.Write(p); err != nil {
		return err
	}
	return f.rc.Flush()
}

func (f *flushWriter) close() {}
