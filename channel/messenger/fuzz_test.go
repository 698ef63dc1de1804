package messenger_test

import (
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/channel/messenger"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/internal/testkit/fakegraph"
)

// FuzzMessengerWebhook posts any body, signed with the app secret, to a real
// server's Messenger webhook and holds it to testkit.WebhookFuzz.Check (the
// parser's promises, H1, H7); besides, no event is both a message and a tap.
func FuzzMessengerWebhook(f *testing.F) {
	f.Add(fakegraph.MessageEvent(pageID, psid, "mid.1", "hello"))
	f.Add(fakegraph.MessageEvent(pageID, psid, "", "\u0000"))
	f.Add(fakegraph.EchoEvent(pageID, psid, "mid.2", "echo"))
	f.Add(fakegraph.PostbackEvent(pageID, psid, "", "Bad", "r1.5.1.abc"))
	f.Add(fakegraph.Batch(pageID, fakegraph.MessageEvent(pageID, psid, "", "a"), fakegraph.MessageEvent(pageID, psid, "", "b"),
		fakegraph.PostbackEvent(pageID, "1", "", "t", "p")))
	f.Add([]byte(`{"object":"page","entry":[{"messaging":[1,{"sender":{"id":"é"},"message":{"attachments":[{}]}},null]}]}`))
	f.Add([]byte(`{"object":"user","entry":[]}`))
	z := testkit.NewWebhookFuzz(f, messenger.Kind, beseda.ChannelConfig{"page_id": pageID, "page_access_token": pageToken,
		"app_secret": appSecret, "verify_token": verifyToken},
		func(body []byte) map[string]string {
			return map[string]string{"X-Hub-Signature-256": fakegraph.Sign(body, appSecret)}
		})
	wh := messenger.New().Webhook()
	f.Fuzz(func(t *testing.T, body []byte) {
		z.Check(t, body)
		events, _ := wh.Parse(&beseda.Channel{Kind: messenger.Kind}, body)
		for _, ev := range events {
			if !ev.Postback && ev.Payload != "" || ev.Postback && ev.Text != "" {
				t.Errorf("an event mixes a message and a tap: %+v", ev)
			}
		}
	})
}
