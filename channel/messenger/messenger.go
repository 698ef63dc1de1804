// Package messenger is the Facebook Messenger channel: a page speaking the
// Send API, with Messenger's 24-hour window (7 days for a human agent's
// message, tagged HUMAN_AGENT) and its webhook (GET verification with
// hub.verify_token, POST events signed with X-Hub-Signature-256). Its Type
// tells the rest of Beseda everything about it; the server registers it. The
// Graph API's base URL is configurable per channel so that tests use a fake
// (internal/testkit/fakegraph).
package messenger

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/channel"
)

// Kind is Messenger's kind.
const Kind beseda.ChannelKind = "messenger"

// DefaultAPI is the Graph API's address, with the version Beseda speaks.
const DefaultAPI = "https://graph.facebook.com/v21.0"

// Graph API errors that mean something to delivery.
const (
	errPermission    = 10
	subcodeOutWindow = 2018278
)

// Type is the Messenger channel type.
type Type struct {
	sender *Sender
}

// New returns the Messenger channel type.
func New() *Type { return &Type{sender: NewSender()} }

var _ beseda.ChannelType = (*Type)(nil)

func (t *Type) Kind() beseda.ChannelKind { return Kind }

func (t *Type) Title(l beseda.Locale) string {
	return beseda.Texts{EN: "Messenger", RU: "Мессенджер Фейсбука"}.In(l)
}

func (t *Type) Fields() []beseda.ConfigField {
	return []beseda.ConfigField{
		{Name: "page_id", Required: true, Label: beseda.Texts{EN: "Page ID", RU: "ID страницы"}},
		{Name: "page_access_token", Required: true, Secret: true,
			Label: beseda.Texts{EN: "Page access token", RU: "Маркер доступа страницы"}},
		{Name: "app_secret", Required: true, Secret: true,
			Label: beseda.Texts{EN: "App secret", RU: "Секрет приложения"},
			Help:  beseda.Texts{EN: "Signs every webhook event", RU: "Им подписано каждое событие вебхука"}},
		{Name: "verify_token", Required: true, Generated: true,
			Label: beseda.Texts{EN: "Verify token", RU: "Маркер подтверждения"},
			Help:  beseda.Texts{EN: "Paste it into the app's webhook settings with the callback URL", RU: "Вставьте его в настройки вебхука приложения вместе с адресом обратного вызова"}},
		{Name: "api_base_url", Label: beseda.Texts{EN: "Graph API address (for tests)", RU: "Адрес Graph API (для тестов)"},
			Check: beseda.CheckAPIBaseURL, Address: true},
	}
}

// TextLimit: a text message takes up to 2000 characters.
func (t *Type) TextLimit() beseda.TextLimit { return beseda.TextLimit{Max: 2000} }

// Pacing: the Messenger Platform is paced like a bot.
func (t *Type) Pacing() beseda.Pacing { return beseda.Pacing{PerSecond: 40} }

// Window: standard messages within 24 hours of the client's last message;
// after that, only a human agent, with the HUMAN_AGENT tag, up to 7 days.
func (t *Type) Window() beseda.SendWindow {
	return beseda.SendWindow{Standard: 24 * time.Hour, Human: 7 * 24 * time.Hour}
}

func (t *Type) Sender() beseda.Sender { return t.sender }

func (t *Type) Webhook() beseda.ChannelWebhook { return webhook{} }

// ConfirmWait implements beseda.SendConfirmer: Messenger echoes every
// message the page sent, with its metadata, to a page subscribed to
// message_echoes, and retries a webhook the server missed while it was down.
func (t *Type) ConfirmWait() time.Duration { return ConfirmWait }

// ConfirmWait is how long a send cut off by a crash waits for its echo
// before it is sent again.
const ConfirmWait = 10 * time.Second

func (t *Type) Path(key string) string { return beseda.WebhookPath(Kind, key) }

// SetTransport implements channel.Networked: every Graph API call goes through rt.
func (t *Type) SetTransport(rt http.RoundTripper) { t.sender.api.SetTransport(rt) }

// SendRequest is the body of POST /me/messages.
type SendRequest struct {
	Recipient     Recipient   `json:"recipient"`
	MessagingType string      `json:"messaging_type"`
	Tag           string      `json:"tag,omitempty"`
	Message       SendMessage `json:"message"`
}

// Recipient names the client by their page-scoped id.
type Recipient struct {
	ID string `json:"id"`
}

// SendMessage is a text, or an attachment (the button template).
type SendMessage struct {
	Text       string      `json:"text,omitempty"`
	Attachment *Attachment `json:"attachment,omitempty"`
	// Metadata comes back in the message's echo (message_echoes):
	// Beseda's tag of it (beseda.SendTag).
	Metadata string `json:"metadata,omitempty"`
}

// Attachment is a template attachment.
type Attachment struct {
	Type    string          `json:"type"`
	Payload TemplatePayload `json:"payload"`
}

// TemplatePayload is a button template: text (≤ 640) and 1–3 buttons. These
// are the strictest limits of a button template among the platforms, so they
// are every rating form's (beseda.MaxButtonTemplate, beseda.MaxButtonTitle).
type TemplatePayload struct {
	TemplateType string   `json:"template_type"`
	Text         string   `json:"text"`
	Buttons      []Button `json:"buttons"`
}

// Button is a postback button: title ≤ 20 characters, payload ≤ 1000.
type Button struct {
	Type    string `json:"type"`
	Title   string `json:"title"`
	Payload string `json:"payload"`
}

// SendResponse is the Send API's answer.
type SendResponse struct {
	RecipientID string `json:"recipient_id"`
	MessageID   string `json:"message_id"`
}

// Sender delivers messages through the Send API.
type Sender struct {
	api *channel.API
}

// NewSender returns a Send API client.
func NewSender() *Sender { return &Sender{api: channel.NewAPI("graph api")} }

// Send implements beseda.Sender. Automation within the window goes as UPDATE,
// replies as RESPONSE; a manager after the window as MESSAGE_TAG with
// HUMAN_AGENT (the window decided that it may). A text goes first (with its
// buttons, as a button template), then each file as an attachment uploaded
// with the request (Messenger has no captions).
func (s *Sender) Send(ctx context.Context, d beseda.Delivery) (string, error) {
	req := SendRequest{Recipient: Recipient{ID: d.Subscriber.ExternalID}, MessagingType: "RESPONSE"}
	switch {
	case d.HumanAgent:
		req.MessagingType, req.Tag = "MESSAGE_TAG", "HUMAN_AGENT"
	case d.Message.Source == beseda.SourceFunnel || d.Message.Source == beseda.SourceBroadcast:
		req.MessagingType = "UPDATE"
	}
	base := d.Channel.Config.Get("api_base_url")
	if base == "" {
		base = DefaultAPI
	}
	endpoint := base + "/me/messages?access_token=" + url.QueryEscape(d.Channel.Config.Get("page_access_token"))
	return channel.SendParts(ctx, d, channel.Parts(d.Message, nil), func(ctx context.Context, p channel.Part) (string, error) {
		if p.File != nil {
			return s.sendFile(ctx, d, endpoint, req, p)
		}
		req := req
		req.Message.Metadata = p.Tag
		if len(d.Message.Buttons) > 0 {
			buttons := make([]Button, len(d.Message.Buttons))
			for i, b := range d.Message.Buttons {
				buttons[i] = Button{Type: "postback", Title: b.Title, Payload: b.Payload}
			}
			req.Message.Attachment = &Attachment{Type: "template", Payload: TemplatePayload{
				TemplateType: "button", Text: p.Text, Buttons: buttons}}
		} else {
			req.Message.Text = p.Text
		}
		status, raw, err := s.api.PostJSON(ctx, endpoint, nil, req)
		return s.answer(status, raw, err)
	})
}

// sendFile sends a file as the Send API takes an upload: a multipart form
// with recipient, messaging_type, tag and message as JSON fields, and the
// bytes in filedata.
func (s *Sender) sendFile(ctx context.Context, d beseda.Delivery, endpoint string, req SendRequest, p channel.Part) (string, error) {
	att := p.File
	recipient, _ := json.Marshal(req.Recipient)
	msg := map[string]any{"attachment": map[string]any{
		"type": attachmentType(att.ContentType), "payload": map[string]bool{"is_reusable": false}}}
	if p.Tag != "" {
		msg["metadata"] = p.Tag
	}
	message, _ := json.Marshal(msg)
	fields := [][2]string{{"recipient", string(recipient)}, {"messaging_type", req.MessagingType}}
	if req.Tag != "" {
		fields = append(fields, [2]string{"tag", req.Tag})
	}
	fields = append(fields, [2]string{"message", string(message)})
	f, err := channel.Open(ctx, d, att)
	if err != nil {
		return "", err
	}
	defer f.Close()
	status, raw, err := s.api.PostForm(ctx, endpoint, nil, fields,
		channel.FormFile{Field: "filedata", Name: att.Name, ContentType: att.ContentType, Body: f})
	return s.answer(status, raw, err)
}

// attachmentType is the Send API's kind of a file: image, video, audio or
// file.
func attachmentType(contentType string) string {
	switch kind, _, _ := strings.Cut(contentType, "/"); {
	case beseda.ShownInline(contentType) || contentType == "image/gif":
		return "image"
	case kind == "video" || kind == "audio":
		return kind
	}
	return "file"
}

// answer reads the Send API's answer: the message id, or the failure sorted.
func (s *Sender) answer(status int, raw []byte, err error) (string, error) {
	if err != nil {
		return "", err
	}
	if status == 200 {
		var out SendResponse
		if err := json.Unmarshal(raw, &out); err != nil {
			return "", s.api.NotJSON(status)
		}
		return out.MessageID, nil
	}
	ge, ok := channel.ParseGraphError(raw)
	if !ok {
		return "", channel.StatusError(fmt.Sprintf("graph api answered %d", status), status, 0)
	}
	return "", classify(ge)
}

var _ beseda.MediaChannel = (*Type)(nil)

// mediaHosts are where Messenger keeps clients' files (its CDN).
var mediaHosts = []string{"fbcdn.net", "fbsbx.com", "facebook.com"}

// FetchMedia downloads a client's file from the address the webhook gave,
// once it is checked to be Messenger's (channel.MediaURL): the address is
// signed, and the page's token is not sent with it.
func (t *Type) FetchMedia(ctx context.Context, ch *beseda.Channel, m beseda.Media) (io.ReadCloser, error) {
	u, err := channel.MediaURL(m.Ref, ch.Config.Get("api_base_url"), mediaHosts...)
	if err != nil {
		return nil, err
	}
	return t.sender.api.Download(ctx, u, nil)
}

// classify maps a Graph API error to the retry policy.
func classify(ge *channel.GraphError) *beseda.SendError {
	e := ge.Error
	reason := fmt.Sprintf("graph api error %d: %s", e.Code, e.Message)
	switch {
	case e.Code == errPermission && e.ErrorSubcode == subcodeOutWindow:
		return &beseda.SendError{Reason: beseda.OutsideWindow, Permanent: true}
	case e.Code == 4 || e.Code == 17 || e.Code == 32 || e.Code == 613:
		return &beseda.SendError{Reason: reason, RetryAfter: time.Minute} // rate limits
	case e.Code == 1 || e.Code == 2:
		return &beseda.SendError{Reason: reason} // temporary
	}
	return &beseda.SendError{Reason: reason, Permanent: true}
}
