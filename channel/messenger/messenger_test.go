package messenger_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/channel/messenger"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/internal/testkit/fakegraph"
)

const (
	pageID      = "1122334455"
	pageToken   = "EAAG-page-token"
	appSecret   = "app-secret-xyz"
	verifyToken = "verify-me"
	psid        = "6655443322119988"
)

type page struct {
	w   *testkit.World
	api *fakegraph.Server
	ch  testkit.ChannelInfo
}

func newPage(t *testing.T, dbURL string) *page {
	return newPageIn(t, testkit.NewWorld(t, testkit.StartServer(t, dbURL, testkit.Options{}), beseda.LocaleEN))
}

// newPageIn connects a page, its API a new fake, to the world's workspace.
func newPageIn(t *testing.T, w *testkit.World) *page {
	api := fakegraph.New(t, pageToken)
	ch := w.AddChannel("messenger", "Facebook page", map[string]string{"page_id": pageID, "page_access_token": pageToken,
		"app_secret": appSecret, "verify_token": verifyToken, "api_base_url": api.URL})
	return &page{w: w, api: api, ch: ch}
}

func (p *page) post(t *testing.T, body []byte) *testkit.Response {
	t.Helper()
	return p.w.Webhook(p.ch.WebhookURL, body, map[string]string{"X-Hub-Signature-256": fakegraph.Sign(body, appSecret)})
}

func (p *page) say(t *testing.T, mid, text string) {
	t.Helper()
	if res := p.post(t, fakegraph.MessageEvent(pageID, psid, mid, text)); res.Status != 200 {
		t.Fatalf("webhook: %d %s", res.Status, res.Body)
	}
}

func (p *page) subscriber(t *testing.T) beseda.Subscriber { return p.w.SubscriberOf(messenger.Kind) }

func TestMessengerWebhookVerification(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		p := newPage(t, dbURL)
		c := testkit.NewClient(t, "")
		q := url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {verifyToken}, "hub.challenge": {"1158201444"}}
		res := c.Do("GET", p.ch.WebhookURL+"?"+q.Encode(), nil)
		if res.Status != 200 || string(res.Body) != "1158201444" {
			t.Errorf("verification: %d %q", res.Status, res.Body)
		}
		q.Set("hub.verify_token", "guess")
		if res := c.Do("GET", p.ch.WebhookURL+"?"+q.Encode(), nil); res.Status != 403 {
			t.Errorf("wrong verify token: %d", res.Status)
		}
		body := fakegraph.MessageEvent(pageID, psid, "m1", "hello")
		for _, sig := range []string{"", "sha256=00", fakegraph.Sign(body, "another secret")} {
			if res := p.w.Webhook(p.ch.WebhookURL, body, map[string]string{"X-Hub-Signature-256": sig}); res.Status != 403 {
				t.Errorf("signature %q: %d", sig, res.Status)
			}
		}
		var subs []beseda.Subscriber
		p.w.Owner.MustDo("GET", "/api/v1/subscribers", nil, 200, &subs)
		if len(subs) != 0 {
			t.Errorf("unverified webhooks stored %d subscribers", len(subs))
		}
	})
}

// TestMessengerEchoesAreNotClients: Messenger echoes the page's own replies
// to the webhook; they are no client's message. A client Messenger gives no
// name of is named "Messenger user …". Texts and events sent again:
// TestConformance.
func TestMessengerEchoesAreNotClients(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		p := newPage(t, dbURL)
		p.say(t, "m.1", "Where is my order?")
		if res := p.post(t, fakegraph.EchoEvent(pageID, psid, "m.2", "our own reply")); res.Status != 200 {
			t.Fatalf("echo: %d", res.Status)
		}
		sub := p.subscriber(t)
		if msgs := p.messages(t, sub.ID); len(msgs) != 1 || msgs[0].Text != "Where is my order?" {
			t.Errorf("messages %+v", msgs)
		}
		if !strings.HasPrefix(sub.Name, "Messenger user") {
			t.Errorf("subscriber %+v", sub)
		}
	})
}

// TestMessengerMessagingTypes: within 24 hours a reply — a manager's, or
// the product's own rating form — goes as RESPONSE, automation as UPDATE,
// never tagged; a text with files goes as the text, then each file with its
// attachment type (image, file). After 24 hours a manager's message goes
// tagged HUMAN_AGENT, and once the client writes again as RESPONSE. Which
// messages may go when: TestConformance.
func TestMessengerMessagingTypes(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		p := newPage(t, dbURL)
		p.say(t, "m.1", "Hi")
		sub := p.subscriber(t)
		chat := testkit.Path("/api/v1/subscribers/%d/messages", sub.ID)
		ids := []int64{p.w.Owner.MustUpload("photo.png", testkit.PNG(3, 2)), p.w.Owner.MustUpload("terms.pdf", testkit.PDF)}
		p.w.Owner.MustDo("POST", chat, map[string]any{"text": "Here you go", "attachment_ids": ids}, 201, nil)
		p.w.Owner.MustDo("POST", "/api/v1/outbound", map[string]any{"subscriber_id": sub.ID, "source": "broadcast", "text": "Sale"}, 201, nil)
		testkit.Eventually(t, 10*time.Second, "four sends", func() bool { return len(p.api.Sent()) == 4 })
		s := p.api.Sent()
		if s[0].Text != "Here you go" || s[0].File != nil || s[1].AttachmentType != "image" || s[2].AttachmentType != "file" {
			t.Errorf("the text, then the picture and the document: %+v", s[:3])
		}
		for i, want := range []string{"RESPONSE", "RESPONSE", "RESPONSE", "UPDATE"} {
			if s[i].MessagingType != want || s[i].Tag != "" || s[i].PSID != psid {
				t.Errorf("send %d: %s %q to %s, want %s untagged", i, s[i].MessagingType, s[i].Tag, s[i].PSID, want)
			}
		}

		d := p.w.CreateDialog(sub.ID, "Refund")
		p.w.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d.ID), map[string]any{"status": "completed",
			"send_rating_form": true}, 200, nil)
		testkit.Eventually(t, 10*time.Second, "the rating form", func() bool { return len(p.api.Sent()) == 5 })
		if form := p.api.Sent()[4]; len(form.Buttons) != 3 || form.MessagingType != "RESPONSE" {
			t.Errorf("form %+v", form)
		}

		p.w.Srv.Clock.Advance(25 * time.Hour)
		p.w.Owner.MustDo("POST", chat, map[string]string{"text": "Still need help?"}, 201, nil)
		testkit.Eventually(t, 10*time.Second, "human agent send", func() bool { return len(p.api.Sent()) == 6 })
		if s := p.api.Sent()[5]; s.MessagingType != "MESSAGE_TAG" || s.Tag != "HUMAN_AGENT" {
			t.Errorf("manager after 24h: %+v", s)
		}
		p.say(t, "m.9", "I'm back")
		p.w.Owner.MustDo("POST", chat, map[string]string{"text": "Welcome back"}, 201, nil)
		testkit.Eventually(t, 10*time.Second, "window reopened", func() bool { return len(p.api.Sent()) == 7 })
		if s := p.api.Sent()[6]; s.MessagingType != "RESPONSE" || s.Tag != "" {
			t.Errorf("after the client wrote: %+v", s)
		}
	})
}

// TestMessengerEventsWithoutIDsAreToldApart: events without a mid (older
// postbacks, say) are keyed by their bytes, so two different ones are both
// acted on, and the same batch sent again is not acted on twice.
func TestMessengerEventsWithoutIDsAreToldApart(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		p := newPage(t, dbURL)
		batch := fakegraph.Batch(pageID, fakegraph.MessageEvent(pageID, psid, "", "first without mid"),
			fakegraph.MessageEvent(pageID, psid, "", "second without mid"))
		for range 2 {
			if res := p.post(t, batch); res.Status != 200 {
				t.Fatalf("webhook: %d %s", res.Status, res.Body)
			}
		}
		sub := p.subscriber(t)
		var msgs []beseda.Message
		p.w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d/messages", sub.ID), nil, 200, &msgs)
		var got []string
		for _, m := range msgs {
			got = append(got, m.Text)
		}
		if strings.Join(got, ",") != "first without mid,second without mid" {
			t.Errorf("stored %q", got)
		}
	})
}

func (p *page) messages(t *testing.T, subscriberID int64) []beseda.Message {
	return p.w.Messages(subscriberID)
}

// TestMessengerReceivesFiles: the files of a client's message are fetched
// from the addresses the webhook gives and stored as the message's
// attachments, their types sniffed from the bytes. An address off
// Messenger's hosts is not fetched: the message keeps a note.
func TestMessengerReceivesFiles(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		p := newPage(t, dbURL)
		photo := testkit.PNG(3, 2)
		photoURL, scanURL := p.api.AddFile("123_n.png", photo), p.api.AddFile("scan.png", testkit.PDF)
		if res := p.post(t, fakegraph.AttachmentEvent(pageID, psid, "m.f1", "Both of them", "image", photoURL, scanURL)); res.Status != 200 {
			t.Fatalf("webhook: %d %s", res.Status, res.Body)
		}
		if res := p.post(t, fakegraph.AttachmentEvent(pageID, psid, "m.f2", "", "file", "http://169.254.169.254/latest/x.pdf")); res.Status != 200 {
			t.Fatalf("webhook: %d %s", res.Status, res.Body)
		}
		sub := p.subscriber(t)
		msgs := p.messages(t, sub.ID)
		if len(msgs) != 2 || msgs[0].Text != "Both of them" || len(msgs[0].Attachments) != 2 {
			t.Fatalf("messages %+v", msgs)
		}
		p.w.CheckAttachment(t, msgs[0].Attachments[0], "123_n.png", "image/png", photo)
		p.w.CheckAttachment(t, msgs[0].Attachments[1], "scan.png", "application/pdf", testkit.PDF)
		if msgs[1].Text != "[file not available: x.pdf]" || len(msgs[1].Attachments) != 0 {
			t.Errorf("a file off Messenger's hosts: %+v", msgs[1])
		}
	})
}
