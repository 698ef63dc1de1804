package httpapi_test

import (
	"encoding/csv"
	"strings"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

type auditPage struct {
	Items      []beseda.AuditEntry `json:"items"`
	NextCursor string              `json:"next_cursor"`
}

// auditOf returns the workspace's entries of one action, newest first.
func auditOf(t *testing.T, c *testkit.Client, action beseda.AuditAction) []beseda.AuditEntry {
	t.Helper()
	var page auditPage
	c.MustDo("GET", "/api/v1/audit?action="+string(action), nil, 200, &page)
	return page.Items
}

// TestAudit_RecordsChangesWithoutSecrets: sign-ins and their failures,
// users and permissions, password changes, settings, channels, webhooks and
// standard messages each leave an entry saying who, from which address, via
// what, and what changed before and after; a secret is never shown, not even
// in the CSV; only owners, admins and holders of audit.read read the log,
// and no route changes or removes an entry.
func TestAudit_RecordsChangesWithoutSecrets(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		const secret = "s3cr3t-webhook-signing-key"
		const botToken = "123456:very-secret-bot-token"

		// Sign-ins and a failure (the world signed the owner and the manager in).
		var owner beseda.User
		w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &owner)
		testkit.NewClient(t, w.Srv.URL).WantError("POST", "/api/v1/auth/login",
			map[string]string{"email": owner.Email, "password": "wrong password"}, 401, beseda.EUNAUTHORIZED)
		failed := auditOf(t, w.Owner, beseda.AuditSignInFailed)
		if len(failed) != 1 || failed[0].Actor != nil || *failed[0].TargetID != w.OwnerID || failed[0].Address != "127.0.0.1" {
			t.Fatalf("failed sign-ins %+v", failed)
		}
		if in := auditOf(t, w.Owner, beseda.AuditSignIn); len(in) != 2 || in[1].Actor == nil || in[1].Actor.ID != w.OwnerID || in[1].Via != "api" {
			t.Fatalf("sign-ins %+v", in)
		}

		// A permission granted, and a password changed.
		w.Owner.MustDo("PATCH", testkit.Path("/api/v1/users/%d", w.ManagerID),
			map[string]any{"permissions": []string{"reports.view"}, "password": "another password 1"}, 200, nil)
		changed := auditOf(t, w.Owner, beseda.AuditUserChanged)
		if len(changed) != 1 || changed[0].Actor.ID != w.OwnerID || changed[0].Address != "127.0.0.1" || changed[0].Via != "api" {
			t.Fatalf("user changes %+v", changed)
		}
		perms := changed[0].Changes["permissions"].(map[string]any)
		if len(perms["before"].([]any)) != 0 || perms["after"].([]any)[0] != "reports.view" {
			t.Errorf("permissions changed %+v", perms)
		}
		pw := auditOf(t, w.Owner, beseda.AuditPasswordChanged)
		if len(pw) != 1 || pw[0].Changes["password"].(map[string]any)["after"] != beseda.Redacted {
			t.Fatalf("password changes %+v", pw)
		}

		// A webhook with its secret, a channel with its token, settings.
		var hook struct{ ID int64 }
		w.Owner.MustDo("POST", "/api/v1/webhooks", map[string]any{"url": "http://127.0.0.1:9/hook",
			"events": []string{"dialog.created"}, "secret": secret}, 201, &hook)
		w.Owner.MustDo("DELETE", testkit.Path("/api/v1/webhooks/%d", hook.ID), nil, 204, nil)
		w.AddChannel("messenger", "Page", map[string]string{"page_id": "42", "page_access_token": botToken,
			"app_secret": secret, "verify_token": "verify-me"})
		w.Owner.MustDo("POST", "/api/v1/settings/dialog-reasons", map[string]string{"name": "Billing"}, 201, nil)
		w.Owner.MustDo("PUT", "/api/v1/settings/standard-messages", map[string]any{"thank_you": "Thanks a lot!"}, 200, nil)

		for _, action := range []beseda.AuditAction{beseda.AuditWebhookCreated, beseda.AuditWebhookDeleted,
			beseda.AuditChannelCreated, beseda.AuditSettingsChanged, beseda.AuditStandardMessages} {
			if got := auditOf(t, w.Owner, action); len(got) != 1 || got[0].Actor == nil || got[0].Actor.ID != w.OwnerID {
				t.Errorf("%s: %+v", action, got)
			}
		}
		created := auditOf(t, w.Owner, beseda.AuditWebhookCreated)[0]
		if created.Changes["secret"].(map[string]any)["after"] != beseda.Redacted || created.Changes["url"].(map[string]any)["after"] != "http://127.0.0.1:9/hook" {
			t.Errorf("webhook entry %+v", created.Changes)
		}
		channel := auditOf(t, w.Owner, beseda.AuditChannelCreated)[0]
		if channel.Changes["config.page_access_token"].(map[string]any)["after"] != beseda.Redacted ||
			channel.Changes["config.page_id"].(map[string]any)["after"] != "42" {
			t.Errorf("channel entry %+v", channel.Changes)
		}

		// Nothing anywhere in the log, JSON or CSV, shows a secret.
		all := w.Owner.Do("GET", "/api/v1/audit?limit=100", nil)
		csvFile := w.Owner.Do("GET", "/api/v1/audit?format=csv", nil)
		for _, body := range []string{string(all.Body), string(csvFile.Body)} {
			for _, s := range []string{secret, botToken, "verify-me", "another password 1", testkit.TestPassword} {
				if strings.Contains(body, s) {
					t.Errorf("the audit log shows the secret %q", s)
				}
			}
		}
		rows, err := csv.NewReader(strings.NewReader(string(csvFile.Body))).ReadAll()
		if err != nil || len(rows) < 10 || rows[0][0] != "id" || csvFile.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Fatalf("csv: %v, %d rows", err, len(rows))
		}

		// Paging by cursor gives every entry once.
		var page auditPage
		seen := map[int64]bool{}
		for cursor := ""; ; cursor = page.NextCursor {
			w.Owner.MustDo("GET", "/api/v1/audit?limit=3&cursor="+cursor, nil, 200, &page)
			for _, e := range page.Items {
				if seen[e.ID] {
					t.Fatalf("entry %d twice", e.ID)
				}
				seen[e.ID] = true
			}
			if page.NextCursor == "" {
				break
			}
		}
		if len(seen) != len(rows)-1 {
			t.Errorf("pages hold %d entries, the CSV %d", len(seen), len(rows)-1)
		}
		var mine auditPage
		w.Owner.MustDo("GET", testkit.Path("/api/v1/audit?actor_id=%d&from=2000-01-01", w.ManagerID), nil, 200, &mine)
		for _, e := range mine.Items {
			if e.Actor == nil || e.Actor.ID != w.ManagerID {
				t.Errorf("actor filter let through %+v", e)
			}
		}

		// Who may read it; nothing changes it; other workspaces see none of it.
		w.NewManager().WantError("GET", "/api/v1/audit", nil, 403, beseda.EFORBIDDEN) // the other one's password changed
		w.Owner.WantError("GET", "/api/v1/audit?action=NOPE", nil, 400, beseda.EINVALID)
		w.Owner.WantError("GET", "/api/v1/audit?from=yesterday", nil, 400, beseda.EINVALID)
		for _, m := range []string{"DELETE", "PATCH", "PUT", "POST"} {
			if res := w.Owner.Do(m, "/api/v1/audit", map[string]any{}); res.Status/100 == 2 {
				t.Errorf("%s /api/v1/audit answered %d", m, res.Status)
			}
		}
		other := testkit.NewWorld(t, w.Srv, beseda.LocaleEN)
		var theirs auditPage
		other.Owner.MustDo("GET", "/api/v1/audit", nil, 200, &theirs)
		for _, e := range theirs.Items {
			if seen[e.ID] {
				t.Fatalf("another workspace sees entry %d", e.ID)
			}
		}
	})
}

// TestAudit_AppendOnlyInTheSchema: the database itself refuses to change an
// entry, on both databases.
func TestAudit_AppendOnlyInTheSchema(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		db := w.Srv.App.DB()
		err := db.Update(t.Context(), func(tx *store.Tx) error {
			_, err := tx.SQL().ExecContext(t.Context(), "UPDATE audit_log SET action = 'x.y'")
			return err
		})
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Fatalf("an UPDATE of the audit log: %v", err)
		}
	})
}
