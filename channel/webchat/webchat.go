package webchat

import (
	"github.com/beseda/beseda"
)

// Kind is the web chat's kind.
const Kind beseda.ChannelKind = "web"

// Type is the web-chat channel type: it takes no settings, so every workspace
// starts with one (beseda.Registry.Builtin); it has no remote side — the
// messages stored are what the widget shows — and no webhook.
type Type struct{}

var _ beseda.ChannelType = Type{}

func (Type) Kind() beseda.ChannelKind { return Kind }

func (Type) Title(l beseda.Locale) string {
	return beseda.Texts{EN: "Web chat", RU: "Веб-чат"}.In(l)
}

func (Type) Fields() []beseda.ConfigField { return nil }

// TextLimit keeps to the usual number of the platforms, 4096 characters, so
// that text moves freely between channels.
func (Type) TextLimit() beseda.TextLimit { return beseda.TextLimit{Max: 4096} }

// Pacing: there is no remote side; the pace only keeps a release from
// monopolising the database.
func (Type) Pacing() beseda.Pacing { return beseda.Pacing{PerSecond: 2000} }

func (Type) Window() beseda.SendWindow { return beseda.SendWindow{} }

func (Type) Sender() beseda.Sender { return nil }

func (Type) Webhook() beseda.ChannelWebhook { return nil }

// Path is the page where a person chats as a client.
func (Type) Path(key string) string { return "/widget/" + key }
