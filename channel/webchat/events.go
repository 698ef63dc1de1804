package webchat

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/httpx"
	"github.com/beseda/beseda/live"
)

// heartbeat keeps an idle stream open through proxies and finds gone clients.
const heartbeat = 20 * time.Second

// events streams "something changed for you" signals to an open widget
// (Server-Sent Events framing, read by the page with fetch so that it can send
// its X-Visitor-Token): a message for this client was stored or changed
// status, e.g. held automation released after a dialog. A signal carries no
// data — the widget then asks for its messages, which shows only what the
// client may see. The SSE id is a resume point: reconnecting with
// Last-Event-ID (or ?last_event_id=) signals once if anything for this client
// happened meanwhile.
func (h *Handler) events(w http.ResponseWriter, r *http.Request, sub *beseda.Subscriber) {
	last := r.Header.Get("Last-Event-ID")
	if last == "" {
		last = r.URL.Query().Get("last_event_id")
	}
	var after int64 = -1
	if last != "" {
		n, err := strconv.ParseInt(last, 10, 64)
		if err != nil || n < 0 {
			httpx.Error(w, r, beseda.Errorf(beseda.EINVALID, "Last-Event-ID must be an event id"))
			return
		}
		after = n
	}
	// User 0 is nobody: events meant for one manager never reach a visitor.
	s, err := h.hub.Subscribe(r.Context(), sub.WorkspaceID, 0)
	if r.Context().Err() != nil {
		return // the client left while the hub was starting
	} else if err != nil {
		httpx.Error(w, r, err)
		return
	}
	defer s.Close()
	watermark := h.hub.Watermark()
	first := []byte("retry: 2000\n\n")
	if after >= 0 {
		missed, tooOld, err := h.hub.Replay(r.Context(), s, after)
		if err != nil {
			httpx.Error(w, r, err)
			return
		}
		changed := tooOld || slices.ContainsFunc(missed, func(e *beseda.LiveEvent) bool { return concerns(e, sub.ID) })
		if changed {
			first = append(first, live.Frame(watermark, "changed", struct{}{})...)
		} else {
			first = append(first, live.Frame(watermark, "ready", struct{}{})...)
		}
	} else {
		first = append(first, live.Frame(watermark, "ready", struct{}{})...)
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	send := func(p []byte) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(10 * time.Second))
		if _, err := w.Write(p); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !send(first) {
		return
	}
	beat := time.NewTicker(heartbeat)
	defer beat.Stop()
	for {
		var frame []byte
		select {
		case <-r.Context().Done():
			return
		case <-s.Done:
			return // the widget reconnects and resumes
		case <-beat.C:
			frame = []byte(": ping\n\n")
		case d := <-s.C:
			if !concerns(d.Event, sub.ID) {
				continue
			}
			frame = live.Frame(d.Watermark, "changed", struct{}{})
		}
		if !send(frame) {
			return
		}
	}
}

// concerns reports whether a live event is about the messages of one client.
func concerns(e *beseda.LiveEvent, subscriberID int64) bool {
	switch e.Kind {
	case beseda.LiveMessageCreated:
		var m struct {
			SubscriberID int64 `json:"subscriber_id"`
			Internal     bool  `json:"internal"` // a note: nothing for the client, not even a signal
		}
		return json.Unmarshal(e.Data, &m) == nil && m.SubscriberID == subscriberID && !m.Internal
	case beseda.LiveMessagesUpdated:
		var u struct {
			SubscriberIDs []int64 `json:"subscriber_ids"`
		}
		return json.Unmarshal(e.Data, &u) == nil && slices.Contains(u.SubscriberIDs, subscriberID)
	}
	return false
}
