// Package telegram is the Telegram channel: a bot speaking the Bot API. Its
// Type tells the rest of Beseda everything about it (settings, the 4,096
// UTF-16 unit limit, pace, sending, the webhook); the server registers it.
// The API's base URL is configurable per channel so that tests use a local
// fake (internal/testkit/faketelegram).
package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/channel"
)

// Kind is Telegram's kind.
const Kind beseda.ChannelKind = "telegram"

// DefaultAPI is the Bot API's address.
const DefaultAPI = "https://api.telegram.org"

// Type is the Telegram channel type.
type Type struct {
	client *Client
}

// New returns the Telegram channel type with its Bot API client.
func New() *Type { return &Type{client: NewClient()} }

var _ beseda.ChannelType = (*Type)(nil)
var _ beseda.Connector = (*Type)(nil)

func (t *Type) Kind() beseda.ChannelKind { return Kind }

func (t *Type) Title(l beseda.Locale) string {
	return beseda.Texts{EN: "Telegram", RU: "Телеграм"}.In(l)
}

var (
	tokenPattern  = regexp.MustCompile(`^[0-9]{1,20}:[A-Za-z0-9_-]{20,100}$`)
	secretPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
)

func (t *Type) Fields() []beseda.ConfigField {
	return []beseda.ConfigField{
		{Name: "bot_token", Required: true, Secret: true,
			Label: beseda.Texts{EN: "Bot token", RU: "Токен бота"},
			Help:  beseda.Texts{EN: "From @BotFather: 123456:ABC…", RU: "Его выдаёт @BotFather: 123456:ABC…"},
			Check: func(v string) (string, error) {
				if !tokenPattern.MatchString(v) {
					return "", beseda.Errorf(beseda.EINVALID, "must be a bot token (123456:ABC…)")
				}
				return v, nil
			}},
		// Telegram sends it back in a header with every update; 1–256 of
		// A–Z, a–z, 0–9, _ and -.
		{Name: "webhook_secret", Required: true, Secret: true, Generated: true,
			Label: beseda.Texts{EN: "Webhook secret", RU: "Секрет вебхука"},
			Check: func(v string) (string, error) {
				if !secretPattern.MatchString(v) {
					return "", beseda.Errorf(beseda.EINVALID, "must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -")
				}
				return v, nil
			}},
		{Name: "api_base_url", Label: beseda.Texts{EN: "Bot API address (for tests)", RU: "Адрес Bot API (для тестов)"},
			Check: beseda.CheckAPIBaseURL, Address: true},
	}
}

// TextLimit: sendMessage takes 1–4096 characters as Telegram counts them, in
// UTF-16 code units.
func (t *Type) TextLimit() beseda.TextLimit {
	return beseda.TextLimit{Max: 4096, Counting: beseda.CountUTF16}
}

// Pacing: about 30 messages a second per bot, and one a second to a chat.
func (t *Type) Pacing() beseda.Pacing { return beseda.Pacing{PerSecond: 30, PerChat: time.Second} }

// Window: a bot may write to a chat that started it at any time.
func (t *Type) Window() beseda.SendWindow { return beseda.SendWindow{} }

func (t *Type) Sender() beseda.Sender { return Sender{t.client} }

func (t *Type) Webhook() beseda.ChannelWebhook { return webhook{t.client} }

func (t *Type) Path(key string) string { return beseda.WebhookPath(Kind, key) }

// SetTransport implements channel.Networked: every Bot API call goes through rt.
func (t *Type) SetTransport(rt http.RoundTripper) { t.client.api.SetTransport(rt) }

var _ beseda.MediaChannel = (*Type)(nil)

// FetchMedia gets a client's file: getFile gives its path, then the file is
// downloaded from {api}/file/bot{token}/{path}. Telegram refuses files over
// 20 MB to bots (beseda.ETOOLARGE); other failures are sorted as sends are
// (a file_id it does not know is permanent).
func (t *Type) FetchMedia(ctx context.Context, ch *beseda.Channel, m beseda.Media) (io.ReadCloser, error) {
	var f File
	if err := t.client.call(ctx, ch, "getFile", map[string]string{"file_id": m.Ref}, &f); err != nil {
		if se := (*beseda.SendError)(nil); errors.As(err, &se) && strings.Contains(se.Reason, "file is too big") {
			return nil, beseda.Errorf(beseda.ETOOLARGE, "telegram: file is too big")
		}
		return nil, err
	}
	if f.FilePath == "" || strings.Contains(f.FilePath, "..") {
		return nil, beseda.Errorf(beseda.EINVALID, "telegram: getFile gave no usable file_path")
	}
	return t.client.api.Download(ctx, base(ch)+"/file/bot"+ch.Config.Get("bot_token")+"/"+f.FilePath, nil)
}

// Connect checks the bot token (getMe) and points the bot's webhook at
// Beseda with the channel's secret token (setWebhook), so that the owner
// pastes nothing but the token. Returns EINVALID saying which went wrong in
// words of ours — Telegram could not be reached, refused the token, or
// refused the webhook address — never repeating the answer, which an
// api_base_url may have chosen.
func (t *Type) Connect(ctx context.Context, ch *beseda.Channel, webhookURL string) error {
	if refused, err := t.client.refuses(ctx, ch, "getMe", struct{}{}); err != nil {
		return channel.Unreachable("Telegram")
	} else if refused {
		return beseda.Errorf(beseda.EINVALID, "Telegram refused the bot token")
	}
	req := SetWebhookRequest{URL: webhookURL, SecretToken: ch.Config.Get("webhook_secret"),
		AllowedUpdates: []string{"message", "callback_query"}}
	if refused, err := t.client.refuses(ctx, ch, "setWebhook", req); err != nil {
		return channel.Unreachable("Telegram")
	} else if refused {
		return beseda.Errorf(beseda.EINVALID, "Telegram did not take the webhook %s: it must be an https address Telegram can reach (--public-url)", webhookURL)
	}
	return nil
}

// Update is the part of a Bot API update Beseda reads.
type Update struct {
	UpdateID      int64          `json:"update_id"`
	Message       *Message       `json:"message,omitempty"`
	CallbackQuery *CallbackQuery `json:"callback_query,omitempty"`
}

// Message is a Bot API message.
type Message struct {
	MessageID int64  `json:"message_id"`
	From      *User  `json:"from,omitempty"`
	Chat      Chat   `json:"chat"`
	Date      int64  `json:"date"`
	Text      string `json:"text,omitempty"`
	Caption   string `json:"caption,omitempty"`
	// A message with a file: photo sizes, smallest first, or one file
	// of the other kinds.
	Photo     []File `json:"photo,omitempty"`
	Document  *File  `json:"document,omitempty"`
	Video     *File  `json:"video,omitempty"`
	Audio     *File  `json:"audio,omitempty"`
	Voice     *File  `json:"voice,omitempty"`
	VideoNote *File  `json:"video_note,omitempty"`
	Animation *File  `json:"animation,omitempty"`
	Sticker   *File  `json:"sticker,omitempty"`
}

// File is a file of a message (a PhotoSize, Document, Voice…), and the
// answer of getFile, which adds its path for the download.
type File struct {
	FileID   string `json:"file_id"`
	FileName string `json:"file_name,omitempty"`
	MimeType string `json:"mime_type,omitempty"`
	FileSize int64  `json:"file_size,omitempty"`
	FilePath string `json:"file_path,omitempty"`
}

// User is a Bot API user.
type User struct {
	ID        int64  `json:"id"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name,omitempty"`
	Username  string `json:"username,omitempty"`
	// LanguageCode is the IETF tag of the user's app language, when Telegram
	// sends it: the client's standard messages speak it.
	LanguageCode string `json:"language_code,omitempty"`
}

// Chat is a Bot API chat.
type Chat struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
	Title     string `json:"title,omitempty"`
}

// CallbackQuery is a tap on an inline keyboard button.
type CallbackQuery struct {
	ID      string   `json:"id"`
	From    User     `json:"from"`
	Message *Message `json:"message,omitempty"`
	Data    string   `json:"data,omitempty"`
}

// InlineKeyboardButton is a button under a message; CallbackData (1–64
// bytes, the strictest limit of a button's payload among the platforms, so
// every payload's: beseda.MaxPayloadBytes) comes back in a callback query.
type InlineKeyboardButton struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data"`
}

// InlineKeyboardMarkup is rows of buttons.
type InlineKeyboardMarkup struct {
	InlineKeyboard [][]InlineKeyboardButton `json:"inline_keyboard"`
}

// SendMessageRequest is the body of sendMessage.
type SendMessageRequest struct {
	ChatID      json.Number           `json:"chat_id"`
	Text        string                `json:"text"`
	ReplyMarkup *InlineKeyboardMarkup `json:"reply_markup,omitempty"`
}

// AnswerCallbackQueryRequest is the body of answerCallbackQuery.
type AnswerCallbackQueryRequest struct {
	CallbackQueryID string `json:"callback_query_id"`
	Text            string `json:"text,omitempty"`
}

// SetWebhookRequest is the body of setWebhook.
type SetWebhookRequest struct {
	URL            string   `json:"url"`
	SecretToken    string   `json:"secret_token"`
	AllowedUpdates []string `json:"allowed_updates"`
}

// response is the Bot API's envelope.
type response struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  *struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// Client calls the Bot API.
type Client struct {
	api *channel.API
}

// NewClient returns a Bot API client.
func NewClient() *Client { return &Client{api: channel.NewAPI("telegram")} }

// call sends a Bot API method with a JSON body and decodes its result. Errors
// are *beseda.SendError, sorted for the retry policy.
func (c *Client) call(ctx context.Context, ch *beseda.Channel, method string, body, result any) error {
	status, raw, err := c.api.PostJSON(ctx, c.url(ch, method), nil, body)
	return c.result(method, status, raw, err, result)
}

// refuses calls a Bot API method whose result does not matter and tells
// whether Telegram answered with a refusal ("ok": false); err is any other
// failure: no answer, or one that is not the Bot API's.
func (c *Client) refuses(ctx context.Context, ch *beseda.Channel, method string, body any) (bool, error) {
	_, raw, err := c.api.PostJSON(ctx, c.url(ch, method), nil, body)
	if err != nil {
		return false, err
	}
	var r response
	if err := json.Unmarshal(raw, &r); err != nil || (!r.OK && r.ErrorCode == 0) {
		return false, fmt.Errorf("telegram: %s: not a Bot API answer", method)
	}
	if !r.OK && (r.ErrorCode == 429 || r.ErrorCode >= 500) {
		return false, fmt.Errorf("telegram: %s: try again later", method)
	}
	return !r.OK, nil
}

// base is the Bot API's address for the channel: the real one, or a fake.
func base(ch *beseda.Channel) string {
	if b := ch.Config.Get("api_base_url"); b != "" {
		return b
	}
	return DefaultAPI
}

// url is a Bot API method's address; it holds the token, so it is never
// shown.
func (c *Client) url(ch *beseda.Channel, method string) string {
	return base(ch) + "/bot" + ch.Config.Get("bot_token") + "/" + method
}

// result reads a Bot API answer into result, or sorts its failure.
func (c *Client) result(method string, status int, raw []byte, err error, result any) error {
	if err != nil {
		return err
	}
	var r response
	if err := json.Unmarshal(raw, &r); err != nil {
		return c.api.NotJSON(status)
	}
	if !r.OK {
		var wait time.Duration
		if r.Parameters != nil && r.Parameters.RetryAfter > 0 {
			wait = time.Duration(r.Parameters.RetryAfter) * time.Second
		}
		code := r.ErrorCode
		if code == 0 {
			code = status
		}
		return channel.StatusError("telegram: "+r.Description, code, wait)
	}
	if result != nil {
		if err := json.Unmarshal(r.Result, result); err != nil {
			return &beseda.SendError{Reason: fmt.Sprintf("telegram: unexpected %s result", method), Err: err}
		}
	}
	return nil
}

// Sender delivers messages through the Bot API.
type Sender struct{ *Client }

// captionLimit: a photo's or document's caption takes 0–1024 characters,
// counted as texts are.
var captionLimit = beseda.TextLimit{Max: 1024, Counting: beseda.CountUTF16}

// Send implements beseda.Sender: a text with sendMessage, its buttons one row
// of an inline keyboard; each file with sendPhoto (pictures Telegram shows as
// photos) or sendDocument, the text their caption when it fits one.
func (s Sender) Send(ctx context.Context, d beseda.Delivery) (string, error) {
	parts := channel.Parts(d.Message, func(t string) bool { return captionLimit.Fits(captionLimit.Len(t)) })
	return channel.SendParts(ctx, d, parts, func(ctx context.Context, p channel.Part) (string, error) {
		if p.File != nil {
			return s.sendFile(ctx, d, p)
		}
		return s.sendText(ctx, d)
	})
}

// photoMax is the largest photo sendPhoto takes; larger ones go as documents.
const photoMax = 10 << 20

// sendFile uploads a file as multipart/form-data: sendPhoto's field photo or
// sendDocument's document.
func (s Sender) sendFile(ctx context.Context, d beseda.Delivery, p channel.Part) (string, error) {
	method, field := "sendDocument", "document"
	switch p.File.ContentType {
	case "image/jpeg", "image/png", "image/webp":
		if p.File.Size <= photoMax {
			method, field = "sendPhoto", "photo"
		}
	}
	f, err := channel.Open(ctx, d, p.File)
	if err != nil {
		return "", err
	}
	defer f.Close()
	fields := [][2]string{{"chat_id", d.Subscriber.ExternalID}}
	if p.Caption != "" {
		fields = append(fields, [2]string{"caption", p.Caption})
	}
	status, raw, err := s.api.PostForm(ctx, s.url(d.Channel, method), nil, fields,
		channel.FormFile{Field: field, Name: p.File.Name, ContentType: p.File.ContentType, Body: f})
	var sent Message
	if err := s.result(method, status, raw, err, &sent); err != nil {
		return "", err
	}
	return strconv.FormatInt(sent.MessageID, 10), nil
}

func (s Sender) sendText(ctx context.Context, d beseda.Delivery) (string, error) {
	req := SendMessageRequest{ChatID: json.Number(d.Subscriber.ExternalID), Text: d.Message.Text}
	if len(d.Message.Buttons) > 0 {
		row := make([]InlineKeyboardButton, len(d.Message.Buttons))
		for i, b := range d.Message.Buttons {
			row[i] = InlineKeyboardButton{Text: b.Title, CallbackData: b.Payload}
		}
		req.ReplyMarkup = &InlineKeyboardMarkup{InlineKeyboard: [][]InlineKeyboardButton{row}}
	}
	var sent Message
	if err := s.call(ctx, d.Channel, "sendMessage", req, &sent); err != nil {
		return "", err
	}
	return strconv.FormatInt(sent.MessageID, 10), nil
}
