package whatsapp_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/channel/whatsapp"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/internal/testkit/fakewhatsapp"
)

const (
	phoneID     = "106540352242922"
	accessToken = "EAAJB-system-user-token"
	appSecret   = "wa-app-secret"
	verifyToken = "wa-verify-me"
	waID        = "4915112345678"
)

type number struct {
	w   *testkit.World
	api *fakewhatsapp.Server
	ch  testkit.ChannelInfo
}

func newNumber(t *testing.T, dbURL string) *number {
	return newNumberIn(t, testkit.NewWorld(t, testkit.StartServer(t, dbURL, testkit.Options{}), beseda.LocaleEN))
}

// newNumberIn connects a number, its API a new fake, to the world's workspace.
func newNumberIn(t *testing.T, w *testkit.World) *number {
	api := fakewhatsapp.New(t, phoneID, accessToken)
	ch := w.AddChannel("whatsapp", "Shop's WhatsApp", map[string]string{"phone_number_id": phoneID,
		"access_token": accessToken, "app_secret": appSecret, "verify_token": verifyToken, "api_base_url": api.URL})
	return &number{w: w, api: api, ch: ch}
}

func (n *number) post(t *testing.T, body []byte) *testkit.Response {
	t.Helper()
	return n.w.Webhook(n.ch.WebhookURL, body, map[string]string{"X-Hub-Signature-256": fakewhatsapp.Sign(body, appSecret)})
}

func (n *number) say(t *testing.T, id, text string) {
	t.Helper()
	if res := n.post(t, fakewhatsapp.TextMessage(phoneID, waID, "Greta Client", id, text)); res.Status != 200 {
		t.Fatalf("webhook: %d %s", res.Status, res.Body)
	}
}

func (n *number) subscriber(t *testing.T) beseda.Subscriber { return n.w.SubscriberOf(whatsapp.Kind) }

func (n *number) messages(t *testing.T, subscriberID int64) []beseda.Message {
	return n.w.Messages(subscriberID)
}

func TestWhatsAppWebhookIsVerified(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		n := newNumber(t, dbURL)
		c := testkit.NewClient(t, "")
		q := url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {verifyToken}, "hub.challenge": {"1158201444"}}
		if res := c.Do("GET", n.ch.WebhookURL+"?"+q.Encode(), nil); res.Status != 200 || string(res.Body) != "1158201444" {
			t.Errorf("verification: %d %q", res.Status, res.Body)
		}
		q.Set("hub.verify_token", "guess")
		if res := c.Do("GET", n.ch.WebhookURL+"?"+q.Encode(), nil); res.Status != 403 {
			t.Errorf("wrong verify token: %d", res.Status)
		}
		body := fakewhatsapp.TextMessage(phoneID, waID, "Greta", "wamid.1", "hello")
		for _, sig := range []string{"", "sha256=00", "sha1=" + strings.TrimPrefix(fakewhatsapp.Sign(body, appSecret), "sha256="),
			fakewhatsapp.Sign(body, "another secret")} {
			if res := n.w.Webhook(n.ch.WebhookURL, body, map[string]string{"X-Hub-Signature-256": sig}); res.Status != 403 {
				t.Errorf("signature %q: %d", sig, res.Status)
			}
		}
		if res := n.post(t, []byte(`{"object":"page","entry":[]}`)); res.Status != 400 {
			t.Errorf("a Messenger body: %d", res.Status)
		}
		other := strings.Replace(n.ch.WebhookURL, n.ch.Key, n.w.WebKey, 1) // a web chat's key under /webhooks/whatsapp/
		if res := n.w.Webhook(other, body, map[string]string{"X-Hub-Signature-256": fakewhatsapp.Sign(body, appSecret)}); res.Status != 404 {
			t.Errorf("another kind's key: %d", res.Status)
		}
		var subs []beseda.Subscriber
		n.w.Owner.MustDo("GET", "/api/v1/subscribers", nil, 200, &subs)
		if len(subs) != 0 {
			t.Errorf("refused webhooks stored %d subscribers", len(subs))
		}
	})
}

// TestWhatsAppInbound: of what the Cloud API posts, statuses of messages
// sent, reactions and messages to another number of the business account
// are no client's message. Texts, names and events sent again:
// TestConformance.
func TestWhatsAppInbound(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		n := newNumber(t, dbURL)
		n.say(t, "wamid.1", "Where is my order?")
		if res := n.post(t, fakewhatsapp.Status(phoneID, waID, "wamid.out", "delivered")); res.Status != 200 {
			t.Fatalf("status: %d", res.Status)
		}
		reaction := fakewhatsapp.Webhook(phoneID, waID, "Greta Client",
			map[string]any{"from": waID, "id": "wamid.3", "timestamp": "1", "type": "reaction", "reaction": map[string]any{"message_id": "wamid.1", "emoji": "👍"}})
		if res := n.post(t, reaction); res.Status != 200 {
			t.Fatalf("reaction: %d", res.Status)
		}
		if res := n.post(t, fakewhatsapp.TextMessage("999999", "4911111111", "Other", "wamid.4", "not ours")); res.Status != 200 {
			t.Fatalf("another number: %d", res.Status)
		}
		var got []string
		for _, m := range n.messages(t, n.subscriber(t).ID) {
			got = append(got, m.Text)
		}
		if strings.Join(got, ",") != "Where is my order?" {
			t.Errorf("messages %q", got)
		}
		var subs []beseda.Subscriber
		n.w.Owner.MustDo("GET", "/api/v1/subscribers", nil, 200, &subs)
		if len(subs) != 1 {
			t.Errorf("%d subscribers, want 1", len(subs))
		}
	})
}

// TestWhatsAppReceivesFiles: a client's image (GET /{media-id} with the
// bearer token, then its address with it) has no file name: it is kept as
// image.png, its type sniffed from the bytes, not the mime_type the
// client's app gave. Documents, captions, media gone: TestConformance.
func TestWhatsAppReceivesFiles(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		n := newNumber(t, dbURL)
		photo := testkit.PNG(5, 5)
		n.api.AddMedia("1001", "image/jpeg", photo)
		if res := n.post(t, fakewhatsapp.MediaMessage(phoneID, waID, "Greta Client", "wamid.f1", "image", "1001", "image/jpeg", "", "")); res.Status != 200 {
			t.Fatalf("webhook: %d %s", res.Status, res.Body)
		}
		msgs := n.messages(t, n.subscriber(t).ID)
		if len(msgs) != 1 || msgs[0].Text != "" || len(msgs[0].Attachments) != 1 {
			t.Fatalf("messages %+v", msgs)
		}
		n.w.CheckAttachment(t, msgs[0].Attachments[0], "image.png", "image/png", photo)
	})
}
