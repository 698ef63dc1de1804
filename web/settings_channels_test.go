package web_test

import (
	"encoding/base64"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/server"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/internal/testkit/fakegraph"
	"github.com/beseda/beseda/internal/testkit/faketelegram"
	"github.com/beseda/beseda/store"
)

const (
	tgToken    = "123456:TEST-token_abcdefghijklmnop"
	pageToken  = "EAAG-page-token-secret"
	pageSecret = "app-secret-never-shown"
	publicURL  = "https://beseda.example"
	metaPageID = "1122334455"
)

// channelServer is a server whose public URL is HTTPS, as Telegram's
// setWebhook requires.
func channelServer(t *testing.T, dbURL string) *testkit.Server {
	return testkit.StartServer(t, dbURL, testkit.Options{Configure: func(c *server.Config) { c.PublicURL = publicURL }})
}

// flashOf is what a refused form sent back in its cookie (the last one set:
// an earlier one may clear the flash read on the way).
func flashOf(res *testkit.Response) string {
	out := ""
	for _, c := range res.Header.Values("Set-Cookie") {
		if v, ok := strings.CutPrefix(c, "beseda_flash="); ok {
			v, _, _ = strings.Cut(v, ";")
			raw, _ := base64.RawURLEncoding.DecodeString(v)
			out = string(raw)
		}
	}
	return out
}

// TestSettingsChannels: owners connect, rename, switch off and on channels
// in the console; secrets typed there are never shown again nor carried in
// a cookie; managers may not see the page.
func TestSettingsChannels(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := channelServer(t, dbURL)
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		var owner, manager struct{ Email string }
		w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &owner)
		w.Manager.MustDo("GET", "/api/v1/me", nil, 200, &manager)
		c := testkit.ConsoleLogin(t, srv.URL, owner.Email, testkit.TestPassword)
		if res := testkit.ConsoleLogin(t, srv.URL, manager.Email, testkit.TestPassword).Get("/settings/channels"); res.Status != 403 {
			t.Errorf("a manager sees the channels: %d", res.Status)
		}
		page := c.Get("/settings/channels")
		if page.Status != 200 || !strings.Contains(string(page.Body), publicURL+"/widget/"+w.WebKey) {
			t.Fatalf("the web chat is not listed with its page: %d", page.Status)
		}

		// Telegram: only the token; Beseda checks it and sets the webhook.
		api := faketelegram.New(t, tgToken)
		res := c.Post("/settings/channels", url.Values{"kind": {"telegram"}, "name": {"Support bot"},
			"config.bot_token": {tgToken}, "config.api_base_url": {api.URL}})
		if res.Status != 303 {
			t.Fatalf("add telegram: %d %s", res.Status, res.Body)
		}
		hook := api.Webhook()
		if !strings.HasPrefix(hook.URL, publicURL+"/webhooks/telegram/") || hook.SecretToken == "" {
			t.Fatalf("setWebhook %+v", hook)
		}
		page = c.Get("/settings/channels")
		body := string(page.Body)
		if !strings.Contains(body, "Support bot") || !strings.Contains(body, hook.URL) {
			t.Errorf("the bot is not listed with its webhook URL")
		}
		for _, secret := range []string{tgToken, hook.SecretToken} {
			if strings.Contains(body, secret) {
				t.Errorf("the page shows a secret")
			}
		}
		local := strings.Replace(hook.URL, publicURL, srv.URL, 1)
		tgHook := map[string]string{"X-Telegram-Bot-Api-Secret-Token": hook.SecretToken}
		if res := w.Webhook(local, faketelegram.TextUpdate(1, 10, "Ivan", "hi"), tgHook); res.Status != 200 {
			t.Errorf("the connected bot's webhook: %d", res.Status)
		}

		// Renaming the bot (the form sends its settings back) leaves its
		// webhook as it is; a new token sets it up again.
		var tg []struct{ ID int64 }
		w.Owner.MustDo("GET", "/api/v1/channels", nil, 200, &tg)
		tgPath := testkit.Path("/settings/channels/%d", tg[1].ID)
		if res := c.Post(tgPath, url.Values{"action": {"save"}, "name": {"Help bot"}, "config.api_base_url": {api.URL}}); res.Status != 303 {
			t.Fatalf("rename the bot: %d %s", res.Status, res.Body)
		}
		if api.Webhook() != hook {
			t.Errorf("renaming set the webhook again: %+v", api.Webhook())
		}
		const otherToken = "654321:OTHER-token_abcdefghijklmnop"
		other := faketelegram.New(t, otherToken)
		if res := c.Post(tgPath, url.Values{"action": {"save"}, "name": {"Help bot"}, "config.bot_token": {otherToken},
			"config.api_base_url": {other.URL}}); res.Status != 303 {
			t.Fatalf("a new token: %d", res.Status)
		}
		if again := other.Webhook(); again.SecretToken == "" || again.SecretToken == hook.SecretToken || again.URL != hook.URL {
			t.Errorf("a new token did not set the webhook up again with a new secret: %+v", again)
		}
		hook = other.Webhook()
		tgHook["X-Telegram-Bot-Api-Secret-Token"] = hook.SecretToken

		// Messenger refused for a missing secret: the form comes back filled
		// in, without the secret typed.
		res = c.Post("/settings/channels", url.Values{"kind": {"messenger"}, "name": {"Page"}, "config.page_id": {metaPageID},
			"config.page_access_token": {pageToken}})
		if res.Status != 303 || !strings.Contains(res.Header.Get("Location"), "#add-messenger") {
			t.Fatalf("refused messenger: %d %s", res.Status, res.Header.Get("Location"))
		}
		if f := flashOf(res); !strings.Contains(f, "App secret") || !strings.Contains(f, metaPageID) || strings.Contains(f, pageToken) {
			t.Errorf("the refusal's cookie: %s", f)
		}
		page = c.Get("/settings/channels")
		if !strings.Contains(string(page.Body), "App secret is required.") || strings.Contains(string(page.Body), pageToken) {
			t.Errorf("the refused form does not say why, or shows the secret")
		}

		// Messenger connected: the page shows the callback URL and the verify
		// token Beseda made, to paste into Meta's dashboard.
		res = c.Post("/settings/channels", url.Values{"kind": {"messenger"}, "name": {"Page"}, "config.page_id": {metaPageID},
			"config.page_access_token": {pageToken}, "config.app_secret": {pageSecret}})
		if res.Status != 303 {
			t.Fatalf("add messenger: %d", res.Status)
		}
		var channels []struct {
			ID         int64
			Kind       string
			WebhookURL string `json:"webhook_url"`
			Enabled    bool
			Config     map[string]string
		}
		w.Owner.MustDo("GET", "/api/v1/channels", nil, 200, &channels)
		msg := channels[2]
		body = string(c.Get("/settings/channels").Body)
		verify := msg.Config["verify_token"]
		if msg.Kind != "messenger" || verify == "" || !strings.Contains(body, msg.WebhookURL) || !strings.Contains(body, verify) {
			t.Fatalf("the page does not show what to paste into Meta: %+v", msg)
		}
		if strings.Contains(body, pageToken) || strings.Contains(body, pageSecret) {
			t.Error("the page shows a Messenger secret")
		}
		q := url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {verify}, "hub.challenge": {"42"}}
		meta := strings.Replace(msg.WebhookURL, publicURL, srv.URL, 1)
		if res := testkit.NewClient(t, "").Do("GET", meta+"?"+q.Encode(), nil); res.Status != 200 || string(res.Body) != "42" {
			t.Errorf("Meta's check with the verify token shown: %d %s", res.Status, res.Body)
		}

		// Rename and a new secret; the others are kept.
		path := testkit.Path("/settings/channels/%d", msg.ID)
		if res := c.Post(path, url.Values{"action": {"save"}, "name": {"Shop page"}, "config.page_id": {metaPageID},
			"config.verify_token": {verify}, "config.app_secret": {"new-app-secret"}}); res.Status != 303 {
			t.Fatalf("save: %d %s", res.Status, res.Body)
		}
		event := fakegraph.MessageEvent(metaPageID, "555", "m.1", "hello")
		for secret, want := range map[string]int{pageSecret: 403, "new-app-secret": 200} {
			if res := w.Webhook(meta, event, map[string]string{"X-Hub-Signature-256": fakegraph.Sign(event, secret)}); res.Status != want {
				t.Errorf("signed with %s: %d, want %d", secret, res.Status, want)
			}
		}
		if !strings.Contains(string(c.Get("/settings/channels").Body), "Shop page") {
			t.Error("not renamed")
		}

		// Off: webhooks 404, the page says so; on again.
		if res := c.Post(path, url.Values{"action": {"disable"}}); res.Status != 303 {
			t.Fatalf("disable: %d", res.Status)
		}
		if res := w.Webhook(meta, event, map[string]string{"X-Hub-Signature-256": fakegraph.Sign(event, "new-app-secret")}); res.Status != 404 {
			t.Errorf("a switched-off channel's webhook: %d", res.Status)
		}
		if !strings.Contains(string(c.Get("/settings/channels").Body), "Switched off: its webhook answers 404") {
			t.Error("the page does not say the channel is off")
		}
		// A message to its client fails, and the chat says why.
		var subs []beseda.Subscriber
		w.Owner.MustDo("GET", "/api/v1/subscribers?q=Messenger", nil, 200, &subs)
		w.Owner.MustDo("POST", testkit.Path("/api/v1/subscribers/%d/messages", subs[0].ID), map[string]string{"text": "Are you there?"}, 201, nil)
		testkit.Eventually(t, 10*time.Second, "the chat says why", func() bool {
			return strings.Contains(string(c.Get(testkit.Path("/chats/%d", subs[0].ID)).Body), "not sent: the channel is switched off")
		})
		c.Post(path, url.Values{"action": {"enable"}})
		w.Owner.MustDo("GET", "/api/v1/channels", nil, 200, &channels)
		if !channels[2].Enabled {
			t.Error("not switched on again")
		}
	})
}

// TestSettingsChannelsInABrowser connects a Telegram bot through the page in
// Chromium, at 1280 and 390 px, in English and Russian: the form, the
// notice, the channel with its webhook URL, nothing wider than the screen.
func TestSettingsChannelsInABrowser(t *testing.T) {
	t.Parallel()
	srv := channelServer(t, testkit.NewMigratedDatabase(t, store.SQLite))
	en := testkit.NewWorld(t, srv, beseda.LocaleEN)
	ru := testkit.NewWorld(t, srv, beseda.LocaleRU)
	api := faketelegram.New(t, tgToken)
	ctx := testkit.Browser(t)
	var owner struct{ Email string }
	en.Owner.MustDo("GET", "/api/v1/me", nil, 200, &owner)
	signIn(t, ctx, srv.URL, owner.Email, testkit.TestPassword)
	do(t, ctx, "connect a bot through the form",
		chromedp.EmulateViewport(390, 860),
		chromedp.Navigate(srv.URL+"/settings/channels"),
		chromedp.WaitVisible(chromedp.ID("add-telegram")),
		chromedp.SendKeys(chromedp.ID("add-telegram-bot_token"), tgToken),
		chromedp.Click(`#add-telegram details.more summary`),
		chromedp.WaitVisible(chromedp.ID("add-telegram-api_base_url")),
		chromedp.SendKeys(chromedp.ID("add-telegram-api_base_url"), api.URL),
		chromedp.Click(`#add-telegram button[type=submit]`),
		chromedp.WaitVisible(`//div[contains(@class,"notice") and contains(., "is connected")]`),
		chromedp.WaitVisible(`//li[contains(@class,"channel-card") and contains(., "Telegram")]`),
	)
	if hook := api.Webhook(); !strings.HasPrefix(hook.URL, publicURL+"/webhooks/telegram/") {
		t.Fatalf("setWebhook %+v", hook)
	}
	urls := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("input.copy")).map(function(e){return e.value})`)
	if len(urls) != 2 || !regexp.MustCompile(`/webhooks/telegram/[0-9a-f]+$`).MatchString(urls[1]) {
		t.Errorf("URLs shown %q", urls)
	}
	if html := eval[string](t, ctx, `document.documentElement.outerHTML`); strings.Contains(html, tgToken) || strings.Contains(html, api.Webhook().SecretToken) {
		t.Error("the page holds a secret")
	}
	for _, width := range []int64{390, 1280} {
		do(t, ctx, "open the channel's settings",
			chromedp.EmulateViewport(width, 860),
			chromedp.Navigate(srv.URL+"/settings/channels"),
			chromedp.WaitVisible(`li.channel-card:last-child`),
			chromedp.Click(`li.channel-card:last-child details.channel-edit summary`),
			chromedp.WaitVisible(`li.channel-card:last-child .badge.set`),
		)
		if o := testkit.Run(t, ctx, "measure", testkit.MeasureOverflow()); o.ScrollWidth > o.Viewport {
			t.Errorf("%d px: the page scrolls sideways: %+v", width, o)
		}
	}

	// In Russian, at 390 px.
	ctxRU := testkit.Browser(t)
	var ruOwner struct{ Email string }
	ru.Owner.MustDo("GET", "/api/v1/me", nil, 200, &ruOwner)
	signIn(t, ctxRU, srv.URL, ruOwner.Email, testkit.TestPassword)
	do(t, ctxRU, "the page in Russian",
		chromedp.EmulateViewport(390, 860),
		chromedp.Navigate(srv.URL+"/settings/channels"),
		chromedp.WaitVisible(`//h2[contains(., "Подключить канал")]`),
		chromedp.WaitVisible(`//label[contains(., "Страница чата для клиентов")]`),
	)
	if o := testkit.Run(t, ctxRU, "measure", testkit.MeasureOverflow()); o.ScrollWidth > o.Viewport {
		t.Errorf("Russian, 390 px: the page scrolls sideways: %+v", o)
	}
}
