package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/beseda/beseda"
)

// heartbeat keeps idle streams open through proxies and finds dead clients.
const heartbeat = 15 * time.Second

// events streams the caller's live events (Server-Sent Events): those of
// their workspace, and notifications meant for them. Each event's name is its
// kind; its data is the event with its own id. The SSE id is a resume point:
// a client reconnecting with Last-Event-ID gets every event it missed (and
// possibly a few it has seen, which it can tell by their ids).
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
	sub := h.hub.Subscribe(actor.WorkspaceID, actor.ID)
	defer sub.Close()
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n\n")

	watermark := h.hub.Watermark()
	replayed := map[int64]bool{}
	if after >= 0 {
		missed, tooOld, err := h.hub.Replay(r.Context(), sub, after)
		if err != nil {
			return
		}
		if tooOld {
			// Too far behind: the client reloads what it shows.
			writeEvent(w, watermark, "reset", struct{}{})
		}
		for _, e := range missed {
			replayed[e.ID] = true
			writeEvent(w, min(e.ID, watermark), e.Kind, e)
		}
	} else {
		writeEvent(w, watermark, "ready", struct{}{})
	}
	if rc.Flush() != nil {
		return
	}

	beat := time.NewTicker(heartbeat)
	defer beat.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-sub.Done:
			return // the client reconnects and resumes from the log
		case <-beat.C:
			fmt.Fprint(w, ": ping\n\n")
		case d := <-sub.C:
			if replayed[d.Event.ID] {
				continue
			}
			writeEvent(w, d.Watermark, d.Event.Kind, d.Event)
		}
		if rc.Flush() != nil {
			return
		}
	}
}

func writeEvent(w http.ResponseWriter, id int64, name string, data any) {
	raw, _ := json.Marshal(data)
	fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", id, name, raw)
}
