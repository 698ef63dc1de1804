package httpapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/internal/testkit/fakegraph"
	"github.com/beseda/beseda/internal/testkit/faketelegram"
)

type channelView struct {
	ID         int64             `json:"id"`
	Kind       string            `json:"kind"`
	Name       string            `json:"name"`
	Key        string            `json:"key"`
	Title      string            `json:"title"`
	Enabled    bool              `json:"enabled"`
	WebhookURL string            `json:"webhook_url"`
	WidgetURL  string            `json:"widget_url"`
	Config     map[string]string `json:"config"`
	SecretsSet []string          `json:"secrets_set"`
}

// TestP2_ChannelsAreChangedByOwnersAndAdmins: PATCH /api/v1/channels/{id}
// renames a channel and replaces settings; secrets left out are kept and
// never shown; settings that are not secret are. Managers may not; another
// workspace's channel does not exist (P3); bad settings change nothing.
func TestP2_ChannelsAreChangedByOwnersAndAdmins(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		api := fakegraph.New(t, "page-token-2")
		var ch channelView
		w.Owner.MustDo("POST", "/api/v1/channels", map[string]any{"kind": "messenger", "name": "Page", "config": map[string]string{
			"page_id": "42", "page_access_token": "page-token-1", "app_secret": "app-secret-1", "api_base_url": api.URL}}, 201, &ch)
		verify := ch.Config["verify_token"]
		if ch.Title != "Messenger" || !ch.Enabled || ch.Config["page_id"] != "42" || len(verify) < 32 ||
			strings.Join(ch.SecretsSet, ",") != "page_access_token,app_secret" {
			t.Fatalf("created %+v (the verify token is made when not given, and shown)", ch)
		}
		path := testkit.Path("/api/v1/channels/%d", ch.ID)
		w.Manager.WantError("PATCH", path, map[string]any{"name": "Mine"}, 403, beseda.EFORBIDDEN)
		other := testkit.NewWorld(t, w.Srv, beseda.LocaleEN)
		other.Owner.WantError("PATCH", path, map[string]any{"name": "Theirs"}, 404, beseda.ENOTFOUND)
		w.Owner.WantError("PATCH", "/api/v1/channels/999999", map[string]any{"name": "x"}, 404, beseda.ENOTFOUND)
		w.Owner.WantError("PATCH", path, map[string]any{"name": " "}, 400, beseda.EINVALID)
		w.Owner.WantError("PATCH", path, map[string]any{"config": map[string]string{"bot_token": "x"}}, 400, beseda.EINVALID)
		w.Owner.WantError("PATCH", path, map[string]any{"config": map[string]string{"app_secret": ""}}, 400, beseda.EINVALID)

		res := w.Owner.MustDo("PATCH", path, map[string]any{"name": "Shop page", "config": map[string]string{
			"page_access_token": "page-token-2"}}, 200, &ch)
		if ch.Name != "Shop page" || ch.Config["verify_token"] != verify || ch.Config["page_id"] != "42" {
			t.Errorf("after the change %+v", ch)
		}
		list := w.Owner.MustDo("GET", "/api/v1/channels", nil, 200, nil)
		for _, secret := range []string{"page-token-1", "page-token-2", "app-secret-1"} {
			if strings.Contains(string(res.Body), secret) || strings.Contains(string(list.Body), secret) {
				t.Errorf("a secret is returned: %s", list.Body)
			}
		}

		// The new token is the one used; the app secret kept still checks events.
		p := testkit.NewClient(t, "")
		body := fakegraph.MessageEvent("42", "1234567", "m.1", "hi")
		p.Header.Set("X-Hub-Signature-256", fakegraph.Sign(body, "app-secret-1"))
		if r := p.Do("POST", ch.WebhookURL, body); r.Status != 200 {
			t.Fatalf("webhook with the kept app secret: %d %s", r.Status, r.Body)
		}
		var subs []beseda.Subscriber
		w.Owner.MustDo("GET", "/api/v1/subscribers", nil, 200, &subs)
		w.Owner.MustDo("POST", testkit.Path("/api/v1/subscribers/%d/messages", subs[0].ID), map[string]string{"text": "Hello"}, 201, nil)
		testkit.Eventually(t, 10*time.Second, "sent with the new page token", func() bool { return len(api.Sent()) == 1 })
	})
}

// TestChannelSwitchedOff: a disabled channel's webhooks answer 404 and its
// messages are not sent but fail, with a reason; enabled again, it works
// again. A disabled web chat's widget answers 404 too.
func TestChannelSwitchedOff(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		const token, secret = "123456:TEST-token_abcdefghijklmnop", "hook-secret"
		api := faketelegram.New(t, token)
		var ch channelView
		w.Owner.MustDo("POST", "/api/v1/channels", map[string]any{"kind": "telegram", "name": "Bot", "config": map[string]string{
			"bot_token": token, "webhook_secret": secret, "api_base_url": api.URL}}, 201, &ch)
		hook := map[string]string{"X-Telegram-Bot-Api-Secret-Token": secret}
		if res := w.Webhook(ch.WebhookURL, faketelegram.TextUpdate(1, 321, "Ivan", "hi"), hook); res.Status != 200 {
			t.Fatalf("webhook: %d", res.Status)
		}
		var subs []beseda.Subscriber
		w.Owner.MustDo("GET", "/api/v1/subscribers", nil, 200, &subs)
		chat := testkit.Path("/api/v1/subscribers/%d/messages", subs[0].ID)
		path := testkit.Path("/api/v1/channels/%d", ch.ID)

		w.Owner.MustDo("PATCH", path, map[string]any{"enabled": false}, 200, &ch)
		if ch.Enabled {
			t.Fatal("still enabled")
		}
		if res := w.Webhook(ch.WebhookURL, faketelegram.TextUpdate(2, 321, "Ivan", "anyone?"), hook); res.Status != 404 {
			t.Errorf("a disabled channel's webhook: %d", res.Status)
		}
		var m beseda.Message
		w.Owner.MustDo("POST", chat, map[string]string{"text": "while off"}, 201, &m)
		testkit.Eventually(t, 10*time.Second, "failed: the channel is off", func() bool {
			var msgs []beseda.Message
			w.Owner.MustDo("GET", chat, nil, 200, &msgs)
			last := msgs[len(msgs)-1]
			return last.ID == m.ID && last.Status == beseda.MessageFailed && last.Reason == beseda.ChannelDisabled
		})
		if len(api.Sent()) != 0 {
			t.Errorf("a disabled channel sent %d messages", len(api.Sent()))
		}

		w.Owner.MustDo("PATCH", path, map[string]any{"enabled": true}, 200, &ch)
		if res := w.Webhook(ch.WebhookURL, faketelegram.TextUpdate(3, 321, "Ivan", "back"), hook); res.Status != 200 {
			t.Errorf("enabled again: %d", res.Status)
		}
		w.Owner.MustDo("POST", chat, map[string]string{"text": "on again"}, 201, nil)
		testkit.Eventually(t, 10*time.Second, "sent once on", func() bool { return len(api.Sent()) == 1 })

		var channels []channelView
		w.Owner.MustDo("GET", "/api/v1/channels", nil, 200, &channels)
		web := channels[0]
		if web.Kind != "web" || web.WidgetURL == "" || web.WebhookURL != "" {
			t.Fatalf("web chat %+v", web)
		}
		v := w.NewVisitor("Anna")
		w.Owner.MustDo("PATCH", testkit.Path("/api/v1/channels/%d", web.ID), map[string]any{"enabled": false}, 200, nil)
		testkit.NewClient(t, w.Srv.URL).WantError("POST", "/widget/"+w.WebKey+"/sessions", map[string]string{"name": "Bob"}, 404, beseda.ENOTFOUND)
		v.WantError("GET", "/widget/"+w.WebKey+"/messages", nil, 404, beseda.ENOTFOUND)
		if res := testkit.NewClient(t, w.Srv.URL).Do("GET", "/widget/"+w.WebKey, nil); res.Status != 404 {
			t.Errorf("a disabled web chat's page: %d", res.Status)
		}
	})
}
