package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/channel"
	"github.com/beseda/beseda/internal/server"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/internal/testkit/fakedns"
	"github.com/beseda/beseda/internal/testkit/faketelegram"
	"github.com/beseda/beseda/store"
)

const ssrfBotToken = "123456:SSRF-token_abcdefghijklmnop"

// strictWorld is a world whose server holds every request it makes to the
// address rule (no BESEDA_ALLOW_PRIVATE_WEBHOOKS), resolving names with dns.
func strictWorld(t *testing.T, dbURL string, dns *fakedns.Server) *testkit.World {
	t.Helper()
	srv := testkit.StartServer(t, dbURL, testkit.Options{Configure: func(c *server.Config) {
		c.AllowPrivateWebhooks = false
		c.Resolver = dns.Resolver()
	}})
	return testkit.NewWorld(t, srv, beseda.LocaleEN)
}

// portOf is the port of a test server's URL.
func portOf(url string) string { return url[strings.LastIndex(url, ":")+1:] }

// TestSSRF_ChannelAPIBaseURLRefusesPrivateAddresses: a channel's
// api_base_url obeys the address rule of outgoing webhooks: loopback, the
// cloud metadata service, private ranges — as addresses in any form, or as
// names resolving to them — are refused with 400 when a channel is added or
// changed, for every messenger, before anything is sent (Telegram's
// getMe included); a public address is taken.
func TestSSRF_ChannelAPIBaseURLRefusesPrivateAddresses(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		dns := fakedns.New(t)
		w := strictWorld(t, dbURL, dns)
		api := faketelegram.New(t, ssrfBotToken)
		port := portOf(api.URL)
		dns.Set("loopback.test", "127.0.0.1")
		dns.Set("metadata.test", "169.254.169.254")
		dns.Set("public.test", "93.184.215.14")
		private := []string{
			api.URL, "http://localhost:" + port, "http://[::1]:" + port, "http://169.254.169.254", "http://169.254.169.254/latest/meta-data",
			"http://2130706433:" + port, "http://0177.0.0.1:" + port, "http://0x7f.0.0.1:" + port, "http://0x7f000001:" + port,
			"http://2852039166", "http://10.0.0.1", "http://[fd00::1]", "http://[::ffff:127.0.0.1]:" + port,
			"http://loopback.test:" + port, "http://metadata.test",
		}
		configs := map[string]map[string]string{
			"telegram":  {"bot_token": ssrfBotToken},
			"messenger": {"page_id": "1", "page_access_token": "t", "app_secret": "s"},
		}
		for kind, config := range configs {
			for _, base := range private {
				cfg := map[string]string{"api_base_url": base}
				for k, v := range config {
					cfg[k] = v
				}
				res := w.Owner.Do("POST", "/api/v1/channels", map[string]any{"kind": kind, "name": "Bot", "config": cfg})
				if res.Status != 400 || res.ErrorCode() != beseda.EINVALID || !strings.Contains(res.ErrorMessage(), "config.api_base_url must point to a public address") {
					t.Errorf("%s at %s: %d %s", kind, base, res.Status, res.Body)
				}
			}
		}
		if api.Calls() != 0 {
			t.Errorf("the private API was called %d times", api.Calls())
		}
		var channels []testkit.ChannelInfo
		w.Owner.MustDo("GET", "/api/v1/channels", nil, 200, &channels)
		if len(channels) != 1 {
			t.Fatalf("refused channels were added: %+v", channels)
		}

		// Changing a channel's address is held to the same rule.
		ch := w.AddChannel("messenger", "Page", map[string]string{"page_id": "1", "page_access_token": "t", "app_secret": "s",
			"api_base_url": "https://public.test"})
		for _, base := range []string{"http://169.254.169.254", "http://2130706433", "http://loopback.test:" + port} {
			w.Owner.WantError("PATCH", testkit.Path("/api/v1/channels/%d", ch.ID), map[string]any{"config": map[string]string{"api_base_url": base}},
				400, beseda.EINVALID)
		}
	})
}

// TestSSRF_EveryAPIAddressSettingIsAnAddress: every channel type's
// api_base_url is marked as an address Beseda sends requests to, so that
// the check above covers each messenger the server speaks, and each one
// that calls its platform takes the server's guarded transport.
func TestSSRF_EveryAPIAddressSettingIsAnAddress(t *testing.T) {
	for _, ct := range server.Channels().All() {
		for _, f := range ct.Fields() {
			if f.Name == "api_base_url" && !f.Address {
				t.Errorf("%s: api_base_url is not marked Address", ct.Kind())
			}
		}
		if _, ok := ct.(channel.Networked); !ok && ct.Sender() != nil {
			t.Errorf("%s sends to its platform but takes no transport (channel.Networked)", ct.Kind())
		}
	}
}

// TestSSRF_ChannelRequestsRefusePrivateAddressesWhenDialled: an
// api_base_url whose name resolved to a public address when it was given
// and to loopback later (DNS rebinding) leads nowhere: a send to a client
// fails for good ("telegram unreachable: its address is not public") and a
// client's file is not fetched (a note says so), and the server on loopback
// is never reached.
func TestSSRF_ChannelRequestsRefusePrivateAddressesWhenDialled(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		dns := fakedns.New(t)
		w := strictWorld(t, dbURL, dns)
		api := faketelegram.New(t, ssrfBotToken)
		api.AddFile("doc-1", testkit.PDF)
		dns.Set("bot.test", "93.184.215.14")
		ch := w.AddChannel("telegram", "Bot", map[string]string{"bot_token": ssrfBotToken, "webhook_secret": "hook-secret",
			"api_base_url": "http://bot.test:" + portOf(api.URL)})
		dns.Set("bot.test", "127.0.0.1")
		hook := map[string]string{"X-Telegram-Bot-Api-Secret-Token": "hook-secret"}
		if res := w.Webhook(ch.WebhookURL, faketelegram.TextUpdate(1, 501, "Ivan", "hello"), hook); res.Status != 200 {
			t.Fatalf("webhook: %d %s", res.Status, res.Body)
		}
		var subs []beseda.Subscriber
		w.Owner.MustDo("GET", "/api/v1/subscribers", nil, 200, &subs)
		var sub beseda.Subscriber
		for _, s := range subs {
			if s.ChannelKind == "telegram" {
				sub = s
			}
		}
		chat := testkit.Path("/api/v1/subscribers/%d/messages", sub.ID)
		var m beseda.Message
		w.Owner.MustDo("POST", chat, map[string]string{"text": "Hi Ivan"}, 201, &m)
		testkit.Eventually(t, 20*time.Second, "the send failed", func() bool {
			var msgs []beseda.Message
			w.Owner.MustDo("GET", chat, nil, 200, &msgs)
			for _, got := range msgs {
				if got.ID == m.ID {
					m = got
				}
			}
			return m.Status == beseda.MessageFailed
		})
		if m.Reason != "telegram unreachable: its address is not public" {
			t.Errorf("failure reason %q", m.Reason)
		}

		if res := w.Webhook(ch.WebhookURL, faketelegram.FileUpdate(2, 501, "document", "doc-1", "terms.pdf", "application/pdf", "the terms"), hook); res.Status != 200 {
			t.Fatalf("file webhook: %d %s", res.Status, res.Body)
		}
		var msgs []beseda.Message
		w.Owner.MustDo("GET", chat, nil, 200, &msgs)
		last := msgs[len(msgs)-1]
		if len(last.Attachments) != 0 || !strings.Contains(last.Text, "[file not available: terms.pdf]") {
			t.Errorf("a file from a refused address: %q %+v", last.Text, last.Attachments)
		}
		if api.Calls() != 0 {
			t.Errorf("the API on loopback was reached %d times", api.Calls())
		}
	})
}

// TestSSRF_TelegramConnectSaysWhatWentWrongWithoutEchoingTheTarget: adding
// a bot whose API address answers something that is not the Bot API's, or
// nothing, says that Telegram could not be reached — not that the token is
// bad, and nothing of what the address answered; a token the Bot API
// refuses is called refused.
func TestSSRF_TelegramConnectSaysWhatWentWrongWithoutEchoingTheTarget(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{Configure: func(c *server.Config) { c.PublicURL = "https://beseda.example" }})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		var hits atomic.Int32
		internal := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			rw.Write([]byte("<h1>Internal admin panel</h1> build 4711"))
		}))
		defer internal.Close()
		closed := httptest.NewServer(http.NotFoundHandler())
		closed.Close()
		api := faketelegram.New(t, ssrfBotToken)
		add := func(base, token string) *testkit.Response {
			return w.Owner.Do("POST", "/api/v1/channels", map[string]any{"kind": "telegram", "name": "Bot",
				"config": map[string]string{"bot_token": token, "api_base_url": base}})
		}
		for _, base := range []string{internal.URL, closed.URL} {
			res := add(base, ssrfBotToken)
			body := string(res.Body)
			if res.Status != 400 || !strings.Contains(body, "Telegram could not be reached") ||
				strings.Contains(body, "token") || strings.Contains(body, "admin panel") || strings.Contains(body, "4711") ||
				strings.Contains(body, "200") || strings.Contains(body, "JSON") {
				t.Errorf("%s: %d %s", base, res.Status, body)
			}
		}
		if hits.Load() == 0 {
			t.Errorf("the target was not asked (the test proves nothing)")
		}
		res := add(api.URL, "654321:WRONG-token_abcdefghijklmnop")
		if res.Status != 400 || !strings.Contains(string(res.Body), "Telegram refused the bot token") || strings.Contains(string(res.Body), "WRONG") {
			t.Errorf("a wrong token: %d %s", res.Status, res.Body)
		}
		w.AddChannel("telegram", "Bot", map[string]string{"bot_token": ssrfBotToken, "api_base_url": api.URL})
	})
}

// TestSSRF_WebhookDeliveryErrorsAreGeneric: a delivery to a host that does
// not resolve — a name, or an address written as one decimal number, which
// resolvers take for a name — records words of ours, not the resolver's
// answer (which names the server's own resolver, "lookup … on
// 10.0.0.53:53"); under the address rule the decimal and octal forms of
// loopback are refused when subscribed.
func TestSSRF_WebhookDeliveryErrorsAreGeneric(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		dns := fakedns.New(t)
		w := webhookWorld(t, dbURL, testkit.Options{Configure: func(c *server.Config) { c.Resolver = dns.Resolver() }})
		for _, url := range []string{"http://2130706433/hook", "http://unknown.test:9/hook"} {
			hook := subscribe(t, w.Owner, url, "s")
			w.Owner.MustDo("POST", testkit.Path("/api/v1/webhooks/%d/test", hook.ID), nil, http.StatusAccepted, nil)
			d := waitAttempts(t, w.Owner, hook.ID, 1)
			got := d.AttemptLog[0].Error
			if got != "the host name could not be resolved" || strings.Contains(got, ":53") || strings.Contains(got, "lookup") {
				t.Errorf("%s: recorded %q", url, got)
			}
		}

		// A second server, with the rule on, on a database of its own: one
		// process serves an SQLite database.
		dialect, _, err := store.ParseURL(dbURL)
		if err != nil {
			t.Fatal(err)
		}
		strict := strictWorld(t, testkit.NewDatabase(t, dialect), dns)
		for _, url := range []string{"http://2130706433/hook", "http://0177.0.0.1/hook", "http://0x7f.1/hook", "http://2852039166/"} {
			strict.Owner.WantError("POST", "/api/v1/webhooks", map[string]any{"url": url, "events": []string{"dialog.created"}, "secret": "s"},
				400, beseda.EINVALID)
		}
	})
}
