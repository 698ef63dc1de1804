// Package telegram is the Telegram channel: the webhook that turns Bot API
// updates into client messages and button taps, and the sender that speaks
// the Bot API (sendMessage with an inline keyboard, answerCallbackQuery). The
// API's base URL is configurable per channel so that tests use a local fake.
package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
)

// DefaultAPI is the Bot API's address.
const DefaultAPI = "https://api.telegram.org"

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
	Sticker   any    `json:"sticker,omitempty"`
	Photo     any    `json:"photo,omitempty"`
	Document  any    `json:"document,omitempty"`
	Voice     any    `json:"voice,omitempty"`
}

// User is a Bot API user.
type User struct {
	ID        int64  `json:"id"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name,omitempty"`
	Username  string `json:"username,omitempty"`
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
// bytes) comes back in a callback query.
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
	HTTP *http.Client
}

// NewClient returns a client with sane timeouts.
func NewClient() *Client {
	return &Client{HTTP: &http.Client{Timeout: 15 * time.Second}}
}

// call sends a Bot API method with a JSON body and decodes its result. Errors
// are *beseda.SendError, classified for the retry policy.
func (c *Client) call(ctx context.Context, ch *beseda.Channel, method string, body, result any) error {
	data, err := json.Marshal(body)
	if err != nil {
		return err
	}
	base := ch.Config.APIBaseURL
	if base == "" {
		base = DefaultAPI
	}
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/bot"+ch.Config.BotToken+"/"+method, bytes.NewReader(data))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := c.HTTP.Do(req)
	if err != nil {
		// The error names the URL, which holds the bot token: keep it out.
		return &beseda.SendError{Reason: "telegram unreachable"}
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return &beseda.SendError{Reason: "telegram answer cut short"}
	}
	var r response
	if err := json.Unmarshal(raw, &r); err != nil {
		return &beseda.SendError{Reason: fmt.Sprintf("telegram answered %d without JSON", res.StatusCode),
			Permanent: res.StatusCode >= 400 && res.StatusCode < 500 && res.StatusCode != 429}
	}
	if !r.OK {
		se := &beseda.SendError{Reason: "telegram: " + r.Description}
		switch {
		case r.ErrorCode == 429 || (r.Parameters != nil && r.Parameters.RetryAfter > 0):
			se.RetryAfter = time.Second
			if r.Parameters != nil && r.Parameters.RetryAfter > 0 {
				se.RetryAfter = time.Duration(r.Parameters.RetryAfter) * time.Second
			}
		case r.ErrorCode >= 400 && r.ErrorCode < 500:
			// Bad request, blocked by the user, chat not found: retrying cannot help.
			se.Permanent = true
		}
		return se
	}
	if result != nil {
		return json.Unmarshal(r.Result, result)
	}
	return nil
}

// Sender delivers messages through the Bot API.
type Sender struct{ *Client }

// Send implements beseda.Sender with sendMessage; buttons become one row of an
// inline keyboard.
func (s Sender) Send(ctx context.Context, d beseda.Delivery) (string, error) {
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

// event turns an update into what Beseda acts on; nil for kinds it ignores
// (edits, channel posts…). callbackID is set for a button tap, which must be
// answered.
func event(u *Update) (ev *app.InboundEvent, callbackID string) {
	key := "update:" + strconv.FormatInt(u.UpdateID, 10)
	switch {
	case u.Message != nil:
		m := u.Message
		return &app.InboundEvent{ExternalUserID: strconv.FormatInt(m.Chat.ID, 10), Name: chatName(m.Chat, m.From),
			UpdateKey: key, Text: messageText(m)}, ""
	case u.CallbackQuery != nil:
		q := u.CallbackQuery
		chatID := q.From.ID
		if q.Message != nil {
			chatID = q.Message.Chat.ID
		}
		return &app.InboundEvent{ExternalUserID: strconv.FormatInt(chatID, 10), Name: userName(&q.From),
			UpdateKey: key, Postback: true, Payload: q.Data}, q.ID
	}
	return nil, ""
}

func messageText(m *Message) string {
	switch {
	case strings.TrimSpace(m.Text) != "":
		return m.Text
	case strings.TrimSpace(m.Caption) != "":
		return m.Caption
	case m.Sticker != nil:
		return "[sticker]"
	case m.Photo != nil:
		return "[photo]"
	case m.Voice != nil:
		return "[voice message]"
	case m.Document != nil:
		return "[file]"
	}
	return "[unsupported message]"
}

func chatName(c Chat, from *User) string {
	if name := strings.TrimSpace(c.FirstName + " " + c.LastName); name != "" {
		return name
	}
	if c.Title != "" {
		return c.Title
	}
	if from != nil {
		return userName(from)
	}
	return "Telegram user"
}

func userName(u *User) string {
	if name := strings.TrimSpace(u.FirstName + " " + u.LastName); name != "" {
		return name
	}
	if u.Username != "" {
		return "@" + u.Username
	}
	return "Telegram user"
}
