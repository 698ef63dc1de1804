package telegram_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/channel/telegram"
	"github.com/beseda/beseda/internal/server"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/internal/testkit/faketelegram"
	"github.com/beseda/beseda/store"
)

const (
	botToken = "123456:TEST-token_abcdefghijklmnop"
	secret   = "hook-secret_42"
)

type bot struct {
	w    *testkit.World
	api  *faketelegram.Server
	ch   testkit.ChannelInfo
	hook map[string]string
}

func newBot(t *testing.T, dbURL string, opts testkit.Options) *bot {
	srv := testkit.StartServer(t, dbURL, opts)
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	api := faketelegram.New(t, botToken)
	ch := w.AddChannel("telegram", "Support bot", map[string]string{"bot_token": botToken, "webhook_secret": secret,
		"api_base_url": api.URL})
	return &bot{w: w, api: api, ch: ch, hook: map[string]string{"X-Telegram-Bot-Api-Secret-Token": secret}}
}

// say delivers a client's text message through the webhook.
func (b *bot) say(t *testing.T, updateID, chatID int64, text string) {
	t.Helper()
	if res := b.w.Webhook(b.ch.WebhookURL, faketelegram.TextUpdate(updateID, chatID, "Ivan", text), b.hook); res.Status != 200 {
		t.Fatalf("webhook: %d %s", res.Status, res.Body)
	}
}

func (b *bot) subscriber(t *testing.T) beseda.Subscriber {
	t.Helper()
	var subs []beseda.Subscriber
	b.w.Owner.MustDo("GET", "/api/v1/subscribers", nil, 200, &subs)
	for _, s := range subs {
		if s.ChannelKind == telegram.Kind {
			return s
		}
	}
	t.Fatal("no telegram subscriber")
	return beseda.Subscriber{}
}

func (b *bot) messages(t *testing.T, subscriberID int64) []beseda.Message {
	var msgs []beseda.Message
	b.w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d/messages", subscriberID), nil, 200, &msgs)
	return msgs
}

func TestTelegramWebhookIsVerified(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		b := newBot(t, dbURL, testkit.Options{})
		update := faketelegram.TextUpdate(1, 777, "Ivan", "hello")
		for _, headers := range []map[string]string{nil, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}} {
			if res := b.w.Webhook(b.ch.WebhookURL, update, headers); res.Status != 401 || res.ErrorCode() != beseda.EUNAUTHORIZED {
				t.Errorf("unverified update: %d %s", res.Status, res.Body)
			}
		}
		if res := b.w.Webhook(strings.Replace(b.ch.WebhookURL, b.ch.Key, "nope", 1), update, b.hook); res.Status != 404 {
			t.Errorf("unknown channel: %d", res.Status)
		}
		if res := b.w.Webhook(b.ch.WebhookURL, []byte("{not json"), b.hook); res.Status != 400 {
			t.Errorf("malformed update: %d", res.Status)
		}
		var subs []beseda.Subscriber
		b.w.Owner.MustDo("GET", "/api/v1/subscribers", nil, 200, &subs)
		if len(subs) != 0 {
			t.Errorf("refused updates stored %d subscribers", len(subs))
		}
	})
}

func TestTelegramInboundIsIdempotent(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		b := newBot(t, dbURL, testkit.Options{})
		b.say(t, 10, 777, "Hello there")
		b.say(t, 10, 777, "Hello there") // Telegram delivered the same update again
		b.say(t, 11, 777, "Anyone?")
		sub := b.subscriber(t)
		if sub.Name != "Ivan" || sub.ChannelKind != telegram.Kind {
			t.Errorf("subscriber %+v", sub)
		}
		msgs := b.messages(t, sub.ID)
		if len(msgs) != 2 || msgs[0].Text != "Hello there" || msgs[1].Text != "Anyone?" {
			t.Errorf("messages %+v", msgs)
		}
		// A sticker has no text but is not lost.
		res := b.w.Webhook(b.ch.WebhookURL, []byte(`{"update_id":12,"message":{"message_id":5,"date":1,
			"chat":{"id":777,"type":"private"},"sticker":{"file_id":"x"}}}`), b.hook)
		if res.Status != 200 {
			t.Fatalf("sticker: %d", res.Status)
		}
		// (Telegram does not know this file_id: the message says so.)
		if msgs := b.messages(t, sub.ID); msgs[len(msgs)-1].Text != "[file not available: sticker]" {
			t.Errorf("sticker stored as %q", msgs[len(msgs)-1].Text)
		}
	})
}

func TestTelegramSendsThroughTheBotAPI(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		b := newBot(t, dbURL, testkit.Options{})
		b.say(t, 1, 555, "Hi")
		sub := b.subscriber(t)
		var m beseda.Message
		b.w.Owner.MustDo("POST", testkit.Path("/api/v1/subscribers/%d/messages", sub.ID), map[string]string{"text": "Hello, Ivan!"}, 201, &m)
		if m.Status != beseda.MessagePending {
			t.Errorf("a Telegram message is %s before delivery, want pending", m.Status)
		}
		testkit.Eventually(t, 10*time.Second, "sendMessage", func() bool { return len(b.api.Sent()) == 1 })
		if got := b.api.Sent()[0]; got.ChatID != "555" || got.Text != "Hello, Ivan!" || got.Buttons != nil {
			t.Errorf("sent %+v", got)
		}
		testkit.Eventually(t, 5*time.Second, "marked sent", func() bool {
			msgs := b.messages(t, sub.ID)
			return msgs[len(msgs)-1].Status == beseda.MessageSent
		})
	})
}

func TestR3_RatingFlowThroughTelegram(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		b := newBot(t, dbURL, testkit.Options{})
		b.say(t, 1, 900, "My payment failed")
		sub := b.subscriber(t)
		d := b.w.CreateDialog(sub.ID, "Payment failed")
		var done beseda.Dialog
		b.w.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d.ID), map[string]any{"status": "completed",
			"account_rating": 2, "send_rating_form": true}, 200, &done)
		if !done.RatingFormSent || *done.AccountRating != 2 {
			t.Errorf("completed %+v", done)
		}
		testkit.Eventually(t, 10*time.Second, "the rating form", func() bool { return len(b.api.Sent()) == 1 })
		form := b.api.Sent()[0]
		if form.Text != "How would you rate our support?" || len(form.Buttons) != 1 || len(form.Buttons[0]) != 3 {
			t.Fatalf("form %+v", form)
		}
		titles := []string{form.Buttons[0][0].Text, form.Buttons[0][1].Text, form.Buttons[0][2].Text}
		if strings.Join(titles, ",") != "Bad,Normal,Excellent" {
			t.Errorf("buttons %v", titles)
		}
		excellent := form.Buttons[0][2].CallbackData

		// A forged payload (another dialog's id) changes nothing.
		forged := strings.Replace(excellent, testkit.Path(".%d.", d.ID), testkit.Path(".%d.", d.ID+1), 1)
		b.w.Webhook(b.ch.WebhookURL, faketelegram.CallbackUpdate(2, 900, "cb-forged", forged), b.hook)
		b.w.Webhook(b.ch.WebhookURL, faketelegram.CallbackUpdate(3, 900, "cb-1", excellent), b.hook)
		b.w.Webhook(b.ch.WebhookURL, faketelegram.CallbackUpdate(3, 900, "cb-1", excellent), b.hook) // redelivered
		var rated beseda.Dialog
		b.w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs/%d", d.ID), nil, 200, &rated)
		if rated.ClientRating == nil || *rated.ClientRating != 3 || *rated.AccountRating != 2 {
			t.Fatalf("ratings %v %v", rated.ClientRating, rated.AccountRating)
		}
		testkit.Eventually(t, 10*time.Second, "thank-you sent", func() bool { return len(b.api.Sent()) == 2 })
		if got := b.api.Sent()[1]; got.Text != "Thank you for your feedback!" || got.ChatID != "900" {
			t.Errorf("thank-you %+v", got)
		}
		testkit.Eventually(t, 5*time.Second, "taps answered", func() bool { return len(b.api.Answered()) >= 2 })

		// A later tap (another button) changes nothing and sends nothing.
		b.w.Webhook(b.ch.WebhookURL, faketelegram.CallbackUpdate(4, 900, "cb-2", form.Buttons[0][0].CallbackData), b.hook)
		time.Sleep(500 * time.Millisecond)
		b.w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs/%d", d.ID), nil, 200, &rated)
		if *rated.ClientRating != 3 || len(b.api.Sent()) != 2 {
			t.Errorf("a second tap changed the rating to %d or sent %d messages", *rated.ClientRating, len(b.api.Sent()))
		}
		var events []beseda.DialogEvent
		b.w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs/%d/events", d.ID), nil, 200, &events)
		rates := 0
		for _, e := range events {
			if e.Kind == beseda.EventClientRated {
				rates++
			}
		}
		if rates != 1 {
			t.Errorf("%d client_rated events, want 1", rates)
		}
	})
}

func TestTelegramRateLimitIsHonoured(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		b := newBot(t, dbURL, testkit.Options{})
		b.say(t, 1, 321, "Hi")
		sub := b.subscriber(t)
		b.api.FailNext(429, "Too Many Requests: retry after 1", 1)
		refusedAt := b.w.Srv.Clock.Now()
		b.w.Owner.MustDo("POST", testkit.Path("/api/v1/subscribers/%d/messages", sub.ID), map[string]string{"text": "one"}, 201, nil)
		testkit.Eventually(t, 10*time.Second, "the refused attempt recorded", func() bool {
			msgs := b.messages(t, sub.ID)
			return msgs[len(msgs)-1].NextAttemptAt != nil
		})
		b.w.Srv.Clock.Advance(2 * time.Second) // the application's clock moves past the wait
		testkit.Eventually(t, 15*time.Second, "sent after the rate limit", func() bool { return len(b.api.Sent()) == 1 })
		var m beseda.Message
		testkit.Eventually(t, 5*time.Second, "marked sent", func() bool {
			msgs := b.messages(t, sub.ID)
			m = msgs[len(msgs)-1]
			return m.Status == beseda.MessageSent
		})
		if waited := m.SentAt.Sub(refusedAt); waited < time.Second {
			t.Errorf("sent again %v after the refusal, before retry_after", waited)
		}
		if m.Attempts != 0 || m.Reason != "" {
			t.Errorf("after a 429: %+v (a rate limit is not a failed attempt)", m)
		}
	})
}

func TestTelegramFailuresAreVisible(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		b := newBot(t, dbURL, testkit.Options{})
		b.say(t, 1, 321, "Hi")
		sub := b.subscriber(t)
		path := testkit.Path("/api/v1/subscribers/%d/messages", sub.ID)

		// A blocked bot: permanent, failed with the reason, not retried.
		b.api.FailNext(403, "Forbidden: bot was blocked by the user", 0)
		b.w.Owner.MustDo("POST", path, map[string]string{"text": "blocked"}, 201, nil)
		testkit.Eventually(t, 10*time.Second, "failed", func() bool {
			msgs := b.messages(t, sub.ID)
			m := msgs[len(msgs)-1]
			return m.Status == beseda.MessageFailed && strings.Contains(m.Reason, "blocked")
		})

		// A server error: retried with backoff (the clock moves), then sent.
		b.api.FailNext(502, "Bad Gateway", 0)
		calls := b.api.Calls()
		b.w.Owner.MustDo("POST", path, map[string]string{"text": "flaky"}, 201, nil)
		testkit.Eventually(t, 10*time.Second, "first attempt", func() bool { return b.api.Calls() > calls })
		testkit.Eventually(t, 5*time.Second, "retry scheduled", func() bool {
			msgs := b.messages(t, sub.ID)
			m := msgs[len(msgs)-1]
			return m.Status == beseda.MessagePending && m.Attempts == 1 && m.NextAttemptAt != nil
		})
		b.w.Srv.Clock.Advance(10 * time.Second)
		testkit.Eventually(t, 10*time.Second, "sent on retry", func() bool {
			sent := b.api.Sent()
			return len(sent) == 1 && sent[0].Text == "flaky"
		})
	})
}

func TestTelegramPacesEachChat(t *testing.T) {
	t.Parallel()
	clock := testkit.NewClock()
	b := newBot(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{Clock: clock, Configure: func(c *server.Config) {
		c.Pacing = map[beseda.ChannelKind]beseda.Pacing{telegram.Kind: telegram.New().Pacing()}
	}})
	b.say(t, 1, 1001, "A")
	b.w.Webhook(b.ch.WebhookURL, faketelegram.TextUpdate(2, 1002, "Olga", "B"), b.hook)
	var subs []beseda.Subscriber
	b.w.Owner.MustDo("GET", "/api/v1/subscribers", nil, 200, &subs)
	byChat := map[string]int64{}
	for _, s := range subs {
		byChat[s.Name] = s.ID
	}
	for _, text := range []string{"a1", "a2", "a3"} {
		b.w.Owner.MustDo("POST", "/api/v1/outbound", map[string]any{"subscriber_id": byChat["Ivan"], "source": "system", "text": text}, 201, nil)
	}
	b.w.Owner.MustDo("POST", "/api/v1/outbound", map[string]any{"subscriber_id": byChat["Olga"], "source": "system", "text": "b1"}, 201, nil)
	start := clock.Now()
	// Telegram allows one message a second to a chat: a2 and a3 wait for
	// the clock, b1 does not.
	testkit.Eventually(t, 15*time.Second, "a1 and b1 sent", func() bool { return len(b.api.Sent()) == 2 })
	for want := 3; want <= 4; want++ {
		clock.Advance(time.Second)
		testkit.Eventually(t, 15*time.Second, "the next second's message", func() bool { return len(b.api.Sent()) == want })
	}
	var order []string
	for _, s := range b.api.Sent() {
		order = append(order, s.Text)
	}
	if got := strings.Join(order, ","); got != "a1,b1,a2,a3" {
		t.Errorf("order %s: one chat must not hold back another, and each chat keeps its order", got)
	}
	var msgs []beseda.Message
	b.w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d/messages", byChat["Ivan"]), nil, 200, &msgs)
	var at []time.Duration
	for _, m := range msgs {
		if m.Direction == beseda.DirectionOut {
			at = append(at, m.SentAt.Sub(start))
		}
	}
	if fmt.Sprint(at) != "[0s 1s 2s]" {
		t.Errorf("three messages to one chat sent at %v after the start; Telegram allows one per second", at)
	}
}

// TestD3_TelegramSendsAgainAfterACrash: a send that was in flight when its
// deliverer died may or may not have reached the client, and Telegram reports
// nothing it took: it is sent again and marked resent, never lost.
func TestD3_TelegramSendsAgainAfterACrash(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		b := newBot(t, dbURL, testkit.Options{})
		b.say(t, 1, 4242, "Hi")
		sub := b.subscriber(t)
		ctx := context.Background()
		db := b.w.Srv.DB
		var inFlight beseda.Message
		err := db.Update(ctx, func(tx *store.Tx) error {
			now := b.w.Srv.Clock.Now()
			inFlight = beseda.Message{WorkspaceID: b.w.WorkspaceID, SubscriberID: sub.ID, ChannelID: b.ch.ID,
				Direction: beseda.DirectionOut, Source: beseda.SourceSystem, Text: "was in flight", Status: beseda.MessagePending,
				CreatedAt: now}
			if err := tx.CreateMessage(ctx, &inFlight); err != nil {
				return err
			}
			if _, err := tx.ClaimMessage(ctx, inFlight.ID, now); err != nil {
				return err
			}
			// The lease of a deliverer that died holding it: on PostgreSQL
			// its lock went with it; on SQLite it runs out.
			return tx.Exec(ctx, `INSERT INTO delivery_leases (channel_id, holder, expires_at) VALUES ($1, 'dead/1', $2)`,
				b.ch.ID, now.Add(time.Second).UnixMilli())
		})
		if err != nil {
			t.Fatal(err)
		}
		b.w.Srv.Clock.Advance(time.Minute) // the dead holder's lease runs out
		if _, err := b.w.Srv.Deliveries.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		testkit.Eventually(t, 10*time.Second, "sent again", func() bool {
			m, err := db.FindMessageByID(ctx, b.w.WorkspaceID, inFlight.ID)
			return err == nil && m.Status == beseda.MessageSent && m.Resent
		})
		if sent := b.api.Sent(); len(sent) != 1 || sent[0].Text != "was in flight" {
			t.Errorf("sent %+v; want the message in flight once more", sent)
		}
	})
}

// TestTelegramCountsTextAsTelegramDoes: Telegram's 4,096 limit is in UTF-16
// code units, so an emoji counts 2: 2,048 emoji go, 2,049 are refused with a
// clear error, and 4,096 Cyrillic letters go.
func TestTelegramCountsTextAsTelegramDoes(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		b := newBot(t, dbURL, testkit.Options{})
		b.say(t, 1, 555, "Hi")
		chat := testkit.Path("/api/v1/subscribers/%d/messages", b.subscriber(t).ID)
		res := b.w.Owner.WantError("POST", chat, map[string]string{"text": strings.Repeat("😀", 2049)}, 400, beseda.EINVALID)
		if !strings.Contains(string(res.Body), "4098") || !strings.Contains(string(res.Body), "4096") {
			t.Errorf("the error does not say how long and how much: %s", res.Body)
		}
		b.w.Owner.MustDo("POST", chat, map[string]string{"text": strings.Repeat("😀", 2048)}, 201, nil)
		b.w.Owner.MustDo("POST", chat, map[string]string{"text": strings.Repeat("я", 4096)}, 201, nil)
		testkit.Eventually(t, 10*time.Second, "both sent", func() bool { return len(b.api.Sent()) == 2 })
	})
}

// TestTelegramLongNamesAreCut: a client name longer than Beseda keeps is cut
// to 100 characters, not refused and not stored whole.
func TestTelegramLongNamesAreCut(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		b := newBot(t, dbURL, testkit.Options{})
		long := strings.Repeat("Ё", 150) + " " + strings.Repeat("ж", 150)
		if res := b.w.Webhook(b.ch.WebhookURL, faketelegram.TextUpdate(1, 556, long, "hello"), b.hook); res.Status != 200 {
			t.Fatalf("webhook: %d %s", res.Status, res.Body)
		}
		if sub := b.subscriber(t); sub.Name != strings.Repeat("Ё", 100) {
			t.Errorf("name stored as %q (%d characters)", sub.Name, len([]rune(sub.Name)))
		}
	})
}

// TestTelegramConnectsItself: given only the bot token, Beseda checks it
// with getMe, makes the webhook's secret token and registers the webhook
// (setWebhook) at its public URL; updates signed with that secret are taken.
// A token Telegram refuses adds no channel and says why.
func TestTelegramConnectsItself(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{Configure: func(c *server.Config) {
			c.PublicURL = "https://beseda.example"
		}})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		api := faketelegram.New(t, botToken)
		ch := w.AddChannel("telegram", "Support bot", map[string]string{"bot_token": botToken, "api_base_url": api.URL})
		hook := api.Webhook()
		if hook.URL != ch.WebhookURL || !strings.HasPrefix(hook.URL, "https://beseda.example/webhooks/telegram/") || len(hook.SecretToken) < 32 {
			t.Fatalf("setWebhook %+v for channel %+v", hook, ch)
		}
		local := strings.Replace(hook.URL, "https://beseda.example", srv.URL, 1)
		update := faketelegram.TextUpdate(1, 777, "Ivan", "hello")
		if res := w.Webhook(local, update, map[string]string{"X-Telegram-Bot-Api-Secret-Token": hook.SecretToken}); res.Status != 200 {
			t.Errorf("an update with the secret Beseda made: %d %s", res.Status, res.Body)
		}
		if res := w.Webhook(local, update, map[string]string{"X-Telegram-Bot-Api-Secret-Token": "guess"}); res.Status != 401 {
			t.Errorf("an update with another secret: %d", res.Status)
		}

		res := w.Owner.WantError("POST", "/api/v1/channels", map[string]any{"kind": "telegram", "name": "Wrong bot",
			"config": map[string]string{"bot_token": "654321:WRONG-token_abcdefghijklmnop", "api_base_url": api.URL}}, 400, beseda.EINVALID)
		if !strings.Contains(string(res.Body), "Telegram refused the bot token") || strings.Contains(string(res.Body), "WRONG-token") {
			t.Errorf("refusal %s", res.Body)
		}
		var channels []testkit.ChannelInfo
		w.Owner.MustDo("GET", "/api/v1/channels", nil, 200, &channels)
		if len(channels) != 2 {
			t.Errorf("%d channels after a refused one, want the web chat and the bot", len(channels))
		}
	})
}

// TestTelegramReceivesFiles: a client's photo (its largest size) and
// document are fetched (getFile, then the file's path) and stored as
// attachments of their message, the caption its text, the type sniffed from
// the bytes whatever the client's app said. A fetch that fails for now is
// retried (SPEC H7); a file over the server's limit, or one Telegram does
// not give, leaves a note instead of the message being lost.
func TestTelegramReceivesFiles(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		b := newBot(t, dbURL, testkit.Options{Configure: func(c *server.Config) { c.MaxUploadBytes = 4096 }})
		photo, big := testkit.PNG(4, 3), append([]byte(string(testkit.PDF)), strings.Repeat("0", 5000)...)
		b.api.AddFile("ph-1", photo)
		b.api.AddFile("ph-1-small", testkit.PNG(1, 1))
		b.api.AddFile("doc-1", testkit.PDF)
		b.api.AddFile("big-1", big)
		post := func(update []byte) {
			t.Helper()
			if res := b.w.Webhook(b.ch.WebhookURL, update, b.hook); res.Status != 200 {
				t.Fatalf("webhook: %d %s", res.Status, res.Body)
			}
		}
		post(faketelegram.FileUpdate(1, 777, "photo", "ph-1", "", "", "Look at this"))
		post(faketelegram.FileUpdate(2, 777, "document", "doc-1", "invoice.png", "image/png", ""))
		post(faketelegram.FileUpdate(3, 777, "document", "big-1", "scan.png", "image/png", "The scan"))
		post(faketelegram.FileUpdate(4, 777, "document", "gone", "old.pdf", "application/pdf", ""))
		sub := b.subscriber(t)
		msgs := b.messages(t, sub.ID)
		if len(msgs) != 4 {
			t.Fatalf("%d messages, want 4", len(msgs))
		}
		if msgs[0].Text != "Look at this" || len(msgs[0].Attachments) != 1 {
			t.Fatalf("photo message %+v", msgs[0])
		}
		b.w.CheckAttachment(t, msgs[0].Attachments[0], "photo.png", "image/png", photo)
		if msgs[1].Text != "" || len(msgs[1].Attachments) != 1 {
			t.Fatalf("document message %+v", msgs[1])
		}
		b.w.CheckAttachment(t, msgs[1].Attachments[0], "invoice.png", "application/pdf", testkit.PDF)
		if msgs[2].Text != "The scan\n[file too large to keep: scan.png]" || len(msgs[2].Attachments) != 0 {
			t.Errorf("too large: %q %+v", msgs[2].Text, msgs[2].Attachments)
		}
		if msgs[3].Text != "[file not available: old.pdf]" || len(msgs[3].Attachments) != 0 {
			t.Errorf("unknown file: %q", msgs[3].Text)
		}

		// Telegram fails the download for now: the update is recorded and
		// its retry fetches the file.
		b.api.FailNextCall("getFile", 502, "Bad Gateway", 0)
		post(faketelegram.FileUpdate(5, 777, "document", "doc-1", "again.pdf", "application/pdf", "Second try"))
		if n := len(b.messages(t, sub.ID)); n != 4 {
			t.Fatalf("%d messages while the file could not be had", n)
		}
		b.w.Srv.Clock.Advance(31 * time.Second)
		testkit.Eventually(t, 20*time.Second, "the retry stores the message", func() bool {
			return len(b.messages(t, sub.ID)) == 5
		})
		last := b.messages(t, sub.ID)[4]
		if last.Text != "Second try" || len(last.Attachments) != 1 {
			t.Fatalf("retried message %+v", last)
		}
		b.w.CheckAttachment(t, last.Attachments[0], "again.pdf", "application/pdf", testkit.PDF)
	})
}

// TestTelegramSendsFiles: a manager's message with a picture and a PDF goes
// as sendPhoto (the text its caption) and sendDocument, uploaded as
// multipart/form-data; a text too long for a caption goes first on its own.
// A failure half-way is retried from the part that failed: what went out is
// not sent again.
func TestTelegramSendsFiles(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		b := newBot(t, dbURL, testkit.Options{})
		b.say(t, 1, 555, "Hi")
		sub := b.subscriber(t)
		photo := testkit.PNG(4, 3)
		path := testkit.Path("/api/v1/subscribers/%d/messages", sub.ID)
		send := func(text string, ids ...int64) {
			t.Helper()
			b.w.Owner.MustDo("POST", path, map[string]any{"text": text, "attachment_ids": ids}, 201, nil)
		}
		sent := func(n int) []faketelegram.Sent {
			t.Helper()
			testkit.Eventually(t, 10*time.Second, "sent", func() bool { return len(b.api.Sent()) == n })
			testkit.Eventually(t, 5*time.Second, "marked sent", func() bool {
				msgs := b.messages(t, sub.ID)
				return msgs[len(msgs)-1].Status == beseda.MessageSent
			})
			return b.api.Sent()
		}
		send("Here you go", b.w.Owner.MustUpload("photo.png", photo), b.w.Owner.MustUpload("terms.pdf", testkit.PDF))
		got := sent(2)
		if got[0].Method != "sendPhoto" || got[0].ChatID != "555" || got[0].Caption != "Here you go" ||
			got[0].File.Name != "photo.png" || got[0].File.ContentType != "image/png" || string(got[0].File.Data) != string(photo) {
			t.Errorf("photo %+v", got[0])
		}
		if got[1].Method != "sendDocument" || got[1].Caption != "" || got[1].File.Name != "terms.pdf" ||
			got[1].File.ContentType != "application/pdf" || string(got[1].File.Data) != string(testkit.PDF) {
			t.Errorf("document %+v", got[1])
		}

		// 600 emoji are 1,200 UTF-16 units: too long for a caption.
		long := strings.Repeat("😀", 600)
		send(long, b.w.Owner.MustUpload("more.pdf", testkit.PDF))
		got = sent(4)
		if got[2].Method != "sendMessage" || got[2].Text != long || got[3].Method != "sendDocument" || got[3].Caption != "" {
			t.Errorf("long text then the file: %+v", got[2:])
		}

		// The document fails after the photo went: the retry sends the
		// document alone.
		b.api.FailNextCall("sendDocument", 502, "Bad Gateway", 0)
		send("Again", b.w.Owner.MustUpload("a.png", photo), b.w.Owner.MustUpload("b.pdf", testkit.PDF))
		testkit.Eventually(t, 10*time.Second, "the failed attempt recorded", func() bool {
			msgs := b.messages(t, sub.ID)
			return msgs[len(msgs)-1].NextAttemptAt != nil
		})
		b.w.Srv.Clock.Advance(5 * time.Second)
		got = sent(6)
		if got[4].Method != "sendPhoto" || got[4].File.Name != "a.png" || got[5].Method != "sendDocument" || got[5].File.Name != "b.pdf" {
			t.Errorf("after the retry: %+v", got[4:])
		}
	})
}

// withLanguage sets the language_code of the sender of a Telegram update, as
// Telegram sends it from the client's app.
func withLanguage(t *testing.T, update []byte, code string) []byte {
	t.Helper()
	var u map[string]any
	if err := json.Unmarshal(update, &u); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"message", "callback_query"} {
		if part, ok := u[key].(map[string]any); ok {
			part["from"].(map[string]any)["language_code"] = code
		}
	}
	out, _ := json.Marshal(u)
	return out
}

// TestR2_TelegramClientGetsTheirLanguage: a client whose Telegram app speaks
// Russian gets the rating form and the thank-you in Russian from an English
// workspace; the language follows the app's (updates carry it).
func TestR2_TelegramClientGetsTheirLanguage(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		b := newBot(t, dbURL, testkit.Options{})
		hook := func(body []byte) {
			if res := b.w.Webhook(b.ch.WebhookURL, body, b.hook); res.Status != 200 {
				t.Fatalf("webhook: %d %s", res.Status, res.Body)
			}
		}
		hook(withLanguage(t, faketelegram.TextUpdate(1, 901, "Ivan", "Не проходит оплата"), "ru"))
		sub := b.subscriber(t)
		if sub.Locale != "ru" {
			t.Errorf("the client's language is %q, want ru", sub.Locale)
		}
		d := b.w.CreateDialog(sub.ID, "Оплата")
		b.w.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d.ID), map[string]any{"status": "completed",
			"send_rating_form": true}, 200, nil)
		testkit.Eventually(t, 10*time.Second, "the rating form", func() bool { return len(b.api.Sent()) == 1 })
		ru := beseda.DefaultStandardMessages(beseda.LocaleRU)
		form := b.api.Sent()[0]
		if form.Text != ru.RatingPrompt || form.Buttons[0][0].Text != "Плохо" {
			t.Fatalf("the form is %q [%s]", form.Text, form.Buttons[0][0].Text)
		}
		hook(withLanguage(t, faketelegram.CallbackUpdate(2, 901, "cb-1", form.Buttons[0][2].CallbackData), "ru"))
		testkit.Eventually(t, 10*time.Second, "the thank-you", func() bool { return len(b.api.Sent()) == 2 })
		if got := b.api.Sent()[1].Text; got != ru.ThankYou {
			t.Errorf("the thank-you is %q", got)
		}

		// The app switched to English: so does the next form.
		hook(withLanguage(t, faketelegram.TextUpdate(3, 901, "Ivan", "One more thing"), "en-US"))
		d = b.w.CreateDialog(sub.ID, "More")
		b.w.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d.ID), map[string]any{"status": "completed",
			"send_rating_form": true}, 200, nil)
		testkit.Eventually(t, 10*time.Second, "the second form", func() bool { return len(b.api.Sent()) == 3 })
		if got := b.api.Sent()[2].Text; got != "How would you rate our support?" {
			t.Errorf("after the app switched to English the form is %q", got)
		}
	})
}
