package whatsapp_test

import (
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/channel/whatsapp"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/internal/testkit/fakewhatsapp"
)

// FuzzWhatsAppParse feeds the webhook parser any body: the promises of
// testkit.CheckParse hold and every event names its client.
func FuzzWhatsAppParse(f *testing.F) {
	f.Add(fakewhatsapp.TextMessage(phoneID, "15551234567", "Ana", "wamid.1", "hello"))
	f.Add(fakewhatsapp.TextMessage(phoneID, "15551234567", "\u0000", "", "\u0000"))
	f.Add(fakewhatsapp.ButtonReply(phoneID, "15551234567", "wamid.2", "r1.5.3.abc", "Excellent"))
	f.Add(fakewhatsapp.Status(phoneID, "15551234567", "wamid.3", "read"))
	f.Add(fakewhatsapp.Webhook(phoneID, "1", "", map[string]any{"from": "1", "type": "image", "image": map[string]any{"caption": " \u0000"}},
		map[string]any{"from": "1", "type": "sticker"}, map[string]any{"from": "1", "type": "sticker"},
		map[string]any{"from": "1", "type": "reaction"}, map[string]any{"from": ""}))
	f.Add([]byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"` +
		phoneID + `"},"messages":[1,{"from":"2","button":{"payload":"p"}},{"from":"3","interactive":{"list_reply":{"id":"x"}}}]}}]}]}`))
	wh := whatsapp.New().Webhook()
	ch := &beseda.Channel{Kind: whatsapp.Kind, Config: beseda.ChannelConfig{"phone_number_id": phoneID}}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, ev := range testkit.CheckParse(t, wh, ch, body) {
			if ev.ExternalUserID == "" {
				t.Errorf("an event names no client: %+v", ev)
			}
			if !ev.Postback && ev.Payload != "" || ev.Postback && ev.Text != "" {
				t.Errorf("an event mixes a message and a tap: %+v", ev)
			}
		}
	})
}
