package channel_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/internal/testkit/fakegraph"
	"github.com/beseda/beseda/internal/testkit/faketelegram"
	"github.com/beseda/beseda/store"
)

const (
	pageID    = "1122334455"
	pageToken = "EAAG-page-token"
	appSecret = "app-secret-xyz"
	psid      = "6655443322119988"
	botToken  = "123456:TEST-token_abcdefghijklmnop"
	tgSecret  = "hook-secret_42"
)

type failure struct {
	Key, Raw, Error, Outcome string
	Attempts                 int
}

func failures(t *testing.T, db *store.DB, channelID int64) []failure {
	t.Helper()
	fs, err := db.FindInboundFailures(context.Background(), channelID, 10)
	if err != nil {
		t.Fatal(err)
	}
	var out []failure
	for _, f := range fs {
		out = append(out, failure{f.Event.Key, f.Raw, f.LastError, f.Outcome, f.Attempts})
	}
	return out
}

func texts(t *testing.T, w *testkit.World) []string {
	t.Helper()
	var subs []beseda.Subscriber
	w.Owner.MustDo("GET", "/api/v1/subscribers", nil, 200, &subs)
	var out []string
	for _, s := range subs {
		var msgs []beseda.Message
		w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d/messages", s.ID), nil, 200, &msgs)
		for _, m := range msgs {
			if m.Direction == beseda.DirectionIn {
				out = append(out, m.Text)
			}
		}
	}
	return out
}

// TestH7_AnEventThatCannotBeStoredIsSkippedAndRetried: the database refuses
// one event of a Messenger batch. The others are stored, the answer is 200
// (Messenger does not send the batch again and again), the failed event is
// recorded with its channel, its raw bytes and the error, logged at ERROR
// without its text, and a job stores it once the database takes it again.
func TestH7_AnEventThatCannotBeStoredIsSkippedAndRetried(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		logs, logger := testkit.NewLogs()
		srv := testkit.StartServer(t, dbURL, testkit.Options{Logger: logger})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		api := fakegraph.New(t, pageToken)
		ch := w.AddChannel("messenger", "Page", map[string]string{"page_id": pageID, "page_access_token": pageToken,
			"app_secret": appSecret, "verify_token": "v", "api_base_url": api.URL})
		cure := testkit.Poison(t, srv.DB, "poison_messages", "INSERT", "messages", "NEW.text = 'the poisoned one'")

		batch := fakegraph.Batch(pageID,
			fakegraph.MessageEvent(pageID, psid, "m.1", "first"),
			fakegraph.MessageEvent(pageID, psid, "m.2", "the poisoned one"),
			fakegraph.MessageEvent(pageID, psid, "m.3", "third"))
		post := func() {
			t.Helper()
			res := w.Webhook(ch.WebhookURL, batch, map[string]string{"X-Hub-Signature-256": fakegraph.Sign(batch, appSecret)})
			if res.Status != 200 {
				t.Fatalf("webhook: %d %s", res.Status, res.Body)
			}
		}
		post()
		if got := strings.Join(texts(t, w), ","); got != "first,third" {
			t.Fatalf("stored %q; the events around the failed one must be stored", got)
		}
		fs := failures(t, srv.DB, ch.ID)
		if len(fs) != 1 || fs[0].Key != "mid:m.2" || !strings.Contains(fs[0].Raw, "the poisoned one") ||
			!strings.Contains(fs[0].Error, "poisoned by the test") || fs[0].Attempts != 1 || fs[0].Outcome != "" {
			t.Fatalf("recorded %+v", fs)
		}
		errs := logs.Records(slog.LevelError)
		if len(errs) == 0 || !strings.Contains(errs[0].Message, "not stored") || errs[0].Attrs["channel"] == "" {
			t.Errorf("not logged at ERROR with the channel: %v", errs)
		}
		if logs.Contains("the poisoned one") {
			t.Error("the message's text was logged")
		}

		// Messenger sends the batch again after all (it was unsure of our
		// answer): what is stored is not stored twice; the failed event
		// still waits for its one retry.
		post()
		if got := strings.Join(texts(t, w), ","); got != "first,third" {
			t.Errorf("after the batch came again: %q", got)
		}
		if fs := failures(t, srv.DB, ch.ID); len(fs) != 1 {
			t.Errorf("the event sent again was recorded again: %+v", fs)
		}

		// The database takes it again; the retry comes after its backoff,
		// on the application's clock.
		cure()
		srv.Clock.Advance(31 * time.Second)
		testkit.Eventually(t, 20*time.Second, "the recorded event stored by the retry", func() bool {
			return strings.Join(texts(t, w), ",") == "first,third,the poisoned one"
		})
		testkit.Eventually(t, 10*time.Second, "the failure settled", func() bool {
			fs := failures(t, srv.DB, ch.ID)
			return len(fs) == 1 && fs[0].Outcome == store.InboundStored && fs[0].Attempts == 2
		})
	})
}

// TestH7_ARatingTapDuringADatabaseFailureIsNotLost: Telegram delivers a tap
// on the rating form while the database cannot record ratings. Telegram gets
// 200 (no resending forever), the tap is answered, and the rating is
// recorded once the database recovers — once, though the retry fails again
// first.
func TestH7_ARatingTapDuringADatabaseFailureIsNotLost(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		api := faketelegram.New(t, botToken)
		ch := w.AddChannel("telegram", "Bot", map[string]string{"bot_token": botToken, "webhook_secret": tgSecret,
			"api_base_url": api.URL})
		hook := map[string]string{"X-Telegram-Bot-Api-Secret-Token": tgSecret}
		if res := w.Webhook(ch.WebhookURL, faketelegram.TextUpdate(1, 900, "Ivan", "help"), hook); res.Status != 200 {
			t.Fatalf("webhook: %d", res.Status)
		}
		var subs []beseda.Subscriber
		w.Owner.MustDo("GET", "/api/v1/subscribers", nil, 200, &subs)
		d := w.CreateDialog(subs[0].ID, "Help")
		w.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d.ID), map[string]any{"status": "completed",
			"send_rating_form": true}, 200, nil)
		testkit.Eventually(t, 10*time.Second, "the rating form", func() bool { return len(api.Sent()) == 1 })
		normal := api.Sent()[0].Buttons[0][1].CallbackData

		cure := testkit.Poison(t, srv.DB, "poison_ratings", "UPDATE", "dialogs", "NEW.client_rating IS NOT NULL")
		if res := w.Webhook(ch.WebhookURL, faketelegram.CallbackUpdate(2, 900, "cb-1", normal), hook); res.Status != 200 {
			t.Fatalf("a tap the database refused: %d %s, want 200", res.Status, res.Body)
		}
		testkit.Eventually(t, 5*time.Second, "the tap answered", func() bool { return len(api.Answered()) == 1 })
		rating := func() *int {
			var got beseda.Dialog
			w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs/%d", d.ID), nil, 200, &got)
			return got.ClientRating
		}
		if r := rating(); r != nil {
			t.Fatalf("rated %d while the database refused it", *r)
		}

		// The first retry meets the failure again and waits longer.
		srv.Clock.Advance(31 * time.Second)
		testkit.Eventually(t, 20*time.Second, "a second failed attempt", func() bool {
			fs := failures(t, srv.DB, ch.ID)
			return len(fs) == 1 && fs[0].Attempts == 2 && fs[0].Outcome == ""
		})
		cure()
		srv.Clock.Advance(61 * time.Second)
		testkit.Eventually(t, 20*time.Second, "the rating recorded by the retry", func() bool {
			r := rating()
			return r != nil && *r == 2
		})
		testkit.Eventually(t, 10*time.Second, "the thank-you", func() bool { return len(api.Sent()) == 2 })
		fs := failures(t, srv.DB, ch.ID)
		if len(fs) != 1 || fs[0].Outcome != store.InboundStored || fs[0].Attempts != 3 {
			t.Errorf("failure %+v", fs)
		}
	})
}

// TestWebhookSkeleton: one skeleton serves every platform's webhook the same
// way: an unknown kind or key is 404, a body over 1 MiB is 413, a platform
// without a subscription check has no GET, and nothing of these is stored.
func TestWebhookSkeleton(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		api := faketelegram.New(t, botToken)
		ch := w.AddChannel("telegram", "Bot", map[string]string{"bot_token": botToken, "webhook_secret": tgSecret,
			"api_base_url": api.URL})
		hook := map[string]string{"X-Telegram-Bot-Api-Secret-Token": tgSecret}
		update := faketelegram.TextUpdate(1, 900, "Ivan", "hi")
		for _, url := range []string{
			srv.URL + "/webhooks/icq/" + ch.Key,
			srv.URL + "/webhooks/messenger/" + ch.Key, // a key of another kind
			srv.URL + "/webhooks/telegram/" + w.WebKey,
			srv.URL + "/webhooks/telegram/nope",
		} {
			if res := w.Webhook(url, update, hook); res.Status != 404 || res.ErrorCode() != beseda.ENOTFOUND {
				t.Errorf("%s: %d %s", url, res.Status, res.Body)
			}
		}
		huge := []byte(`{"update_id":2,"message":{"text":"` + strings.Repeat("x", 1<<20) + `"}}`)
		if res := w.Webhook(ch.WebhookURL, huge, hook); res.Status != 413 || res.ErrorCode() != beseda.ETOOLARGE {
			t.Errorf("a body over 1 MiB: %d", res.Status)
		}
		if res := testkit.NewClient(t, "").Do("GET", ch.WebhookURL+"?hub.mode=subscribe&hub.challenge=1", nil); res.Status != 404 {
			t.Errorf("GET on a platform without a subscription check: %d", res.Status)
		}
		var subs []beseda.Subscriber
		w.Owner.MustDo("GET", "/api/v1/subscribers", nil, 200, &subs)
		if len(subs) != 0 {
			t.Errorf("%d subscribers stored", len(subs))
		}
	})
}
