package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/server"
	"github.com/beseda/beseda/internal/testkit"
)

// TestConsoleRemovalsAskFirst: removing a type, reason or component, a saved
// reply or a webhook asks first, on the page itself and without
// JavaScript; nothing goes until the removal is confirmed, and Cancel leads
// back.
func TestConsoleRemovalsAskFirst(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{Configure: func(c *server.Config) { c.AllowPrivateWebhooks = true }})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		var reason beseda.CatalogItem
		w.Owner.MustDo("POST", "/api/v1/settings/dialog-reasons", map[string]string{"name": "Billing"}, 201, &reason)
		var reply beseda.SavedReply
		w.Owner.MustDo("POST", "/api/v1/saved-replies", map[string]string{"name": "hello", "text": "Hello!"}, 201, &reply)
		var hook beseda.Webhook
		w.Owner.MustDo("POST", "/api/v1/webhooks", map[string]any{"url": "http://127.0.0.1:9/hook", "events": []string{"dialog.created"},
			"secret": "s3cret"}, 201, &hook)
		c := consoleOf(t, w, w.Owner)
		for _, x := range []struct {
			post, name string
			exists     func() bool
		}{
			{testkit.Path("/settings/dialogs/reasons/%d", reason.ID), "Billing", func() bool {
				var items []beseda.CatalogItem
				w.Owner.MustDo("GET", "/api/v1/settings/dialog-reasons", nil, http.StatusOK, &items)
				return len(items) == 1 && items[0].RemovedAt == nil
			}},
			{testkit.Path("/settings/saved-replies/%d", reply.ID), "/hello", func() bool {
				var list []beseda.SavedReply
				w.Owner.MustDo("GET", "/api/v1/saved-replies", nil, http.StatusOK, &list)
				return len(list) == 1
			}},
			{testkit.Path("/settings/integrations/%d", hook.ID), "http://127.0.0.1:9/hook", func() bool {
				return w.Owner.Do("GET", testkit.Path("/api/v1/webhooks/%d", hook.ID), nil).Status == http.StatusOK
			}},
		} {
			res := c.Post(x.post, url.Values{"action": {"remove"}})
			where := res.Header.Get("Location")
			if res.Status != http.StatusSeeOther || !strings.Contains(where, "?remove=") {
				t.Fatalf("%s: the remove button answered %d to %q", x.post, res.Status, where)
			}
			if !x.exists() {
				t.Fatalf("%s: removed before it was confirmed", x.post)
			}
			page := string(c.Get(where).Body)
			if !strings.Contains(page, `id="confirm-remove"`) || !strings.Contains(page, "Remove “"+x.name+"”?") ||
				!strings.Contains(page, `action="`+x.post+`"`) || !strings.Contains(page, `id="confirm-remove-cancel"`) {
				t.Fatalf("%s: the page does not ask to confirm removing %q", x.post, x.name)
			}
			if res := c.Post(x.post, url.Values{"action": {"remove"}, "confirmed": {"1"}}); res.Status != http.StatusSeeOther {
				t.Fatalf("%s: confirming answered %d", x.post, res.Status)
			}
			if x.exists() {
				t.Errorf("%s: still there after the confirmation", x.post)
			}
		}
	})
}
