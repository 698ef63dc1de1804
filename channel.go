package beseda

import (
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// ChannelKind is the messenger a channel connects to.
type ChannelKind string

const (
	ChannelWeb       ChannelKind = "web"
	ChannelTelegram  ChannelKind = "telegram"
	ChannelMessenger ChannelKind = "messenger"
)

func (k ChannelKind) Valid() bool {
	return k == ChannelWeb || k == ChannelTelegram || k == ChannelMessenger
}

// MaxTextLength is the longest message text, in characters, a channel accepts:
// Telegram's sendMessage takes 4096, Messenger's text message 2000. The web
// chat keeps to Telegram's limit so that text moves freely between channels.
func (k ChannelKind) MaxTextLength() int {
	if k == ChannelMessenger {
		return 2000
	}
	return 4096
}

// Channel is one connection of a workspace to a messenger: a web-chat widget,
// a Telegram bot, a Facebook page. Key is public and unguessable: it names the
// channel in widget and webhook URLs.
type Channel struct {
	ID          int64       `json:"id"`
	WorkspaceID int64       `json:"-"`
	Kind        ChannelKind `json:"kind"`
	Name        string      `json:"name"`
	Key         string      `json:"key"`
	CreatedAt   time.Time   `json:"created_at"`

	// Config holds the channel's settings including secrets (bot token, app
	// secret, page token). It is write-only through the API and never logged.
	Config ChannelConfig `json:"-"`
}

// ChannelConfig is the union of the settings of all channel kinds (SPEC §3).
type ChannelConfig struct {
	// Telegram.
	BotToken      string `json:"bot_token,omitempty"`
	WebhookSecret string `json:"webhook_secret,omitempty"`

	// Facebook Messenger.
	PageID          string `json:"page_id,omitempty"`
	PageAccessToken string `json:"page_access_token,omitempty"`
	AppSecret       string `json:"app_secret,omitempty"`
	VerifyToken     string `json:"verify_token,omitempty"`

	// APIBaseURL overrides the messenger's API (Bot API, Graph API), so that
	// tests can point a channel at a local fake.
	APIBaseURL string `json:"api_base_url,omitempty"`
}

// ChannelCreate is the input for a new channel.
type ChannelCreate struct {
	Kind   ChannelKind   `json:"kind"`
	Name   string        `json:"name"`
	Config ChannelConfig `json:"config"`
}

// Validate checks that the config holds what the kind needs (SPEC §3).
func (c *ChannelCreate) Validate() error {
	if !c.Kind.Valid() {
		return Errorf(EINVALID, "kind must be web, telegram or messenger")
	}
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" || utf8.RuneCountInString(c.Name) > 100 {
		return Errorf(EINVALID, "name must be 1 to 100 characters")
	}
	cfg := c.Config
	if cfg.APIBaseURL != "" {
		u, err := url.Parse(cfg.APIBaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return Errorf(EINVALID, "config.api_base_url must be an http or https URL")
		}
		c.Config.APIBaseURL = strings.TrimRight(cfg.APIBaseURL, "/")
	}
	switch c.Kind {
	case ChannelWeb:
		if cfg != (ChannelConfig{}) {
			return Errorf(EINVALID, "a web channel takes no config")
		}
	case ChannelTelegram:
		if !telegramToken.MatchString(cfg.BotToken) {
			return Errorf(EINVALID, "config.bot_token must be a Telegram bot token (123456:ABC…)")
		}
		// Telegram allows 1–256 characters A–Z, a–z, 0–9, _ and - in a secret token.
		if !telegramSecret.MatchString(cfg.WebhookSecret) {
			return Errorf(EINVALID, "config.webhook_secret must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -")
		}
		if cfg.PageID != "" || cfg.PageAccessToken != "" || cfg.AppSecret != "" || cfg.VerifyToken != "" {
			return Errorf(EINVALID, "a telegram channel takes bot_token, webhook_secret and api_base_url")
		}
	case ChannelMessenger:
		for _, f := range []struct{ name, value string }{
			{"page_id", cfg.PageID}, {"page_access_token", cfg.PageAccessToken},
			{"app_secret", cfg.AppSecret}, {"verify_token", cfg.VerifyToken},
		} {
			if strings.TrimSpace(f.value) == "" || len(f.value) > 1024 {
				return Errorf(EINVALID, "config.%s is required", f.name)
			}
		}
		if cfg.BotToken != "" || cfg.WebhookSecret != "" {
			return Errorf(EINVALID, "a messenger channel takes page_id, page_access_token, app_secret, verify_token and api_base_url")
		}
	}
	return nil
}

var (
	telegramToken  = regexp.MustCompile(`^[0-9]{1,20}:[A-Za-z0-9_-]{20,100}$`)
	telegramSecret = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
)
