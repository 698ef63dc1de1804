package telegram_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/channel/telegram"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/internal/testkit/faketelegram"
)

// FuzzTelegramWebhook posts any body, with the channel's secret token, to a
// real server's Telegram webhook and holds it to testkit.WebhookFuzz.Check
// (the parser's promises, H1, H7); besides, an update gives at most one
// event, keyed by its update_id, naming a Telegram chat.
func FuzzTelegramWebhook(f *testing.F) {
	f.Add(faketelegram.TextUpdate(1, 77, "Ivan", "hello"))
	f.Add(faketelegram.TextUpdate(2, -100123, "", "\u0000"))
	f.Add(faketelegram.TextUpdate(10, 77, "Iv\x00an", "tele\x00gram\xff"))
	f.Add(faketelegram.CallbackUpdate(3, 77, "cb1", "r1.5.3.abc"))
	f.Add([]byte(`{"update_id":4,"message":{"chat":{"id":5,"title":"Group"},"caption":" \u0000 ","photo":[{}]}}`))
	f.Add([]byte(`{"update_id":5,"edited_message":{"chat":{"id":5},"text":"edit"}}`))
	f.Add([]byte(`{"update_id":6,"callback_query":{"id":"q","from":{"id":9,"username":"u"}}}`))
	f.Add([]byte(`{"update_id":0}`))
	f.Add([]byte(`[]`))
	z := testkit.NewWebhookFuzz(f, telegram.Kind, beseda.ChannelConfig{"bot_token": botToken, "webhook_secret": "hook-secret"},
		func([]byte) map[string]string {
			return map[string]string{"X-Telegram-Bot-Api-Secret-Token": "hook-secret"}
		})
	wh := telegram.New().Webhook()
	f.Fuzz(func(t *testing.T, body []byte) {
		z.Check(t, body)
		events, _ := wh.Parse(&beseda.Channel{Kind: telegram.Kind}, body)
		if len(events) > 1 {
			t.Fatalf("one update gave %d events", len(events))
		}
		for _, ev := range events {
			if _, err := strconv.ParseInt(ev.ExternalUserID, 10, 64); err != nil {
				t.Errorf("client %q is not a chat id", ev.ExternalUserID)
			}
			if !strings.HasPrefix(ev.Key, "update:") || ev.Raw == nil {
				t.Errorf("event keyed %q (raw %d bytes)", ev.Key, len(ev.Raw))
			}
			if !ev.Postback && (ev.AckID != "" || ev.Payload != "") || ev.Postback && ev.Text != "" {
				t.Errorf("an event mixes a message and a tap: %+v", ev)
			}
		}
	})
}

// FuzzTelegramVerify: an update is let in exactly when it carries the
// channel's secret token, whatever the header, secret and body; and Telegram
// makes no subscription check.
func FuzzTelegramVerify(f *testing.F) {
	f.Add("hook-secret", "hook-secret", []byte(`{}`))
	f.Add("hook-secret", "hook-secreT", []byte(`{}`))
	f.Add("", "", []byte(nil))
	f.Add("s", "s\x00", []byte(`x`))
	wh := telegram.New().Webhook()
	f.Fuzz(func(t *testing.T, secret, token string, body []byte) {
		ch := &beseda.Channel{Kind: telegram.Kind, Config: beseda.ChannelConfig{"webhook_secret": secret}}
		header := http.Header{}
		header.Set("X-Telegram-Bot-Api-Secret-Token", token)
		err := wh.Verify(ch, header, body)
		if want := secret != "" && token == secret; (err == nil) != want {
			t.Fatalf("secret %q, token %q: Verify = %v", secret, token, err)
		}
		if err != nil && beseda.ErrorCode(err) != beseda.EUNAUTHORIZED {
			t.Fatalf("Verify failed with %s", beseda.ErrorCode(err))
		}
		if _, err := wh.Challenge(ch, map[string][]string{"hub.challenge": {token}}); beseda.ErrorCode(err) != beseda.ENOTFOUND {
			t.Fatalf("Challenge = %v, want not_found", err)
		}
	})
}
