package messenger_test

import (
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/channel/messenger"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/internal/testkit/fakegraph"
)

// FuzzMessengerParse feeds the webhook parser any body: the promises of
// testkit.CheckParse hold, and the page's own echoes never come back as a
// client's message.
func FuzzMessengerParse(f *testing.F) {
	f.Add(fakegraph.MessageEvent(pageID, psid, "mid.1", "hello"))
	f.Add(fakegraph.MessageEvent(pageID, psid, "", "\u0000"))
	f.Add(fakegraph.EchoEvent(pageID, psid, "mid.2", "echo"))
	f.Add(fakegraph.PostbackEvent(pageID, psid, "", "Bad", "r1.5.1.abc"))
	f.Add(fakegraph.Batch(pageID, fakegraph.MessageEvent(pageID, psid, "", "a"), fakegraph.MessageEvent(pageID, psid, "", "b"),
		fakegraph.PostbackEvent(pageID, "1", "", "t", "p")))
	f.Add([]byte(`{"object":"page","entry":[{"messaging":[1,{"sender":{"id":"é"},"message":{"attachments":[{}]}},null]}]}`))
	f.Add([]byte(`{"object":"user","entry":[]}`))
	wh := messenger.New().Webhook()
	ch := &beseda.Channel{Kind: messenger.Kind, Config: beseda.ChannelConfig{"page_id": pageID}}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, ev := range testkit.CheckParse(t, wh, ch, body) {
			if !ev.Postback && ev.Payload != "" || ev.Postback && ev.Text != "" {
				t.Errorf("an event mixes a message and a tap: %+v", ev)
			}
		}
	})
}
