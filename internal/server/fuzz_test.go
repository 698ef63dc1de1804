package server_test

import (
	"database/sql"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/channel"
	"github.com/beseda/beseda/internal/server"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/internal/testkit/fakegraph"
	"github.com/beseda/beseda/internal/testkit/faketelegram"
	"github.com/beseda/beseda/internal/testkit/fakewhatsapp"
)

// FuzzWebhooks posts any body, signed as the platform signs it, to the
// Telegram, Messenger and WhatsApp webhooks of a real server. Whatever the
// body: the answer is 200, or 400 for a body that is not the platform's
// (H7), never a 5xx; nothing stored holds a NUL or invalid UTF-8; and every
// client message the parser reads, seen for the first time, is stored
// cleaned, never refused (H1).
func FuzzWebhooks(f *testing.F) {
	const phoneID = "106540352242922"
	f.Add(uint8(0), faketelegram.TextUpdate(1, 77, "Iv\x00an", "tele\x00gram"))
	f.Add(uint8(0), faketelegram.TextUpdate(2, 77, "Ivan", "\x00"))
	f.Add(uint8(0), faketelegram.CallbackUpdate(3, 77, "cb", "r1.1.3.forged"))
	f.Add(uint8(1), fakegraph.MessageEvent("42", "9001", "mid.1", "face\x00book"))
	f.Add(uint8(1), fakegraph.Batch("42", fakegraph.MessageEvent("42", "9001", "", " \x00 "),
		fakegraph.PostbackEvent("42", "9002", "", "Bad", "nope"), fakegraph.EchoEvent("42", "9001", "mid.2", "echo")))
	f.Add(uint8(2), fakewhatsapp.TextMessage(phoneID, "15551234567", "Ana\x00", "wamid.1", "what\x00sapp"))
	f.Add(uint8(2), fakewhatsapp.Status(phoneID, "15551234567", "wamid.2", "read"))
	f.Add(uint8(2), []byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"metadata":`+
		`{"phone_number_id":"`+phoneID+`"},"messages":[{"from":"1","type":"image","image":{"caption":"\u0000"}}]}}]}]}`))
	f.Add(uint8(1), []byte(`{"object":"page","entry":[{"messaging":[{"sender":{"id":"\u0000"},"message":{"text":"x"}}]}]}`))

	// The platforms' APIs (a tap is acknowledged to Telegram) answer here,
	// never on the internet.
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"ok":true,"result":true}`))
	}))
	f.Cleanup(api.Close)
	srv := testkit.StartServer(f, testkit.NewDatabase(f, "sqlite"), testkit.Options{})
	w := testkit.NewWorld(f, srv, beseda.LocaleEN)
	type hook struct {
		kind    beseda.ChannelKind
		config  beseda.ChannelConfig
		id      int64
		url     string
		headers func(body []byte) map[string]string
	}
	hooks := []*hook{
		{kind: "telegram", config: beseda.ChannelConfig{"bot_token": "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ", "webhook_secret": "hook-secret"},
			headers: func([]byte) map[string]string {
				return map[string]string{"X-Telegram-Bot-Api-Secret-Token": "hook-secret"}
			}},
		{kind: "messenger", config: beseda.ChannelConfig{"page_id": "42", "page_access_token": "tok", "app_secret": "fb-secret", "verify_token": "v"},
			headers: func(b []byte) map[string]string {
				return map[string]string{"X-Hub-Signature-256": fakegraph.Sign(b, "fb-secret")}
			}},
		{kind: "whatsapp", config: beseda.ChannelConfig{"phone_number_id": phoneID, "access_token": "tok", "app_secret": "wa-secret", "verify_token": "v"},
			headers: func(b []byte) map[string]string {
				return map[string]string{"X-Hub-Signature-256": fakewhatsapp.Sign(b, "wa-secret")}
			}},
	}
	for _, h := range hooks {
		cfg := map[string]string{"api_base_url": api.URL}
		for k, v := range h.config {
			cfg[k] = v
		}
		ch := w.AddChannel(string(h.kind), string(h.kind), cfg)
		h.id, h.url = ch.ID, ch.WebhookURL
	}
	channels := server.Channels()
	seen := map[string]bool{} // event keys stored before: sent again, they are ignored

	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		h := hooks[int(which)%len(hooks)]
		events, _ := channels.Of(h.kind).Webhook().Parse(&beseda.Channel{Kind: h.kind, Config: h.config}, body)
		c := testkit.NewClient(t, "")
		for k, v := range h.headers(body) {
			c.Header.Set(k, v)
		}
		res := c.Do("POST", h.url, body)
		testkit.CheckAnswer(t, "POST "+h.url, res)
		if res.Status != http.StatusOK && res.Status != http.StatusBadRequest {
			t.Fatalf("a verified body answered %d: %s", res.Status, res.Body)
		}
		testkit.CheckStoredText(t, srv.DB)
		for _, ev := range events {
			key := ev.Key
			if key == "" {
				key = channel.RawKey("event:", ev.Raw)
			}
			key = string(h.kind) + "/" + beseda.SanitizeText(key)
			client := beseda.SanitizeText(ev.ExternalUserID)
			text := strings.TrimSpace(beseda.SanitizeText(ev.Text))
			if seen[key] || ev.Postback || client == "" || utf8.RuneCountInString(text) > 1000 { // longer than a platform sends
				continue
			}
			seen[key] = true
			var id int64
			err := srv.DB.WriteDB().QueryRow(`SELECT m.id FROM messages m JOIN subscribers s ON s.id = m.subscriber_id
				WHERE s.channel_id = $1 AND s.external_id = $2 AND m.direction = 'in' AND m.text = $3`, h.id, client, text).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				t.Errorf("%s: the message %q of %q was not stored (as %q)", h.kind, ev.Text, ev.ExternalUserID, text)
			} else if err != nil {
				t.Fatal(err)
			}
		}
	})
}
