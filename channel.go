package beseda

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// ChannelKind names a type of channel (a messenger) in URLs, the API and the
// database: "web" and one per platform. Which kinds exist is the registry's
// business (see Registry): this package names none of them.
type ChannelKind string

// Channel is one connection of a workspace to a messenger: a web-chat widget,
// a platform's bot, page or business number. Key is public and unguessable:
// it names the channel in widget and webhook URLs.
type Channel struct {
	ID          int64       `json:"id"`
	WorkspaceID int64       `json:"-"`
	Kind        ChannelKind `json:"kind"`
	Name        string      `json:"name"`
	Key         string      `json:"key"`
	CreatedAt   time.Time   `json:"created_at"`
	// Enabled is false while an owner has switched the channel off: its
	// webhooks and widget answer 404 and its messages are not sent.
	Enabled bool `json:"enabled"`

	// Config holds the channel's settings including secrets (bot token, app
	// secret, page token). Secrets are write-only through the API and never
	// logged; the store seals the whole config at rest.
	Config ChannelConfig `json:"-"`
}

// ChannelConfig is a channel's settings by name, as its type's fields
// (ChannelType.Fields) name them: {"bot_token": …, "api_base_url": …}.
type ChannelConfig map[string]string

// Get returns a setting, or "" when it is not set.
func (c ChannelConfig) Get(name string) string { return c[name] }

// ConfigField is one setting a type of channel takes.
type ConfigField struct {
	Name     string // the key in the config: "bot_token"
	Label    Texts  // how a form asks for it
	Help     Texts  // where the owner finds it (optional)
	Required bool
	// Secret settings are write-only: never returned by the API nor shown in
	// the console, only replaced.
	Secret bool
	// Generated settings are made by Beseda when not given (a webhook secret,
	// a verify token): the owner pastes nothing.
	Generated bool
	// Address settings are URLs Beseda sends requests to (api_base_url):
	// they must lead to a public address, like outgoing webhooks, unless the
	// server allows private ones (checked when given, and again at every
	// connection).
	Address bool
	// Check validates a value and returns it normalised; nil takes any
	// value of 1 to 1024 bytes.
	Check func(value string) (string, error)
}

// Texts is a text in the languages managers read.
type Texts struct{ EN, RU string }

// In returns the text in the locale, English when it has none in it.
func (t Texts) In(l Locale) string {
	if l == LocaleRU && t.RU != "" {
		return t.RU
	}
	return t.EN
}

// ChannelCreate is the input for a new channel.
type ChannelCreate struct {
	Kind   ChannelKind   `json:"kind"`
	Name   string        `json:"name"`
	Config ChannelConfig `json:"config"`
}

// ChannelUpdate changes a channel; nil fields stay. Config holds only the
// settings to change: a secret left out keeps its value.
type ChannelUpdate struct {
	Name    *string       `json:"name"`
	Enabled *bool         `json:"enabled"`
	Config  ChannelConfig `json:"config"`
}

// CheckChannelName trims a channel's name and checks its length.
func CheckChannelName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 100 {
		return "", Errorf(EINVALID, "name must be 1 to 100 characters")
	}
	return name, nil
}

// CheckConfig checks a whole config against the type's fields: every
// required setting is there and valid, and no other is. It returns the
// config normalised.
func CheckConfig(t ChannelType, cfg ChannelConfig) (ChannelConfig, error) {
	fields := t.Fields()
	out := ChannelConfig{}
	for name := range cfg {
		if !slices.ContainsFunc(fields, func(f ConfigField) bool { return f.Name == name }) {
			return nil, Errorf(EINVALID, "config.%s is not a setting of %s channels (they take %s)",
				name, t.Title(LocaleEN), fieldNames(fields))
		}
	}
	for _, f := range fields {
		v := cfg[f.Name]
		field := Labeled{Name: f.Name, Label: f.Label}
		if v == "" {
			if f.Required {
				return nil, Errorf(EINVALID, "config.%s is required", field)
			}
			continue
		}
		if f.Check != nil {
			var err error
			if v, err = f.Check(v); err != nil {
				return nil, Errorf(EINVALID, "config.%s %s", field, Cause{err})
			}
		} else if strings.TrimSpace(v) == "" || len(v) > 1024 {
			return nil, Errorf(EINVALID, "config.%s must be 1 to 1024 characters", field)
		}
		out[f.Name] = v
	}
	return out, nil
}

func fieldNames(fields []ConfigField) string {
	if len(fields) == 0 {
		return "none"
	}
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}

// CheckAPIBaseURL is the Check of the api_base_url setting every messenger
// takes, so that tests can point a channel at a local fake of its API.
func CheckAPIBaseURL(v string) (string, error) {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", Errorf(EINVALID, "must be an http or https URL")
	}
	return strings.TrimRight(v, "/"), nil
}

// PublicConfig is what of a config may be shown: its settings that are not
// secret, and the names of the secrets that are set.
func PublicConfig(t ChannelType, cfg ChannelConfig) (public ChannelConfig, secretsSet []string) {
	public, secretsSet = ChannelConfig{}, []string{}
	for _, f := range t.Fields() {
		switch v := cfg[f.Name]; {
		case v == "":
		case f.Secret:
			secretsSet = append(secretsSet, f.Name)
		default:
			public[f.Name] = v
		}
	}
	return public, secretsSet
}

// MissingSettings names the required settings a config lacks that an owner
// enters (those Beseda makes itself are made again when they are given): a
// channel whose secrets were sealed with a lost key has none until an owner
// enters them again (`beseda keys forget`).
func MissingSettings(t ChannelType, cfg ChannelConfig) []string {
	missing := []string{}
	for _, f := range t.Fields() {
		if f.Required && !f.Generated && cfg[f.Name] == "" {
			missing = append(missing, f.Name)
		}
	}
	return missing
}

// ChannelType is everything the program asks of one type of channel. Each
// channel package (channel/<kind>) implements it once,
// and the server registers it (see Registry); nothing outside the registry and
// the channel packages asks which kind a channel is.
type ChannelType interface {
	// Kind names the type in URLs, the API and the database.
	Kind() ChannelKind
	// Title is the platform's name for people.
	Title(Locale) string
	// Fields are the settings a channel of this type takes, in the order a
	// form asks for them.
	Fields() []ConfigField
	// TextLimit is the longest message text the platform takes, counted as
	// it counts.
	TextLimit() TextLimit
	// Pacing is how fast the platform lets a business send (a server may
	// set another pace).
	Pacing() Pacing
	// Window is when the platform lets a business write to a client.
	Window() SendWindow
	// Sender hands messages to the platform, its buttons rendered the
	// platform's way. Nil: the channel has no remote side, and the
	// messages stored are what its clients see (the web chat).
	Sender() Sender
	// Webhook reads what the platform posts; nil if it posts nothing.
	Webhook() ChannelWebhook
	// Path is where the channel is reached on this server: the platform's
	// webhook (see WebhookPath), or the page its clients open.
	Path(key string) string
}

// Connector is a channel type that sets a new channel up on its platform
// itself, when Beseda made the secret the platform must know (it checks the
// channel's token with the platform and registers the webhook with a secret
// it made).
type Connector interface {
	Connect(ctx context.Context, ch *Channel, webhookURL string) error
}

// WebhookPath is the path of a channel's webhook: every platform posts to
// /webhooks/{kind}/{key}.
func WebhookPath(kind ChannelKind, key string) string {
	return "/webhooks/" + string(kind) + "/" + key
}
