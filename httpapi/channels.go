package httpapi

import (
	"net/http"

	"github.com/beseda/beseda"
)

// channelJSON is a channel as the API shows it: never with its secrets.
type channelJSON struct {
	*beseda.Channel
	// WebhookURL is where the messenger must send updates (empty for the web chat).
	WebhookURL string `json:"webhook_url"`
	// WidgetURL is the page where a person chats as a client (web chat only).
	WidgetURL string `json:"widget_url,omitempty"`
}

func (h *Handler) channelJSON(r *http.Request, c *beseda.Channel) channelJSON {
	out := channelJSON{Channel: c}
	base := h.baseURL(r)
	switch c.Kind {
	case beseda.ChannelWeb:
		out.WidgetURL = base + "/widget/" + c.Key
	case beseda.ChannelTelegram:
		out.WebhookURL = base + "/webhooks/telegram/" + c.Key
	case beseda.ChannelMessenger:
		out.WebhookURL = base + "/webhooks/messenger/" + c.Key
	}
	return out
}

func (h *Handler) listChannels(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	channels, err := h.app.ListChannels(r.Context(), actor)
	if err != nil {
		Error(w, r, err)
		return
	}
	out := make([]channelJSON, len(channels))
	for i, c := range channels {
		out[i] = h.channelJSON(r, c)
	}
	WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) createChannel(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	var in beseda.ChannelCreate
	if err := Decode(w, r, &in); err != nil {
		Error(w, r, err)
		return
	}
	c, err := h.app.CreateChannel(r.Context(), actor, in)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, h.channelJSON(r, c))
}
