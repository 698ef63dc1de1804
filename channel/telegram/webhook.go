package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/beseda/beseda"
)

// webhook reads the updates Telegram posts: one update per request, with the
// channel's secret token in a header.
type webhook struct{ client *Client }

func (webhook) Verify(ch *beseda.Channel, header beseda.Header, body []byte) error {
	token, secret := header.Get("X-Telegram-Bot-Api-Secret-Token"), ch.Config.Get("webhook_secret")
	if token == "" || secret == "" || subtle.ConstantTimeCompare([]byte(token), []byte(secret)) != 1 {
		return beseda.Errorf(beseda.EUNAUTHORIZED, "missing or wrong X-Telegram-Bot-Api-Secret-Token")
	}
	return nil
}

func (webhook) Parse(ch *beseda.Channel, body []byte) ([]beseda.InboundEvent, error) {
	var u Update
	if err := json.Unmarshal(body, &u); err != nil || u.UpdateID == 0 {
		return nil, beseda.Errorf(beseda.EINVALID, "not a Telegram update")
	}
	ev := event(&u)
	if ev == nil {
		return nil, nil
	}
	ev.Raw = body
	return []beseda.InboundEvent{*ev}, nil
}

func (webhook) Challenge(*beseda.Channel, map[string][]string) (string, error) {
	return "", beseda.NotFound("webhook check") // Telegram makes none
}

// Acknowledge answers a button tap (answerCallbackQuery): Telegram's client
// shows a spinner on the button until then.
func (w webhook) Acknowledge(ctx context.Context, ch *beseda.Channel, ev beseda.InboundEvent) error {
	return w.client.call(ctx, ch, "answerCallbackQuery", AnswerCallbackQueryRequest{CallbackQueryID: ev.AckID}, nil)
}

// event turns an update into what Beseda acts on; nil for kinds it ignores
// (edits, channel posts…).
func event(u *Update) *beseda.InboundEvent {
	key := "update:" + strconv.FormatInt(u.UpdateID, 10)
	switch {
	case u.Message != nil:
		m := u.Message
		ev := &beseda.InboundEvent{ExternalUserID: strconv.FormatInt(m.Chat.ID, 10), Name: chatName(m.Chat, m.From),
			Key: key, Text: messageText(m)}
		if m.From != nil {
			ev.Locale = m.From.LanguageCode
		}
		if f := media(m); f != nil {
			ev.Media, ev.Text = []beseda.Media{*f}, m.Caption
		}
		return ev
	case u.CallbackQuery != nil:
		q := u.CallbackQuery
		chatID := q.From.ID
		if q.Message != nil {
			chatID = q.Message.Chat.ID
		}
		return &beseda.InboundEvent{ExternalUserID: strconv.FormatInt(chatID, 10), Name: userName(&q.From),
			Locale: q.From.LanguageCode, Key: key, Postback: true, Payload: q.Data, AckID: q.ID}
	}
	return nil
}

func messageText(m *Message) string {
	if beseda.HasText(m.Text) {
		return m.Text
	}
	return "[unsupported message]"
}

// media is the file of a message, if it has one: of a photo, its largest
// size (the last).
func media(m *Message) *beseda.Media {
	if n := len(m.Photo); n > 0 && m.Photo[n-1].FileID != "" {
		return &beseda.Media{Ref: m.Photo[n-1].FileID, Kind: "photo"}
	}
	for _, f := range []struct {
		kind string
		file *File
	}{{"document", m.Document}, {"video", m.Video}, {"audio", m.Audio}, {"voice", m.Voice},
		{"video_note", m.VideoNote}, {"animation", m.Animation}, {"sticker", m.Sticker}} {
		if f.file != nil && f.file.FileID != "" {
			return &beseda.Media{Ref: f.file.FileID, Name: f.file.FileName, Kind: f.kind}
		}
	}
	return nil
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
