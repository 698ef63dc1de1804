package web_test

import (
	"net/url"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// TestH1_ConsoleRefusesNUL posts console forms holding a NUL byte or invalid
// UTF-8: 400 with the form's error, and nothing stored, on both databases.
func TestH1_ConsoleRefusesNUL(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		var me beseda.User
		w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &me)
		c := testkit.ConsoleLogin(t, srv.URL, me.Email, testkit.TestPassword)
		v := w.NewVisitor("Anna")
		for _, tc := range []struct {
			path string
			form url.Values
		}{
			{testkit.Path("/chats/%d/messages", v.SubscriberID), url.Values{"text": {"a\x00b"}}},
			{testkit.Path("/chats/%d/messages", v.SubscriberID), url.Values{"text": {"bad \xff"}}},
			{testkit.Path("/chats/%d/dialogs", v.SubscriberID), url.Values{"title": {"Case\x00"}, "type_id": {"1"}}},
			{"/settings/dialogs/types", url.Values{"name": {"\x00"}}},
			{"/account", url.Values{"name": {"Olga\x00"}, "locale": {"en"}}},
			{"/settings/standard-messages", url.Values{"thank_you": {"ok"}, "x\x00": {"y"}}},
		} {
			if res := c.Post(tc.path, tc.form); res.Status != 400 {
				t.Errorf("POST %s %v: %d", tc.path, tc.form, res.Status)
			}
		}
		if msgs := v.Messages(); len(msgs) != 0 {
			t.Errorf("refused text reached the client: %+v", msgs)
		}
		var dialogs []beseda.Dialog
		w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs?subscriber_id=%d", v.SubscriberID), nil, 200, &dialogs)
		var after beseda.User
		w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &after)
		if len(dialogs) != 0 || after.Name != me.Name {
			t.Errorf("refused forms changed data: %+v, %q", dialogs, after.Name)
		}
	})
}
