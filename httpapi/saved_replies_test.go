package httpapi_test

import (
	"strings"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// TestSavedReplies: owners and admins manage saved replies, managers use
// them (and manage them once granted saved_replies.edit); names are short
// handles unique per workspace; texts fit every channel; another workspace's
// reply is not found (P3); refused input changes nothing.
func TestSavedReplies(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		var sr beseda.SavedReply
		w.Owner.MustDo("POST", "/api/v1/saved-replies", map[string]string{"name": " /Refund ", "text": " We have refunded your payment. "}, 201, &sr)
		if sr.Name != "refund" || sr.Text != "We have refunded your payment." || sr.ID == 0 {
			t.Errorf("created %+v", sr)
		}
		path := testkit.Path("/api/v1/saved-replies/%d", sr.ID)

		// Every manager lists them; changing them needs the permission.
		var list []beseda.SavedReply
		w.Manager.MustDo("GET", "/api/v1/saved-replies", nil, 200, &list)
		if len(list) != 1 || list[0].Name != "refund" {
			t.Errorf("the manager lists %+v", list)
		}
		w.Manager.WantError("POST", "/api/v1/saved-replies", map[string]string{"name": "hi", "text": "Hi"}, 403, beseda.EFORBIDDEN)
		w.Manager.WantError("PATCH", path, map[string]string{"text": "Changed"}, 403, beseda.EFORBIDDEN)
		w.Manager.WantError("DELETE", path, nil, 403, beseda.EFORBIDDEN)
		w.Owner.MustDo("PATCH", testkit.Path("/api/v1/users/%d", w.ManagerID), map[string]any{"permissions": []string{"saved_replies.edit"}}, 200, nil)
		var hi beseda.SavedReply
		w.Manager.MustDo("POST", "/api/v1/saved-replies", map[string]string{"name": "hi", "text": "Hello! How can I help?"}, 201, &hi)

		// Validation: names and texts; nothing stored changes on refusal.
		for _, c := range []struct {
			body map[string]any
			code string
		}{
			{map[string]any{"name": "", "text": "x"}, beseda.EINVALID},
			{map[string]any{"name": "two words", "text": "x"}, beseda.EINVALID},
			{map[string]any{"name": strings.Repeat("n", 33), "text": "x"}, beseda.EINVALID},
			{map[string]any{"name": "ok", "text": "  "}, beseda.EINVALID},
			{map[string]any{"name": "ok", "text": strings.Repeat("я", 2001)}, beseda.EINVALID},
			{map[string]any{"name": "ok", "text": "a\x00b"}, beseda.EINVALID},
			{map[string]any{"name": "ok", "text": 5}, beseda.EINVALID},
			{map[string]any{"name": "ok", "text": "x", "extra": 1}, beseda.EINVALID},
			{map[string]any{"name": "REFUND", "text": "x"}, beseda.ENAMETAKEN},
		} {
			status := 400
			if c.code == beseda.ENAMETAKEN {
				status = 409
			}
			w.Owner.WantError("POST", "/api/v1/saved-replies", c.body, status, c.code)
		}
		w.Owner.WantError("PATCH", path, map[string]string{"name": "hi"}, 409, beseda.ENAMETAKEN)
		w.Owner.WantError("PATCH", path, map[string]string{"text": ""}, 400, beseda.EINVALID)
		w.Owner.MustDo("GET", "/api/v1/saved-replies", nil, 200, &list)
		if len(list) != 2 || list[0].Name != "hi" || list[1].Name != "refund" || list[1].Text != "We have refunded your payment." {
			t.Errorf("after refusals: %+v", list)
		}
		{
			n := strings.Repeat("я", 2000)
			var long beseda.SavedReply
			w.Owner.MustDo("PATCH", path, map[string]string{"text": n}, 200, &long)
			if long.Name != "refund" || long.Text != n {
				t.Errorf("a text of 2000 characters: %d", len([]rune(long.Text)))
			}
		}
		var renamed beseda.SavedReply
		w.Owner.MustDo("PATCH", path, map[string]string{"name": "money-back"}, 200, &renamed)
		if renamed.Name != "money-back" {
			t.Errorf("renamed %+v", renamed)
		}

		// P3: another workspace sees none of them and changes none.
		other := testkit.NewWorld(t, w.Srv, beseda.LocaleEN)
		other.Owner.MustDo("GET", "/api/v1/saved-replies", nil, 200, &list)
		if len(list) != 0 {
			t.Errorf("another workspace lists %+v", list)
		}
		other.Owner.WantError("PATCH", path, map[string]string{"text": "Hijacked"}, 404, beseda.ENOTFOUND)
		other.Owner.WantError("DELETE", path, nil, 404, beseda.ENOTFOUND)
		other.Owner.MustDo("POST", "/api/v1/saved-replies", map[string]string{"name": "refund", "text": "Theirs"}, 201, nil)
		w.Owner.WantError("DELETE", "/api/v1/saved-replies/abc", nil, 404, beseda.ENOTFOUND)

		w.Manager.MustDo("DELETE", path, nil, 204, nil)
		w.Manager.WantError("DELETE", path, nil, 404, beseda.ENOTFOUND)
		w.Owner.MustDo("GET", "/api/v1/saved-replies", nil, 200, &list)
		if len(list) != 1 || list[0].Name != "hi" {
			t.Errorf("after the removal: %+v", list)
		}
		anon := testkit.NewClient(t, w.Srv.URL)
		anon.WantError("GET", "/api/v1/saved-replies", nil, 401, beseda.EUNAUTHORIZED)
	})
}
