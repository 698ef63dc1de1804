package channel_test

import (
	"strings"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/internal/testkit/faketelegram"
)

const (
	botToken = "123456:TEST-token_abcdefghijklmnop"
	tgSecret = "hook-secret_42"
)

// Every platform's webhook processes a request event by event (H7): the
// conformance suite proves it of each (TestConformance in each channel's
// package).

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
