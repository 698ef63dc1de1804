package web

import (
	"net/http"
	"strings"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/httpx"
)

// Settings → Channels: the workspace's channels, connecting new ones and
// changing them. Owners and admins only. Each type's form comes from its
// fields (beseda.ChannelType.Fields); nothing here knows a kind by name.

type channelsData struct {
	Channels []channelCard
	Types    []channelForm // what can be added
}

// channelCard is one channel as the page shows it.
type channelCard struct {
	*beseda.Channel
	Title   string
	URL     string // where the platform or the clients reach it
	Webhook bool   // URL is a webhook to paste into the platform (else the page clients open)
	Fields  []channelField
	Form    map[string]string // a refused change of this channel, filled in again (no secrets)
	// Missing are the required settings to enter again (a lost key).
	Missing []string
}

// channelForm is the form that adds a channel of a type.
type channelForm struct {
	Kind     beseda.ChannelKind
	Title    string
	Connects bool // the platform is set up by Beseda: nothing to paste there
	Fields   []channelField
	Form     map[string]string // a refused add of this type, filled in again (no secrets)
}

// channelField is one setting in a form.
type channelField struct {
	Name, Label, Help           string
	Required, Secret, Generated bool
	Optional                    bool   // neither required nor made by Beseda: under "more settings"
	Value                       string // a setting that is not secret
	Set                         bool   // a secret that is set (never shown)
}

func (h *Handler) channels(w http.ResponseWriter, r *http.Request, p *page) {
	if !p.User.IsAdmin() {
		h.fail(w, r, p, beseda.Errorf(beseda.EFORBIDDEN, "only an owner or admin can manage channels"))
		return
	}
	list, err := h.app.Channels.ListChannels(r.Context(), p.User)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	reg := h.app.Registry()
	refused := p.Refused()
	refusedID := ""
	if refused != nil {
		refusedID = refused.Get("channel")
	}
	var d channelsData
	base := httpx.BaseURL(r, h.PublicURL)
	for _, c := range list {
		t := reg.Of(c.Kind)
		card := channelCard{Channel: c, Title: t.Title(p.Locale), URL: base + t.Path(c.Key), Webhook: t.Webhook() != nil,
			Missing: beseda.MissingSettings(t, c.Config)}
		public, secrets := beseda.PublicConfig(t, c.Config)
		for _, f := range t.Fields() {
			v := field(f, p.Locale)
			v.Value = public[f.Name]
			v.Set = contains(secrets, f.Name)
			card.Fields = append(card.Fields, v)
		}
		if refusedID != "" && refusedID == p.Path(c.ID) {
			card.Form = formValues(refused)
		}
		d.Channels = append(d.Channels, card)
	}
	for _, t := range reg.All() {
		if len(t.Fields()) == 0 {
			continue // every workspace has its web chat already
		}
		form := channelForm{Kind: t.Kind(), Title: t.Title(p.Locale), Connects: reg.Connects(t.Kind())}
		for _, f := range t.Fields() {
			if !f.Generated {
				form.Fields = append(form.Fields, field(f, p.Locale))
			}
		}
		if refused != nil && refusedID == "" && refused.Get("kind") == string(t.Kind()) {
			form.Form = formValues(refused)
		}
		d.Types = append(d.Types, form)
	}
	p.Title, p.Nav = p.T("settings.channels"), "settings"
	p.Data = d
	h.render(w, r, http.StatusOK, "settings_channels", p)
}

func field(f beseda.ConfigField, l beseda.Locale) channelField {
	return channelField{Name: f.Name, Label: f.Label.In(l), Help: f.Help.In(l), Required: f.Required, Secret: f.Secret,
		Generated: f.Generated, Optional: !f.Required && !f.Generated}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// formValues is a refused form as a map for the template.
func formValues(f map[string][]string) map[string]string {
	out := map[string]string{}
	for k, v := range f {
		if len(v) > 0 {
			out[k] = v[0]
		}
	}
	return out
}

// settingsOf reads the settings a form gives ("config.NAME"), leaving out
// those left empty: a secret not typed again keeps its value.
func settingsOf(r *http.Request) beseda.ChannelConfig {
	cfg := beseda.ChannelConfig{}
	for k, v := range r.PostForm {
		if name, ok := strings.CutPrefix(k, "config."); ok && len(v) > 0 && strings.TrimSpace(v[0]) != "" {
			cfg[name] = strings.TrimSpace(v[0])
		}
	}
	return cfg
}

// withoutSecrets drops the secrets of a refused form: the form comes back
// through a cookie, and secrets never go there.
func withoutSecrets(r *http.Request, t beseda.ChannelType) {
	for _, f := range t.Fields() {
		if f.Secret {
			r.PostForm.Del("config." + f.Name)
		}
	}
}

func (h *Handler) addChannel(w http.ResponseWriter, r *http.Request, p *page) {
	kind := beseda.ChannelKind(r.PostFormValue("kind"))
	in := beseda.ChannelCreate{Kind: kind, Name: r.PostFormValue("name"), Config: settingsOf(r)}
	c, err := h.app.Channels.CreateChannel(r.Context(), p.User, in, httpx.BaseURL(r, h.PublicURL))
	if err != nil {
		withoutSecrets(r, h.app.Registry().Of(kind))
		// Back to the kind's form; an unknown kind (any text a client
		// sent) has none, and must not reach the Location header.
		to := "/settings/channels"
		if h.app.Registry().Known(kind) {
			to += "#add-" + string(kind)
		}
		h.refuse(w, r, p, err, to, true)
		return
	}
	setFlash(w, flash{Notice: p.T("channels.added", c.Name)})
	http.Redirect(w, r, p.Path("/settings/channels#channel-", c.ID), http.StatusSeeOther)
}

// changeChannel saves a channel's name and settings, or with action=disable
// or action=enable switches it off or on.
func (h *Handler) changeChannel(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "channel")
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	back := p.Path("/settings/channels#channel-", id)
	var upd beseda.ChannelUpdate
	notice := "channels.saved"
	switch r.PostFormValue("action") {
	case "disable", "enable":
		on := r.PostFormValue("action") == "enable"
		upd.Enabled = &on
		notice = map[bool]string{true: "channels.enabled", false: "channels.disabled"}[on]
	default:
		name := r.PostFormValue("name")
		upd.Name, upd.Config = &name, settingsOf(r)
		// Only what changed: the form sends back the settings it shows, and a
		// channel that sets itself up on its platform does so again on a change.
		if c, err := h.app.Channels.Channel(r.Context(), p.User, id); err == nil {
			for k, v := range upd.Config {
				if c.Config.Get(k) == v {
					delete(upd.Config, k)
				}
			}
		}
	}
	c, err := h.app.Channels.UpdateChannel(r.Context(), p.User, id, upd, httpx.BaseURL(r, h.PublicURL))
	if err != nil {
		if c, cerr := h.app.Channels.Channel(r.Context(), p.User, id); cerr == nil {
			withoutSecrets(r, h.app.Registry().Of(c.Kind))
		} else {
			r.PostForm = nil
		}
		if r.PostForm != nil {
			r.PostForm.Set("channel", p.Path(id))
		}
		h.refuse(w, r, p, err, back, r.PostForm != nil)
		return
	}
	setFlash(w, flash{Notice: p.T(notice, c.Name)})
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// EditFields are the settings the owner may change: all but the secrets
// Beseda made and told the platform itself (a webhook's secret token).
func (c channelCard) EditFields() []channelField {
	var out []channelField
	for _, f := range c.Fields {
		if !(f.Generated && f.Secret) {
			out = append(out, f)
		}
	}
	return out
}

// PasteFields are what the owner pastes into the platform beside the webhook
// URL: settings Beseda made that are not secret (Meta's verify token).
func (c channelCard) PasteFields() []channelField {
	var out []channelField
	for _, f := range c.Fields {
		if f.Generated && !f.Secret && f.Value != "" {
			out = append(out, f)
		}
	}
	return out
}

// Main are the settings a new channel needs; More the optional ones.
func (f channelForm) Main() []channelField { return f.pick(false) }

// More are the optional settings, folded away.
func (f channelForm) More() []channelField { return f.pick(true) }

func (f channelForm) pick(optional bool) []channelField {
	var out []channelField
	for _, x := range f.Fields {
		if x.Optional == optional {
			out = append(out, x)
		}
	}
	return out
}
