package httpapi

import (
	"net/http"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/httpx"
)

// channelJSON is a channel as the API shows it: never with its secrets.
type channelJSON struct {
	*beseda.Channel
	// Title names the channel's platform for people.
	Title string `json:"title"`
	// WebhookURL is where the messenger must send updates (empty for the web chat).
	WebhookURL string `json:"webhook_url"`
	// WidgetURL is the page where a person chats as a client (web chat only).
	WidgetURL string `json:"widget_url,omitempty"`
	// Config holds the settings that are not secret (a page id, a verify
	// token to paste into the platform); SecretsSet names the secrets that
	// are set, which are never shown.
	Config     beseda.ChannelConfig `json:"config"`
	SecretsSet []string             `json:"secrets_set"`
	// MissingSettings names the required settings an owner must enter
	// again: the channel's key was lost (`beseda keys forget`), and it is
	// off until they are given.
	MissingSettings []string `json:"missing_settings"`
}

func (h *Handler) channelJSON(r *http.Request, c *beseda.Channel) channelJSON {
	t := h.app.Channels().Of(c.Kind)
	out := channelJSON{Channel: c, Title: t.Title(beseda.LocaleEN)}
	switch path := t.Path(c.Key); {
	case path == "":
	case t.Webhook() != nil:
		out.WebhookURL = httpx.BaseURL(r, h.publicURL) + path
	default:
		out.WidgetURL = httpx.BaseURL(r, h.publicURL) + path
	}
	out.Config, out.SecretsSet = beseda.PublicConfig(t, c.Config)
	out.MissingSettings = beseda.MissingSettings(t, c.Config)
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
	c, err := h.app.CreateChannel(r.Context(), actor, in, httpx.BaseURL(r, h.publicURL))
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, h.channelJSON(r, c))
}

// updateChannel is PATCH /api/v1/channels/{id} {name?, enabled?, config?}:
// config holds only the settings to change; secrets left out are kept.
func (h *Handler) updateChannel(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	id, err := pathID(r, "channel")
	if err != nil {
		Error(w, r, err)
		return
	}
	var in beseda.ChannelUpdate
	if err := Decode(w, r, &in); err != nil {
		Error(w, r, err)
		return
	}
	c, err := h.app.UpdateChannel(r.Context(), actor, id, in, httpx.BaseURL(r, h.publicURL))
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, h.channelJSON(r, c))
}
