package webchat

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/httpx"
	"github.com/beseda/beseda/live"
)

// events streams "something changed for you" signals to an open widget
// (Server-Sent Events framing, read by the page with fetch so that it can send
// its X-Visitor-Token): a message for this client was stored or changed
// status, e.g. held automation released after a dialog. A signal carries no
// data — the widget then asks for its messages, which shows only what the
// client may see. The SSE id is a resume point: reconnecting with
// Last-Event-ID (or ?last_event_id=) signals once if anything for this client
// happened meanwhile.
func (h *Handler) events(w http.ResponseWriter, r *http.Request, sub *beseda.Subscriber) {
	after, err := httpx.LastEventID(r)
	if err != nil {
		httpx.Error(w, r, err)
		return
	}
	// User 0 is nobody: events meant for one manager never reach a visitor.
	// A visitor token names one client: its streams are counted together.
	s, err := h.hub.Subscribe(r.Context(), sub.WorkspaceID, 0,
		live.Holder{Key: "visitor:" + strconv.FormatInt(sub.ID, 10), Max: beseda.LiveStreamsPerVisitor})
	if r.Context().Err() != nil {
		return // the client left while the hub was starting
	} else if err != nil {
		httpx.Error(w, r, err)
		return
	}
	watermark := h.hub.Watermark()
	first := []byte("retry: 2000\n\n")
	signal := "ready"
	if after >= 0 {
		missed, tooOld, err := h.hub.Replay(r.Context(), s, after)
		if err != nil {
			s.Close()
			httpx.Error(w, r, err)
			return
		}
		if tooOld || slices.ContainsFunc(missed, func(e *beseda.LiveEvent) bool { return concerns(e, sub.ID) }) {
			signal = "changed"
		}
	}
	first = append(first, live.Frame(watermark, signal, struct{}{})...)
	httpx.ServeEvents(w, r, s, first, func(d live.Delivery) []byte {
		if !concerns(d.Event, sub.ID) {
			return nil
		}
		return live.Frame(d.Watermark, "changed", struct{}{})
	})
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
