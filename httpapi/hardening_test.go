package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// TestH1_APIRefusesNUL sends a NUL byte in strings at every depth of a JSON
// body, in a query and in a path: each is 400 invalid_input on both
// databases, and nothing is stored.
func TestH1_APIRefusesNUL(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v := w.NewVisitor("Anna")
		chat := testkit.Path("/api/v1/subscribers/%d/messages", v.SubscriberID)
		for _, tc := range []struct {
			method, path string
			body         any
		}{
			{"POST", chat, `{"text":"a\u0000b"}`},
			{"POST", "/api/v1/dialogs", map[string]any{"subscriber_id": v.SubscriberID, "title": "Case\x00", "type_id": w.Types[0].ID}},
			{"POST", "/api/v1/smart-answers", map[string]any{"keywords": []string{"ok", "pri\x00ce"}, "answer": "10"}},
			{"POST", "/api/v1/channels", map[string]any{"kind": "telegram", "name": "Bot",
				"config": map[string]string{"bot_token": "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ", "webhook_secret": "s\x00"}}},
			{"POST", "/api/v1/channels", `{"kind":"web","name":"Site","config":{"a\u0000":"b"}}`},
			{"PATCH", "/api/v1/me", map[string]any{"name": "\x00"}},
			{"PUT", "/api/v1/settings/standard-messages", map[string]any{"thank_you": "Thanks\x00"}},
			{"POST", "/api/v1/settings/dialog-types", map[string]any{"name": "\x00"}},
			{"GET", "/api/v1/subscribers?q=%00", nil},
			{"GET", "/api/v1/subscribers?q=%FF", nil},
			{"GET", "/api/v1/dialogs/%00", nil},
			{"POST", "/api/v1/auth/login", map[string]any{"email": "a\x00@example.com", "password": "x"}},
		} {
			res := w.Owner.Do(tc.method, tc.path, tc.body)
			if res.Status != http.StatusBadRequest || res.ErrorCode() != beseda.EINVALID {
				t.Errorf("%s %s %v: %d %s", tc.method, tc.path, tc.body, res.Status, res.Body)
			}
		}
		// The six characters \u0000 are text like any other.
		var m beseda.Message
		w.Owner.MustDo("POST", chat, `{"text":"a\\u0000b"}`, 201, &m)
		if m.Text != `a\u0000b` {
			t.Errorf("stored %q", m.Text)
		}
		var msgs []beseda.Message
		w.Owner.MustDo("GET", chat, nil, 200, &msgs)
		if len(msgs) != 1 {
			t.Errorf("refused input was stored: %+v", msgs)
		}
		var types []beseda.CatalogItem
		w.Owner.MustDo("GET", "/api/v1/settings/dialog-types", nil, 200, &types)
		if len(types) != 2 {
			t.Errorf("types %+v", types)
		}
	})
}
