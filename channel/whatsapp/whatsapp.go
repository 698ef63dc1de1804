// Package whatsapp is the WhatsApp Business channel, through Meta's Cloud
// API: a business phone number that clients write to. Sending is POST
// {api_base_url}/{version}/{phone_number_id}/messages with the access token
// as a bearer token; the rating form goes as an interactive message with
// three reply buttons; a tap comes back as interactive.button_reply. The
// webhook is verified as Meta's platforms' are (GET hub.challenge with the
// verify token, POST signed with X-Hub-Signature-256 by the app secret). WhatsApp
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
	"io"
	"net/http"
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
		{Name: "business_account_id",
			Label: beseda.Texts{EN: "WhatsApp Business Account ID", RU: "ID бизнес-аккаунта WhatsApp"},
			Help: beseda.Texts{EN: "WhatsApp → API Setup; message templates are read from it",
				RU: "WhatsApp → API Setup; из него читаются шаблоны сообщений"},
			Check: checkID},
		{Name: "api_base_url", Label: beseda.Texts{EN: "Graph API address (for tests)", RU: "Адрес Graph API (для тестов)"},
			Check: beseda.CheckAPIBaseURL, Address: true},
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
// message; after it only approved message templates go (Templates).
func (t *Type) Window() beseda.SendWindow { return beseda.SendWindow{Standard: 24 * time.Hour} }

func (t *Type) Sender() beseda.Sender { return sender{t.api} }

func (t *Type) Webhook() beseda.ChannelWebhook { return webhook{} }

// ConfirmWait implements beseda.SendConfirmer: the Cloud API posts a "sent"
// status of every message it took, with its biz_opaque_callback_data, and
// Meta retries a webhook the server missed while it was down.
func (t *Type) ConfirmWait() time.Duration { return ConfirmWait }

// ConfirmWait is how long a send cut off by a crash waits for its status
// webhook before it is sent again.
const ConfirmWait = 10 * time.Second

func (t *Type) Path(key string) string { return beseda.WebhookPath(Kind, key) }

// SetTransport implements channel.Networked: every Cloud API call goes through rt.
func (t *Type) SetTransport(rt http.RoundTripper) { t.api.SetTransport(rt) }

// SendRequest is the body of POST /{phone_number_id}/messages.
type SendRequest struct {
	MessagingProduct string           `json:"messaging_product"`
	RecipientType    string           `json:"recipient_type"`
	To               string           `json:"to"`
	Type             string           `json:"type"`
	Text             *Text            `json:"text,omitempty"`
	Interactive      *Interactive     `json:"interactive,omitempty"`
	Image            *MediaObject     `json:"image,omitempty"`
	Document         *MediaObject     `json:"document,omitempty"`
	Template         *TemplateMessage `json:"template,omitempty"`
	// BizOpaqueCallbackData comes back in the message's status webhooks:
	// Beseda's tag of it (beseda.SendTag).
	BizOpaqueCallbackData string `json:"biz_opaque_callback_data,omitempty"`
}

// MediaObject is a file uploaded before (its media id) sent as an image or
// a document; captions take up to 1024 characters, and only a document has
// a file name.
type MediaObject struct {
	ID       string `json:"id"`
	Caption  string `json:"caption,omitempty"`
	Filename string `json:"filename,omitempty"`
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

// captionLimit: a media message's caption takes up to 1024 characters.
var captionLimit = beseda.TextLimit{Max: 1024}

// imageMax is the largest image the Cloud API takes as one; larger ones go
// as documents.
const imageMax = 5 << 20

// Send implements beseda.Sender: a text message, or, with buttons, an
// interactive message of reply buttons; each file uploaded to the number's
// media (POST /{phone_number_id}/media) and sent by its id as an image or
// a document, the text its caption when it fits one.
func (s sender) Send(ctx context.Context, d beseda.Delivery) (string, error) {
	if d.Message.Template != nil {
		return s.sendTemplate(ctx, d)
	}
	parts := channel.Parts(d.Message, func(t string) bool { return captionLimit.Fits(captionLimit.Len(t)) })
	return channel.SendParts(ctx, d, parts, func(ctx context.Context, p channel.Part) (string, error) {
		req := SendRequest{MessagingProduct: "whatsapp", RecipientType: "individual", To: d.Subscriber.ExternalID,
			BizOpaqueCallbackData: p.Tag}
		switch {
		case p.File != nil:
			id, err := s.upload(ctx, d, p.File)
			if err != nil {
				return "", err
			}
			if t := p.File.ContentType; (t == "image/jpeg" || t == "image/png") && p.File.Size <= imageMax {
				req.Type, req.Image = "image", &MediaObject{ID: id, Caption: p.Caption}
			} else {
				req.Type, req.Document = "document", &MediaObject{ID: id, Caption: p.Caption, Filename: p.File.Name}
			}
		case len(d.Message.Buttons) > 0:
			buttons := make([]ReplyButton, len(d.Message.Buttons))
			for i, b := range d.Message.Buttons {
				buttons[i] = ReplyButton{Type: "reply", Reply: Reply{ID: b.Payload, Title: b.Title}}
			}
			req.Type = "interactive"
			req.Interactive = &Interactive{Type: "button", Body: Body{Text: p.Text}, Action: Action{Buttons: buttons}}
		default:
			req.Type = "text"
			req.Text = &Text{Body: p.Text}
		}
		status, raw, err := s.api.PostJSON(ctx, endpoint(d.Channel, "messages"), bearer(d.Channel), req)
		var out SendResponse
		if err := s.answer(status, raw, err, &out); err != nil {
			return "", err
		}
		if len(out.Messages) == 0 || out.Messages[0].ID == "" {
			return "", s.api.NotJSON(status)
		}
		return out.Messages[0].ID, nil
	})
}

// sendTemplate sends a message as its template (beseda.Message.Template),
// which goes whatever the window: files and text are the template's.
func (s sender) sendTemplate(ctx context.Context, d beseda.Delivery) (string, error) {
	req := SendRequest{MessagingProduct: "whatsapp", RecipientType: "individual", To: d.Subscriber.ExternalID,
		BizOpaqueCallbackData: beseda.SendTag(d.Message.ID), Type: "template", Template: templateMessage(d.Message)}
	status, raw, err := s.api.PostJSON(ctx, endpoint(d.Channel, "messages"), bearer(d.Channel), req)
	var out SendResponse
	if err := s.answer(status, raw, err, &out); err != nil {
		return "", err
	}
	if len(out.Messages) == 0 || out.Messages[0].ID == "" {
		return "", s.api.NotJSON(status)
	}
	return out.Messages[0].ID, nil
}

// upload puts a file in the number's media and returns its id.
func (s sender) upload(ctx context.Context, d beseda.Delivery, att *beseda.Attachment) (string, error) {
	f, err := channel.Open(ctx, d, att)
	if err != nil {
		return "", err
	}
	defer f.Close()
	fields := [][2]string{{"messaging_product", "whatsapp"}, {"type", att.ContentType}}
	status, raw, err := s.api.PostForm(ctx, endpoint(d.Channel, "media"), bearer(d.Channel), fields,
		channel.FormFile{Field: "file", Name: att.Name, ContentType: att.ContentType, Body: f})
	var out struct {
		ID string `json:"id"`
	}
	if err := s.answer(status, raw, err, &out); err != nil {
		return "", err
	}
	if out.ID == "" {
		return "", s.api.NotJSON(status)
	}
	return out.ID, nil
}

// answer reads a Cloud API answer into out, or sorts its failure.
func (s sender) answer(status int, raw []byte, err error, out any) error {
	if err != nil {
		return err
	}
	if status == 200 {
		if json.Unmarshal(raw, out) != nil {
			return s.api.NotJSON(status)
		}
		return nil
	}
	ge, ok := channel.ParseGraphError(raw)
	if !ok {
		return channel.StatusError(fmt.Sprintf("whatsapp answered %d", status), status, 0)
	}
	return classify(ge)
}

// base is the Graph API's address for the channel, versioned.
func base(ch *beseda.Channel) string {
	b := ch.Config.Get("api_base_url")
	if b == "" {
		b = DefaultAPI
	}
	return b + "/" + Version
}

// endpoint is an edge of the channel's phone number: messages, media.
func endpoint(ch *beseda.Channel, edge string) string {
	return base(ch) + "/" + url.PathEscape(ch.Config.Get("phone_number_id")) + "/" + edge
}

func bearer(ch *beseda.Channel) map[string]string {
	return map[string]string{"Authorization": "Bearer " + ch.Config.Get("access_token")}
}

var _ beseda.MediaChannel = (*Type)(nil)

// mediaHosts are where the Cloud API keeps clients' files.
var mediaHosts = []string{"fbsbx.com", "whatsapp.net", "facebook.com"}

// FetchMedia gets a client's file: GET /{media-id} gives its address, which
// is fetched with the access token once it is checked to be Meta's
// (channel.MediaURL), so that the token goes nowhere else.
func (t *Type) FetchMedia(ctx context.Context, ch *beseda.Channel, m beseda.Media) (io.ReadCloser, error) {
	var meta struct {
		URL string `json:"url"`
	}
	if err := t.api.GetJSON(ctx, base(ch)+"/"+url.PathEscape(m.Ref), bearer(ch), &meta); err != nil {
		return nil, err
	}
	u, err := channel.MediaURL(meta.URL, ch.Config.Get("api_base_url"), mediaHosts...)
	if err != nil {
		return nil, err
	}
	return t.api.Download(ctx, u, bearer(ch))
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
