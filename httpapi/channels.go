package httpapi

import (
	"net/http"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/httpx"
)

// channelJSON is a channel as the API shows it: never with its secrets.
// Every manager sees what names a channel (to tell clients' channels
// apart); its setup — key, webhook URL, settings — only owners and admins,
// who manage channels (channelSetup).
type channelJSON struct {
	ID   int64              `json:"id"`
	Kind beseda.ChannelKind `json:"kind"`
	Name string             `json:"name"`
	// Title names the channel's platform for people.
	Title     string    `json:"title"`
	Enabled   bool      `json:"enabled"`
	CreatedAt time.Time `json:"created_at"`
	// WidgetURL is the page where a person chats as a client (web chat
	// only): public by nature, as it is put on the business's site.
	WidgetURL string `json:"widget_url,omitempty"`
	*channelSetup
}

// channelSetup is what owners and admins see of a channel besides.
type channelSetup struct {
	// Key names the channel in its webhook and widget URLs.
	Key string `json:"key"`
	// WebhookURL is where the messenger must send updates (empty for the web chat).
	WebhookURL string `json:"webhook_url"`
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

func (h *Handler) channelJSON(r *http.Request, actor *beseda.User, c *beseda.Channel) channelJSON {
	t := h.app.Registry().Of(c.Kind)
	out := channelJSON{ID: c.ID, Kind: c.Kind, Name: c.Name, Title: t.Title(beseda.LocaleEN), Enabled: c.Enabled, CreatedAt: c.CreatedAt}
	path := t.Path(c.Key)
	if path != "" && t.Webhook() == nil {
		out.WidgetURL = httpx.BaseURL(r, h.publicURL) + path
	}
	if !actor.IsAdmin() {
		return out
	}
	out.channelSetup = &channelSetup{Key: c.Key}
	if path != "" && t.Webhook() != nil {
		out.WebhookURL = httpx.BaseURL(r, h.publicURL) + path
	}
	out.Config, out.SecretsSet = beseda.PublicConfig(t, c.Config)
	out.MissingSettings = beseda.MissingSettings(t, c.Config)
	return out
}

func (h *Handler) listChannels(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	channels, err := h.app.Channels.ListChannels(r.Context(), actor)
	if err != nil {
		Error(w, r, err)
		return
	}
	out := make([]channelJSON, len(channels))
	for i, c := range channels {
		out[i] = h.channelJSON(r, actor, c)
	}
	WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) createChannel(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	var in beseda.ChannelCreate
	if err := Decode(w, r, &in); err != nil {
		Error(w, r, err)
		return
	}
	c, err := h.app.Channels.CreateChannel(r.Context(), actor, in, httpx.BaseURL(r, h.publicURL))
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, h.channelJSON(r, actor, c))
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
	c, err := h.app.Channels.UpdateChannel(r.Context(), actor, id, in, httpx.BaseURL(r, h.publicURL))
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, h.channelJSON(r, actor, c))
}
