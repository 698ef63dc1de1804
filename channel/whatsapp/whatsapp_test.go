package whatsapp_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

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

func (n *number) subscriber(t *testing.T) beseda.Subscriber {
	t.Helper()
	var subs []beseda.Subscriber
	n.w.Owner.MustDo("GET", "/api/v1/subscribers", nil, 200, &subs)
	for _, s := range subs {
		if s.ChannelKind == whatsapp.Kind {
			return s
		}
	}
	t.Fatal("no whatsapp subscriber")
	return beseda.Subscriber{}
}

func (n *number) messages(t *testing.T, subscriberID int64) []beseda.Message {
	t.Helper()
	var msgs []beseda.Message
	n.w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d/messages", subscriberID), nil, 200, &msgs)
	return msgs
}

func (n *number) last(t *testing.T, subscriberID int64) beseda.Message {
	msgs := n.messages(t, subscriberID)
	return msgs[len(msgs)-1]
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

func TestWhatsAppInbound(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		n := newNumber(t, dbURL)
		n.say(t, "wamid.1", "Where is my order?")
		n.say(t, "wamid.1", "Where is my order?") // delivered again
		// Statuses of messages sent create nothing.
		if res := n.post(t, fakewhatsapp.Status(phoneID, waID, "wamid.out", "delivered")); res.Status != 200 {
			t.Fatalf("status: %d", res.Status)
		}
		// A photo without caption is not lost; a reaction is not a message.
		photo := fakewhatsapp.Webhook(phoneID, waID, "Greta Client",
			map[string]any{"from": waID, "id": "wamid.2", "timestamp": "1", "type": "image", "image": map[string]any{"id": "media-1", "mime_type": "image/jpeg"}},
			map[string]any{"from": waID, "id": "wamid.3", "timestamp": "1", "type": "reaction", "reaction": map[string]any{"message_id": "wamid.1", "emoji": "👍"}})
		n.api.AddMedia("media-1", "image/jpeg", testkit.PNG(2, 2))
		if res := n.post(t, photo); res.Status != 200 {
			t.Fatalf("photo: %d", res.Status)
		}
		// A message to another number of the business account is not this channel's.
		if res := n.post(t, fakewhatsapp.TextMessage("999999", "4911111111", "Other", "wamid.4", "not ours")); res.Status != 200 {
			t.Fatalf("another number: %d", res.Status)
		}
		sub := n.subscriber(t)
		if sub.Name != "Greta Client" || sub.LastInboundAt == nil {
			t.Errorf("subscriber %+v", sub)
		}
		var got []string
		for _, m := range n.messages(t, sub.ID) {
			got = append(got, m.Text)
		}
		if strings.Join(got, ",") != "Where is my order?," {
			t.Errorf("messages %q", got)
		}
		var subs []beseda.Subscriber
		n.w.Owner.MustDo("GET", "/api/v1/subscribers", nil, 200, &subs)
		if len(subs) != 1 {
			t.Errorf("%d subscribers, want 1", len(subs))
		}
	})
}

// TestWhatsAppNamesAreCut: a profile name longer than Beseda keeps is cut.
func TestWhatsAppNamesAreCut(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		n := newNumber(t, dbURL)
		if res := n.post(t, fakewhatsapp.TextMessage(phoneID, waID, strings.Repeat("Ä", 300), "wamid.1", "hi")); res.Status != 200 {
			t.Fatalf("webhook: %d", res.Status)
		}
		if name := n.subscriber(t).Name; name != strings.Repeat("Ä", 100) {
			t.Errorf("name %q", name)
		}
	})
}

func TestWhatsAppSendsThroughTheCloudAPI(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		n := newNumber(t, dbURL)
		n.say(t, "wamid.1", "Hi")
		sub := n.subscriber(t)
		var m beseda.Message
		n.w.Owner.MustDo("POST", testkit.Path("/api/v1/subscribers/%d/messages", sub.ID), map[string]string{"text": "Hello, Greta!"}, 201, &m)
		if m.Status != beseda.MessagePending {
			t.Errorf("a WhatsApp message is %s before delivery, want pending", m.Status)
		}
		testkit.Eventually(t, 10*time.Second, "sent", func() bool { return len(n.api.Sent()) == 1 })
		if got := n.api.Sent()[0]; got.To != waID || got.Type != "text" || got.Text != "Hello, Greta!" {
			t.Errorf("sent %+v", got)
		}
		testkit.Eventually(t, 5*time.Second, "marked sent", func() bool { return n.last(t, sub.ID).Status == beseda.MessageSent })
		// WhatsApp's text body takes 4096 characters.
		chat := testkit.Path("/api/v1/subscribers/%d/messages", sub.ID)
		n.w.Owner.WantError("POST", chat, map[string]string{"text": strings.Repeat("ж", 4097)}, 400, beseda.EINVALID)
	})
}

// TestWhatsAppWindow: WhatsApp's customer service window is 24 hours after
// the client's last message. Outside it a free-form message is not sent but
// failed with the reason, whoever wrote it; when the client writes again it
// opens again. The API's own refusal (131047) is the same failure.
func TestWhatsAppWindow(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		n := newNumber(t, dbURL)
		n.say(t, "wamid.1", "Hi")
		sub := n.subscriber(t)
		chat := testkit.Path("/api/v1/subscribers/%d/messages", sub.ID)
		n.w.Srv.Clock.Advance(23 * time.Hour)
		n.w.Owner.MustDo("POST", chat, map[string]string{"text": "Within the day"}, 201, nil)
		testkit.Eventually(t, 10*time.Second, "sent within the window", func() bool { return len(n.api.Sent()) == 1 })

		n.w.Srv.Clock.Advance(2 * time.Hour)
		calls := n.api.Calls()
		n.w.Owner.MustDo("POST", chat, map[string]string{"text": "A day later"}, 201, nil)
		n.w.Owner.MustDo("POST", "/api/v1/outbound", map[string]any{"subscriber_id": sub.ID, "source": "broadcast", "text": "Sale"}, 201, nil)
		testkit.Eventually(t, 10*time.Second, "both failed outside the window", func() bool {
			msgs := n.messages(t, sub.ID)
			a, b := msgs[len(msgs)-2], msgs[len(msgs)-1]
			return a.Status == beseda.MessageFailed && a.Reason == beseda.OutsideWindow &&
				b.Status == beseda.MessageFailed && b.Reason == beseda.OutsideWindow
		})
		if n.api.Calls() != calls {
			t.Error("messages outside the window reached the Cloud API")
		}

		n.say(t, "wamid.2", "I'm back")
		n.api.FailNext(400, 131047, "Re-engagement message")
		n.w.Owner.MustDo("POST", chat, map[string]string{"text": "Refused by WhatsApp"}, 201, nil)
		testkit.Eventually(t, 10*time.Second, "the API's refusal shown", func() bool {
			m := n.last(t, sub.ID)
			return m.Status == beseda.MessageFailed && m.Reason == beseda.OutsideWindow
		})
		n.w.Owner.MustDo("POST", chat, map[string]string{"text": "Welcome back"}, 201, nil)
		testkit.Eventually(t, 10*time.Second, "sent once the client wrote", func() bool {
			sent := n.api.Sent()
			return len(sent) == 2 && sent[1].Text == "Welcome back"
		})
	})
}

func TestWhatsAppFailuresAreSorted(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		n := newNumber(t, dbURL)
		n.say(t, "wamid.1", "Hi")
		sub := n.subscriber(t)
		chat := testkit.Path("/api/v1/subscribers/%d/messages", sub.ID)

		// An expired token: permanent, with the API's reason.
		n.api.FailNext(401, 190, "Error validating access token")
		n.w.Owner.MustDo("POST", chat, map[string]string{"text": "one"}, 201, nil)
		testkit.Eventually(t, 10*time.Second, "failed for good", func() bool {
			m := n.last(t, sub.ID)
			return m.Status == beseda.MessageFailed && strings.Contains(m.Reason, "190")
		})

		// The number's rate limit: waited out, not counted as an attempt.
		n.api.FailNext(400, 130429, "Rate limit hit")
		n.w.Owner.MustDo("POST", chat, map[string]string{"text": "two"}, 201, nil)
		testkit.Eventually(t, 10*time.Second, "waiting out the limit", func() bool {
			m := n.last(t, sub.ID)
			return m.Status == beseda.MessagePending && m.NextAttemptAt != nil && m.Attempts == 0
		})
		n.w.Srv.Clock.Advance(61 * time.Second)
		testkit.Eventually(t, 15*time.Second, "sent after the limit", func() bool {
			sent := n.api.Sent()
			return len(sent) == 1 && sent[0].Text == "two"
		})
	})
}

// TestR3_RatingFlowThroughWhatsApp: the rating form is an interactive message
// with exactly three reply buttons whose ids are the signed payloads; the tap
// comes back as interactive.button_reply and counts once; a forged one is
// refused.
func TestR3_RatingFlowThroughWhatsApp(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		n := newNumber(t, dbURL)
		n.say(t, "wamid.1", "Refund please")
		sub := n.subscriber(t)
		d := n.w.CreateDialog(sub.ID, "Refund")
		n.w.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d.ID), map[string]any{"status": "completed",
			"account_rating": 3, "send_rating_form": true}, 200, nil)
		testkit.Eventually(t, 10*time.Second, "the rating form", func() bool { return len(n.api.Sent()) == 1 })
		form := n.api.Sent()[0]
		if form.Type != "interactive" || len(form.Buttons) != 3 || form.Text != "How would you rate our support?" ||
			form.Buttons[0].Title != "Bad" || form.Buttons[2].Title != "Excellent" {
			t.Fatalf("form %+v", form)
		}
		forged := strings.Replace(form.Buttons[2].ID, testkit.Path(".%d.", d.ID), testkit.Path(".%d.", d.ID+1), 1)
		n.post(t, fakewhatsapp.ButtonReply(phoneID, waID, "wamid.2", forged, "Excellent"))
		n.post(t, fakewhatsapp.ButtonReply(phoneID, waID, "wamid.3", form.Buttons[1].ID, "Normal"))
		n.post(t, fakewhatsapp.ButtonReply(phoneID, waID, "wamid.3", form.Buttons[1].ID, "Normal")) // again
		n.post(t, fakewhatsapp.ButtonReply(phoneID, waID, "wamid.4", form.Buttons[2].ID, "Excellent"))
		var rated beseda.Dialog
		n.w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs/%d", d.ID), nil, 200, &rated)
		if rated.ClientRating == nil || *rated.ClientRating != 2 {
			t.Fatalf("client rating %v, want the first tap's 2", rated.ClientRating)
		}
		testkit.Eventually(t, 10*time.Second, "thank-you", func() bool { return len(n.api.Sent()) == 2 })
		if got := n.api.Sent()[1]; got.Type != "text" || got.Text != "Thank you for your feedback!" {
			t.Errorf("thank-you %+v", got)
		}
		var events []beseda.DialogEvent
		n.w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs/%d/events", d.ID), nil, 200, &events)
		rates := 0
		for _, e := range events {
			if e.Kind == beseda.EventClientRated {
				rates++
			}
		}
		if rates != 1 || len(n.api.Sent()) != 2 {
			t.Errorf("%d client_rated events and %d sends; later taps change and send nothing", rates, len(n.api.Sent()))
		}
	})
}

// TestR2_RatingFormOutsideTheWhatsAppWindow: completing a day after the
// client last wrote, the form is not sent, and the dialog says why.
func TestR2_RatingFormOutsideTheWhatsAppWindow(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		n := newNumber(t, dbURL)
		n.say(t, "wamid.1", "Hi")
		sub := n.subscriber(t)
		d := n.w.CreateDialog(sub.ID, "Late")
		n.w.Srv.Clock.Advance(25 * time.Hour)
		var done beseda.Dialog
		n.w.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d.ID), map[string]any{"status": "completed",
			"send_rating_form": true}, 200, &done)
		if done.RatingFormSent || done.RatingFormError != beseda.OutsideWindow {
			t.Errorf("completed outside the window: sent=%v error=%q", done.RatingFormSent, done.RatingFormError)
		}
	})
}

// TestWhatsAppReceivesFiles: a client's image and document are fetched (GET
// /{media-id} with the bearer token, then its address with it) and stored
// as their messages' attachments, the caption the text, the type sniffed
// from the bytes (not the mime_type the client's app gave). A media id the
// API does not know leaves a note.
func TestWhatsAppReceivesFiles(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		n := newNumber(t, dbURL)
		photo := testkit.PNG(5, 5)
		n.api.AddMedia("1001", "image/jpeg", photo)
		n.api.AddMedia("1002", "application/pdf", testkit.PDF)
		for _, body := range [][]byte{
			fakewhatsapp.MediaMessage(phoneID, waID, "Greta Client", "wamid.f1", "image", "1001", "image/jpeg", "My receipt", ""),
			fakewhatsapp.MediaMessage(phoneID, waID, "Greta Client", "wamid.f2", "document", "1002", "application/pdf", "", "contract.pdf"),
			fakewhatsapp.MediaMessage(phoneID, waID, "Greta Client", "wamid.f3", "document", "1003", "application/pdf", "", "lost.pdf"),
		} {
			if res := n.post(t, body); res.Status != 200 {
				t.Fatalf("webhook: %d %s", res.Status, res.Body)
			}
		}
		msgs := n.messages(t, n.subscriber(t).ID)
		if len(msgs) != 3 || msgs[0].Text != "My receipt" || len(msgs[0].Attachments) != 1 ||
			msgs[1].Text != "" || len(msgs[1].Attachments) != 1 {
			t.Fatalf("messages %+v", msgs)
		}
		n.w.CheckAttachment(t, msgs[0].Attachments[0], "image.png", "image/png", photo)
		n.w.CheckAttachment(t, msgs[1].Attachments[0], "contract.pdf", "application/pdf", testkit.PDF)
		if msgs[2].Text != "[file not available: lost.pdf]" || len(msgs[2].Attachments) != 0 {
			t.Errorf("unknown media: %+v", msgs[2])
		}
	})
}

// TestWhatsAppSendsFiles: each file of a manager's message is uploaded to the
// number's media (multipart, type, messaging_product) and sent by its id: a
// picture as an image with the text as caption, a PDF as a document with its
// file name.
func TestWhatsAppSendsFiles(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		n := newNumber(t, dbURL)
		n.say(t, "wamid.1", "Hi")
		sub := n.subscriber(t)
		photo := testkit.PNG(5, 5)
		ids := []int64{n.w.Owner.MustUpload("photo.png", photo), n.w.Owner.MustUpload("terms.pdf", testkit.PDF)}
		n.w.Owner.MustDo("POST", testkit.Path("/api/v1/subscribers/%d/messages", sub.ID),
			map[string]any{"text": "Here you go", "attachment_ids": ids}, 201, nil)
		testkit.Eventually(t, 10*time.Second, "two messages", func() bool { return len(n.api.Sent()) == 2 })
		testkit.Eventually(t, 5*time.Second, "marked sent", func() bool {
			msgs := n.messages(t, sub.ID)
			return msgs[len(msgs)-1].Status == beseda.MessageSent
		})
		if ups := n.api.Uploads(); len(ups) != 2 || ups[0].MimeType != "image/png" || ups[1].Name != "terms.pdf" {
			t.Errorf("uploads %+v", ups)
		}
		got := n.api.Sent()
		if got[0].Type != "image" || got[0].To != waID || got[0].Caption != "Here you go" || string(got[0].File.Data) != string(photo) {
			t.Errorf("image %+v", got[0])
		}
		if got[1].Type != "document" || got[1].Caption != "" || got[1].Filename != "terms.pdf" ||
			got[1].File.MimeType != "application/pdf" || string(got[1].File.Data) != string(testkit.PDF) {
			t.Errorf("document %+v", got[1])
		}
	})
}
