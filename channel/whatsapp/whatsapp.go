// Package whatsapp is the WhatsApp Business channel, through Meta's Cloud
// API: a business phone number that clients write to. Sending is POST
// {api_base_url}/{version}/{phone_number_id}/messages with the access token
// as a bearer token; the rating form goes as an interactive message with
// three reply buttons; a tap comes back as interactive.button_reply. The
// webhook is verified like Messenger's (GET hub.challenge with the verify
// token, POST signed with X-Hub-Signature-256 by the app secret). WhatsApp
// lets a business write freely only within 24 hours of the client's last
// message (the customer service window); after that a free-form message is
// not sent but failed, with the reason the console explains.
//
// The rest of Beseda knows WhatsApp only through Type, registered with one
// line in internal/server; docs/channels.md walks through it as the example
// of adding a channel. Tests talk to a local fake of the Cloud API
// (internal/testkit/fakewhatsapp).
package whatsapp

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/channel"
)

// Kind is WhatsApp's kind.
const Kind beseda.ChannelKind = "whatsapp"

// DefaultAPI is the Graph API's address, and Version the Cloud API version
// Beseda speaks; requests go to DefaultAPI/Version/….
const (
	DefaultAPI = "https://graph.facebook.com"
	Version    = "v21.0"
)

// Type is the WhatsApp channel type.
type Type struct {
	api *channel.API
}

// New returns the WhatsApp channel type.
func New() *Type { return &Type{api: channel.NewAPI("whatsapp")} }

var _ beseda.ChannelType = (*Type)(nil)

func (t *Type) Kind() beseda.ChannelKind { return Kind }

func (t *Type) Title(beseda.Locale) string { return "WhatsApp" }

func (t *Type) Fields() []beseda.ConfigField {
	return []beseda.ConfigField{
		{Name: "phone_number_id", Required: true,
			Label: beseda.Texts{EN: "Phone number ID", RU: "ID номера телефона"},
			Help:  beseda.Texts{EN: "WhatsApp → API Setup in the Meta app", RU: "WhatsApp → API Setup в приложении Meta"},
			Check: checkID},
		{Name: "access_token", Required: true, Secret: true,
			Label: beseda.Texts{EN: "Access token", RU: "Маркер доступа"},
			Help:  beseda.Texts{EN: "A system user's permanent token", RU: "Постоянный маркер системного пользователя"}},
		{Name: "app_secret", Required: true, Secret: true,
			Label: beseda.Texts{EN: "App secret", RU: "Секрет приложения"},
			Help:  beseda.Texts{EN: "Signs every webhook event", RU: "Им подписано каждое событие вебхука"}},
		{Name: "verify_token", Required: true, Generated: true,
			Label: beseda.Texts{EN: "Verify token", RU: "Маркер подтверждения"},
			Help:  beseda.Texts{EN: "Paste it into the app's webhook settings with the callback URL", RU: "Вставьте его в настройки вебхука приложения вместе с адресом обратного вызова"}},
		{Name: "api_base_url", Label: beseda.Texts{EN: "Graph API address (for tests)", RU: "Адрес Graph API (для тестов)"},
			Check: beseda.CheckAPIBaseURL},
	}
}

// checkID takes the digits Meta gives as a phone number ID: it becomes a
// segment of the API's path.
func checkID(v string) (string, error) {
	if len(v) == 0 || len(v) > 32 {
		return "", beseda.Errorf(beseda.EINVALID, "must be the number's ID, in digits")
	}
	for _, r := range v {
		if r < '0' || r > '9' {
			return "", beseda.Errorf(beseda.EINVALID, "must be the number's ID, in digits")
		}
	}
	return v, nil
}

// TextLimit: a text message's body takes up to 4096 characters.
func (t *Type) TextLimit() beseda.TextLimit { return beseda.TextLimit{Max: 4096} }

// Pacing: the Cloud API takes 80 messages a second per number by default.
// It allows short bursts to one client, so no pace per chat; its pair rate
// limit answers with an error that pauses delivery instead.
func (t *Type) Pacing() beseda.Pacing { return beseda.Pacing{PerSecond: 80} }

// Window: the customer service window, 24 hours after the client's last
// message; after it only template messages go, which Beseda does not send.
func (t *Type) Window() beseda.SendWindow { return beseda.SendWindow{Standard: 24 * time.Hour} }

func (t *Type) Sender() beseda.Sender { return sender{t.api} }

func (t *Type) Webhook() beseda.ChannelWebhook { return webhook{} }

func (t *Type) Path(key string) string { return beseda.WebhookPath(Kind, key) }

// SendRequest is the body of POST /{phone_number_id}/messages.
type SendRequest struct {
	MessagingProduct string       `json:"messaging_product"`
	RecipientType    string       `json:"recipient_type"`
	To               string       `json:"to"`
	Type             string       `json:"type"`
	Text             *Text        `json:"text,omitempty"`
	Interactive      *Interactive `json:"interactive,omitempty"`
}

// Text is a text message: a body of up to 4096 characters.
type Text struct {
	PreviewURL bool   `json:"preview_url"`
	Body       string `json:"body"`
}

// Interactive is an interactive message of type "button": a body of up to
// 1024 characters and 1–3 reply buttons.
type Interactive struct {
	Type   string `json:"type"`
	Body   Body   `json:"body"`
	Action Action `json:"action"`
}

// Body is an interactive message's text.
type Body struct {
	Text string `json:"text"`
}

// Action holds the reply buttons.
type Action struct {
	Buttons []ReplyButton `json:"buttons"`
}

// ReplyButton is a reply button: a title of up to 20 characters, unique in
// the message, and an id of up to 256 that comes back when tapped.
type ReplyButton struct {
	Type  string `json:"type"`
	Reply Reply  `json:"reply"`
}

// Reply is a reply button's id and title.
type Reply struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// SendResponse is the Cloud API's answer to a send.
type SendResponse struct {
	Messages []struct {
		ID string `json:"id"`
	} `json:"messages"`
}

// Cloud API error codes that mean something to delivery
// (developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes).
const (
	errReengagement  = 131047 // more than 24 hours since the client last wrote
	errThroughput    = 130429 // the number's messages per second
	errPairRateLimit = 131056 // too many messages to one client in a short time
	errRateLimit     = 4      // the app's calls
	errRateLimitApp  = 80007  // the business account's calls
	errUnknown       = 131000
	errUnavailable   = 131016
	errTemporary     = 133004
)

type sender struct{ api *channel.API }

// Send implements beseda.Sender: a text message, or, with buttons, an
// interactive message of reply buttons.
func (s sender) Send(ctx context.Context, d beseda.Delivery) (string, error) {
	req := SendRequest{MessagingProduct: "whatsapp", RecipientType: "individual", To: d.Subscriber.ExternalID}
	if len(d.Message.Buttons) > 0 {
		buttons := make([]ReplyButton, len(d.Message.Buttons))
		for i, b := range d.Message.Buttons {
			buttons[i] = ReplyButton{Type: "reply", Reply: Reply{ID: b.Payload, Title: b.Title}}
		}
		req.Type = "interactive"
		req.Interactive = &Interactive{Type: "button", Body: Body{Text: d.Message.Text}, Action: Action{Buttons: buttons}}
	} else {
		req.Type = "text"
		req.Text = &Text{Body: d.Message.Text}
	}
	cfg := d.Channel.Config
	base := cfg.Get("api_base_url")
	if base == "" {
		base = DefaultAPI
	}
	endpoint := base + "/" + Version + "/" + url.PathEscape(cfg.Get("phone_number_id")) + "/messages"
	status, raw, err := s.api.PostJSON(ctx, endpoint, map[string]string{"Authorization": "Bearer " + cfg.Get("access_token")}, req)
	if err != nil {
		return "", err
	}
	if status == 200 {
		var out SendResponse
		if json.Unmarshal(raw, &out) != nil || len(out.Messages) == 0 || out.Messages[0].ID == "" {
			return "", s.api.NotJSON(status)
		}
		return out.Messages[0].ID, nil
	}
	ge, ok := channel.ParseGraphError(raw)
	if !ok {
		return "", channel.StatusError(fmt.Sprintf("whatsapp answered %d", status), status, 0)
	}
	return "", classify(ge)
}

// classify maps a Cloud API error to the retry policy.
func classify(ge *channel.GraphError) *beseda.SendError {
	e := ge.Error
	reason := fmt.Sprintf("whatsapp error %d: %s", e.Code, e.Message)
	switch e.Code {
	case errReengagement:
		return &beseda.SendError{Reason: beseda.OutsideWindow, Permanent: true}
	case errPairRateLimit:
		return &beseda.SendError{Reason: reason, RetryAfter: 6 * time.Second}
	case errThroughput, errRateLimit, errRateLimitApp:
		return &beseda.SendError{Reason: reason, RetryAfter: time.Minute}
	case errUnknown, errUnavailable, errTemporary, 1, 2:
		return &beseda.SendError{Reason: reason} // temporary
	}
	return &beseda.SendError{Reason: reason, Permanent: true}
}
