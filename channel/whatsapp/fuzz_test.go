package whatsapp_test

import (
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/channel/whatsapp"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/internal/testkit/fakewhatsapp"
)

// FuzzWhatsAppWebhook posts any body, signed with the app secret, to a real
// server's WhatsApp webhook and holds it to testkit.WebhookFuzz.Check (the
// parser's promises, H1, H7); besides, every event names its client and is
// a message or a tap.
func FuzzWhatsAppWebhook(f *testing.F) {
	f.Add(fakewhatsapp.TextMessage(phoneID, "15551234567", "Ana", "wamid.1", "hello"))
	f.Add(fakewhatsapp.TextMessage(phoneID, "15551234567", "\u0000", "", "\u0000"))
	f.Add(fakewhatsapp.ButtonReply(phoneID, "15551234567", "wamid.2", "r1.5.3.abc", "Excellent"))
	f.Add(fakewhatsapp.Status(phoneID, "15551234567", "wamid.3", "read"))
	f.Add(fakewhatsapp.Webhook(phoneID, "1", "", map[string]any{"from": "1", "type": "image", "image": map[string]any{"caption": " \u0000"}},
		map[string]any{"from": "1", "type": "sticker"}, map[string]any{"from": "1", "type": "sticker"},
		map[string]any{"from": "1", "type": "reaction"}, map[string]any{"from": ""}))
	f.Add([]byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"` +
		phoneID + `"},"messages":[1,{"from":"2","button":{"payload":"p"}},{"from":"3","interactive":{"list_reply":{"id":"x"}}}]}}]}]}`))
	config := beseda.ChannelConfig{"phone_number_id": phoneID, "access_token": accessToken, "app_secret": appSecret, "verify_token": verifyToken}
	z := testkit.NewWebhookFuzz(f, whatsapp.Kind, config,
		func(body []byte) map[string]string {
			return map[string]string{"X-Hub-Signature-256": fakewhatsapp.Sign(body, appSecret)}
		})
	wh := whatsapp.New().Webhook()
	f.Fuzz(func(t *testing.T, body []byte) {
		z.Check(t, body)
		events, _ := wh.Parse(&beseda.Channel{Kind: whatsapp.Kind, Config: config}, body)
		for _, ev := range events {
			if ev.ExternalUserID == "" {
				t.Errorf("an event names no client: %+v", ev)
			}
			if !ev.Postback && ev.Payload != "" || ev.Postback && ev.Text != "" {
				t.Errorf("an event mixes a message and a tap: %+v", ev)
			}
		}
	})
}
