package messenger_test

import (
	"net/http"
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

func (p *page) subscriber(t *testing.T) beseda.Subscriber {
	t.Helper()
	var subs []beseda.Subscriber
	p.w.Owner.MustDo("GET", "/api/v1/subscribers", nil, 200, &subs)
	for _, s := range subs {
		if s.ChannelKind == messenger.Kind {
			return s
		}
	}
	t.Fatal("no messenger subscriber")
	return beseda.Subscriber{}
}

func (p *page) last(t *testing.T, subscriberID int64) beseda.Message {
	var msgs []beseda.Message
	p.w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d/messages", subscriberID), nil, 200, &msgs)
	return msgs[len(msgs)-1]
}

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

func TestMessengerInboundIsIdempotent(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		p := newPage(t, dbURL)
		p.say(t, "m.1", "Where is my order?")
		p.say(t, "m.1", "Where is my order?") // delivered again
		if res := p.post(t, fakegraph.EchoEvent(pageID, psid, "m.2", "our own reply")); res.Status != 200 {
			t.Fatalf("echo: %d", res.Status)
		}
		sub := p.subscriber(t)
		var msgs []beseda.Message
		p.w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d/messages", sub.ID), nil, 200, &msgs)
		if len(msgs) != 1 || msgs[0].Text != "Where is my order?" {
			t.Errorf("messages %+v", msgs)
		}
		if !strings.HasPrefix(sub.Name, "Messenger user") || sub.LastInboundAt == nil {
			t.Errorf("subscriber %+v", sub)
		}
	})
}

func TestMessengerWindow(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		p := newPage(t, dbURL)
		p.say(t, "m.1", "Hi")
		sub := p.subscriber(t)
		chat := testkit.Path("/api/v1/subscribers/%d/messages", sub.ID)
		send := func(body map[string]any) {
			t.Helper()
			p.w.Owner.MustDo("POST", "/api/v1/outbound", body, 201, nil)
		}

		// Within 24 hours: a reply goes as RESPONSE, automation as UPDATE, no tag.
		p.w.Owner.MustDo("POST", chat, map[string]string{"text": "Hello!"}, 201, nil)
		send(map[string]any{"subscriber_id": sub.ID, "source": "broadcast", "text": "Sale"})
		testkit.Eventually(t, 10*time.Second, "two sends", func() bool { return len(p.api.Sent()) == 2 })
		if s := p.api.Sent(); s[0].MessagingType != "RESPONSE" || s[0].Tag != "" || s[1].MessagingType != "UPDATE" || s[0].PSID != psid {
			t.Errorf("within the window: %+v", s)
		}

		// After 24 hours: a manager goes with HUMAN_AGENT; a broadcast fails, never tagged.
		p.w.Srv.Clock.Advance(25 * time.Hour)
		p.w.Owner.MustDo("POST", chat, map[string]string{"text": "Still need help?"}, 201, nil)
		testkit.Eventually(t, 10*time.Second, "human agent send", func() bool { return len(p.api.Sent()) == 3 })
		if s := p.api.Sent()[2]; s.MessagingType != "MESSAGE_TAG" || s.Tag != "HUMAN_AGENT" {
			t.Errorf("manager after 24h: %+v", s)
		}
		calls := p.api.Calls()
		send(map[string]any{"subscriber_id": sub.ID, "source": "broadcast", "text": "Late sale"})
		testkit.Eventually(t, 10*time.Second, "failed outside the window", func() bool {
			m := p.last(t, sub.ID)
			return m.Status == beseda.MessageFailed && m.Reason == beseda.OutsideWindow
		})

		// After 7 days even a manager cannot write.
		p.w.Srv.Clock.Advance(7 * 24 * time.Hour)
		p.w.Owner.MustDo("POST", chat, map[string]string{"text": "Hello?"}, 201, nil)
		testkit.Eventually(t, 10*time.Second, "manager refused after 7 days", func() bool {
			m := p.last(t, sub.ID)
			return m.Status == beseda.MessageFailed && m.Reason == beseda.OutsideWindow
		})
		if p.api.Calls() != calls {
			t.Errorf("messages outside the window were sent to the Graph API")
		}

		// The client writes again: the window opens again.
		p.say(t, "m.9", "I'm back")
		p.w.Owner.MustDo("POST", chat, map[string]string{"text": "Welcome back"}, 201, nil)
		testkit.Eventually(t, 10*time.Second, "window reopened", func() bool { return len(p.api.Sent()) == 4 })
		if s := p.api.Sent()[3]; s.MessagingType != "RESPONSE" {
			t.Errorf("after the client wrote: %+v", s)
		}
	})
}

func TestR3_RatingFlowThroughMessenger(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		p := newPage(t, dbURL)
		p.say(t, "m.1", "Refund please")
		sub := p.subscriber(t)
		d := p.w.CreateDialog(sub.ID, "Refund")
		p.w.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d.ID), map[string]any{"status": "completed",
			"account_rating": 3, "send_rating_form": true}, 200, nil)
		testkit.Eventually(t, 10*time.Second, "the rating form", func() bool { return len(p.api.Sent()) == 1 })
		form := p.api.Sent()[0]
		if len(form.Buttons) != 3 || form.Buttons[1].Title != "Normal" || form.Text == "" || form.MessagingType != "RESPONSE" {
			t.Fatalf("form %+v", form)
		}
		p.post(t, fakegraph.PostbackEvent(pageID, psid, "pb.1", "Normal", form.Buttons[1].Payload))
		p.post(t, fakegraph.PostbackEvent(pageID, psid, "pb.1", "Normal", form.Buttons[1].Payload)) // again
		p.post(t, fakegraph.PostbackEvent(pageID, psid, "pb.2", "Excellent", form.Buttons[2].Payload))
		var rated beseda.Dialog
		p.w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs/%d", d.ID), nil, 200, &rated)
		if rated.ClientRating == nil || *rated.ClientRating != 2 {
			t.Fatalf("client rating %v, want the first tap's 2", rated.ClientRating)
		}
		testkit.Eventually(t, 10*time.Second, "thank-you", func() bool { return len(p.api.Sent()) == 2 })
		time.Sleep(300 * time.Millisecond)
		if n := len(p.api.Sent()); n != 2 {
			t.Errorf("%d messages sent; later taps must send nothing", n)
		}
	})
}

func TestR2_RatingFormOutsideTheWindow(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		p := newPage(t, dbURL)
		p.say(t, "m.1", "Hi")
		sub := p.subscriber(t)

		// Completing a day later: the manager is told the form could not be sent.
		d := p.w.CreateDialog(sub.ID, "Late")
		p.w.Srv.Clock.Advance(30 * time.Hour)
		var done beseda.Dialog
		p.w.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d.ID), map[string]any{"status": "completed",
			"send_rating_form": true}, 200, &done)
		if done.RatingFormSent || done.RatingFormError != beseda.OutsideWindow || done.Status != beseda.DialogCompleted {
			t.Errorf("completed outside the window: sent=%v error=%q", done.RatingFormSent, done.RatingFormError)
		}

		// The Graph API refusing the form (its own view of the window) is shown too.
		p.say(t, "m.2", "One more thing")
		d2 := p.w.CreateDialog(sub.ID, "Another")
		p.api.FailNext(400, 10, 2018278, "(#10) This message is sent outside of allowed window.")
		p.w.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d2.ID), map[string]any{"status": "completed",
			"send_rating_form": true}, 200, nil)
		testkit.Eventually(t, 10*time.Second, "the form's failure reported on the dialog", func() bool {
			var got beseda.Dialog
			p.w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs/%d", d2.ID), nil, 200, &got)
			return !got.RatingFormSent && got.RatingFormError == beseda.OutsideWindow
		})
		if m := p.last(t, sub.ID); m.Status != beseda.MessageFailed || m.Reason != beseda.OutsideWindow || len(m.Buttons) != 3 {
			t.Errorf("the form message: %+v", m)
		}
		_ = http.StatusOK
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
	var msgs []beseda.Message
	p.w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d/messages", subscriberID), nil, 200, &msgs)
	return msgs
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

// TestMessengerSendsFiles: a manager's text with a picture and a PDF goes as
// three Send API calls in order: the text, then each file uploaded in
// filedata with its attachment type (image, file).
func TestMessengerSendsFiles(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		p := newPage(t, dbURL)
		p.say(t, "m.1", "Hi")
		sub := p.subscriber(t)
		photo := testkit.PNG(3, 2)
		ids := []int64{p.w.Owner.MustUpload("photo.png", photo), p.w.Owner.MustUpload("terms.pdf", testkit.PDF)}
		p.w.Owner.MustDo("POST", testkit.Path("/api/v1/subscribers/%d/messages", sub.ID),
			map[string]any{"text": "Here you go", "attachment_ids": ids}, 201, nil)
		testkit.Eventually(t, 10*time.Second, "three calls", func() bool { return len(p.api.Sent()) == 3 })
		testkit.Eventually(t, 5*time.Second, "marked sent", func() bool { return p.last(t, sub.ID).Status == beseda.MessageSent })
		got := p.api.Sent()
		if got[0].Text != "Here you go" || got[0].File != nil || got[0].MessagingType != "RESPONSE" {
			t.Errorf("text %+v", got[0])
		}
		if got[1].AttachmentType != "image" || got[1].PSID != psid || got[1].MessagingType != "RESPONSE" ||
			got[1].File.Name != "photo.png" || string(got[1].File.Data) != string(photo) {
			t.Errorf("picture %+v", got[1])
		}
		if got[2].AttachmentType != "file" || got[2].File.Name != "terms.pdf" ||
			got[2].File.ContentType != "application/pdf" || string(got[2].File.Data) != string(testkit.PDF) {
			t.Errorf("document %+v", got[2])
		}
	})
}
