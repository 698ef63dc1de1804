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
	return newBotIn(t, testkit.NewWorld(t, testkit.StartServer(t, dbURL, opts), beseda.LocaleEN))
}

// newBotIn connects a bot, its API a new fake, to the world's workspace.
func newBotIn(t *testing.T, w *testkit.World) *bot {
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

func (b *bot) subscriber(t *testing.T) beseda.Subscriber { return b.w.SubscriberOf(telegram.Kind) }

func (b *bot) messages(t *testing.T, subscriberID int64) []beseda.Message {
	return b.w.Messages(subscriberID)
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

// TestTelegramStickerIsNotLost: a sticker has no text, but is not lost; the
// message says the file was not available (this Telegram does not know its
// file_id). Texts, names and updates sent again: TestConformance.
func TestTelegramStickerIsNotLost(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		b := newBot(t, dbURL, testkit.Options{})
		res := b.w.Webhook(b.ch.WebhookURL, []byte(`{"update_id":12,"message":{"message_id":5,"date":1,
			"chat":{"id":777,"type":"private"},"sticker":{"file_id":"x"}}}`), b.hook)
		if res.Status != 200 {
			t.Fatalf("sticker: %d", res.Status)
		}
		if msgs := b.messages(t, b.subscriber(t).ID); len(msgs) != 1 || msgs[0].Text != "[file not available: sticker]" {
			t.Errorf("sticker stored as %+v", msgs)
		}
	})
}

// TestR3_TelegramAnswersEveryTap: the rating form is one row of three inline
// buttons, and every tap on it is answered (answerCallbackQuery, which stops
// the client's app spinning) — the one that counts, one sent again, a later
// one, and one the database could not record at once. The rating flow
// itself: TestConformance.
func TestR3_TelegramAnswersEveryTap(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		b := newBot(t, dbURL, testkit.Options{})
		b.say(t, 1, 900, "My payment failed")
		sub := b.subscriber(t)
		for i, tap := range []int{2, 0} {
			d := b.w.CreateDialog(sub.ID, "Payment failed")
			b.w.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d.ID), map[string]any{"status": "completed",
				"send_rating_form": true}, 200, nil)
			testkit.Eventually(t, 10*time.Second, "the rating form", func() bool { return len(b.api.Sent()) == 2*i+1 })
			form := b.api.Sent()[2*i]
			if len(form.Buttons) != 1 || len(form.Buttons[0]) != 3 {
				t.Fatalf("form %+v, want one row of three buttons", form)
			}
			if i == 1 { // the database refuses the rating for now
				testkit.Poison(t, b.w.Srv.DB, "poison_ratings", "UPDATE", "dialogs", "NEW.client_rating IS NOT NULL")
			}
			id := int64(10 * (i + 1))
			b.w.Webhook(b.ch.WebhookURL, faketelegram.CallbackUpdate(id, 900, testkit.Path("cb-%d", id), form.Buttons[0][tap].CallbackData), b.hook)
			b.w.Webhook(b.ch.WebhookURL, faketelegram.CallbackUpdate(id, 900, testkit.Path("cb-%d", id), form.Buttons[0][tap].CallbackData), b.hook)
			b.w.Webhook(b.ch.WebhookURL, faketelegram.CallbackUpdate(id+1, 900, testkit.Path("cb-%d", id+1), form.Buttons[0][1].CallbackData), b.hook)
			if i == 0 {
				testkit.Eventually(t, 10*time.Second, "the thank-you", func() bool { return len(b.api.Sent()) == 2 })
			}
		}
		testkit.Eventually(t, 10*time.Second, "every tap answered", func() bool {
			answered := map[string]bool{}
			for _, id := range b.api.Answered() {
				answered[id] = true
			}
			return answered["cb-10"] && answered["cb-11"] && answered["cb-20"] && answered["cb-21"]
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

// TestTelegramReceivesFiles: of a client's photo Telegram gives sizes, and
// the largest is kept, named photo.png. A getFile that fails for now leaves
// the update recorded, and its retry (H7) fetches the file. Documents, types
// sniffed, files too large or gone: TestConformance.
func TestTelegramReceivesFiles(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		b := newBot(t, dbURL, testkit.Options{})
		photo := testkit.PNG(4, 3)
		b.api.AddFile("ph-1", photo)
		b.api.AddFile("ph-1-small", testkit.PNG(1, 1))
		b.api.AddFile("doc-1", testkit.PDF)
		post := func(update []byte) {
			t.Helper()
			if res := b.w.Webhook(b.ch.WebhookURL, update, b.hook); res.Status != 200 {
				t.Fatalf("webhook: %d %s", res.Status, res.Body)
			}
		}
		post(faketelegram.FileUpdate(1, 777, "photo", "ph-1", "", "", "Look at this"))
		sub := b.subscriber(t)
		msgs := b.messages(t, sub.ID)
		if len(msgs) != 1 || msgs[0].Text != "Look at this" || len(msgs[0].Attachments) != 1 {
			t.Fatalf("photo message %+v", msgs)
		}
		b.w.CheckAttachment(t, msgs[0].Attachments[0], "photo.png", "image/png", photo)

		// Telegram fails the download for now: the update is recorded and
		// its retry fetches the file.
		b.api.FailNextCall("getFile", 502, "Bad Gateway", 0)
		post(faketelegram.FileUpdate(5, 777, "document", "doc-1", "again.pdf", "application/pdf", "Second try"))
		if n := len(b.messages(t, sub.ID)); n != 1 {
			t.Fatalf("%d messages while the file could not be had", n)
		}
		b.w.Srv.Clock.Advance(31 * time.Second)
		testkit.Eventually(t, 20*time.Second, "the retry stores the message", func() bool {
			return len(b.messages(t, sub.ID)) == 2
		})
		last := b.messages(t, sub.ID)[1]
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
// not sent again. The files' names, types and bytes: TestConformance.
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
		if got[0].Method != "sendPhoto" || got[0].Caption != "Here you go" || got[1].Method != "sendDocument" || got[1].Caption != "" {
			t.Errorf("the photo with its caption, then the document: %+v", got)
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
