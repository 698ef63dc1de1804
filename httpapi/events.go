package httpapi

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/httpx"
	"github.com/beseda/beseda/live"
)

// events streams the caller's live events (Server-Sent Events): those of
// their workspace, and notifications meant for them. Each event's name is its
// kind; its data is the event with its own id. The SSE id is a resume point:
// a client reconnecting with Last-Event-ID gets every event it missed (and
// possibly a few it has seen, which it can tell by their ids).
func (h *Handler) events(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	after, err := httpx.LastEventID(r)
	if err != nil {
		Error(w, r, err)
		return
	}
	sub, err := h.hub.Subscribe(r.Context(), actor.WorkspaceID, actor.ID,
		live.Holder{Key: "user:" + strconv.FormatInt(actor.ID, 10), Max: beseda.LiveStreamsPerUser})
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
	httpx.ServeEvents(w, r, sub, start.Bytes(), func(d live.Delivery) []byte {
		if replayed[d.Event.ID] {
			return nil
		}
		return d.Frame
	})
}
