package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// TestAudit_TokensTwoFactorAndSingleSignOn: creating and revoking an API
// token, turning two-factor sign-in on and off, requiring it, and changing
// the single sign-on settings each leave an entry of who did it; the
// provider's client secret shows only that it changed, on both databases.
func TestAudit_TokensTwoFactorAndSingleSignOn(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		idp, err := mockoidc.Run()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = idp.Shutdown() })
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		by := func(action beseda.AuditAction, who int64) beseda.AuditEntry {
			t.Helper()
			got := auditOf(t, w.Owner, action)
			if len(got) != 1 || got[0].Actor == nil || got[0].Actor.ID != who {
				t.Fatalf("%s: %+v", action, got)
			}
			return got[0]
		}

		var token struct{ ID int64 }
		w.Manager.MustDo("POST", "/api/v1/tokens", map[string]any{"name": "CRM", "scopes": []string{"read"}}, 201, &token)
		w.Manager.MustDo("DELETE", testkit.Path("/api/v1/tokens/%d", token.ID), nil, 204, nil)
		if e := by(beseda.AuditTokenCreated, w.ManagerID); *e.TargetID != token.ID || e.Changes["name"].(map[string]any)["after"] != "CRM" {
			t.Errorf("token created: %+v", e)
		}
		if e := by(beseda.AuditTokenRevoked, w.ManagerID); *e.TargetID != token.ID {
			t.Errorf("token revoked: %+v", e)
		}

		secret := enrolTOTP(t, srv, w.Manager)
		srv.Clock.Advance(time.Minute) // the next code: each works once
		w.Manager.MustDo("DELETE", "/api/v1/me/totp", map[string]any{"code": code(t, secret, srv.Clock.Now())}, 204, nil)
		by(beseda.AuditTwoFactorOn, w.ManagerID)
		by(beseda.AuditTwoFactorOff, w.ManagerID)

		cfg := idp.Config()
		w.Owner.MustDo("PUT", "/api/v1/settings/oidc", map[string]any{"issuer": cfg.Issuer, "client_id": cfg.ClientID,
			"client_secret": cfg.ClientSecret, "allowed_domains": []string{"corp.test"}, "create_users": false, "role": "manager",
			"password_login": true}, 200, nil)
		w.Owner.MustDo("PUT", "/api/v1/settings/two-factor", map[string]any{"required": true}, 200, nil)
		enrolTOTP(t, srv, w.Owner)                                   // required now, of the owner too
		settings := auditOf(t, w.Owner, beseda.AuditSettingsChanged) // newest first
		if len(settings) != 2 {
			t.Fatalf("settings changed: %+v", settings)
		}
		if got := settings[0].Changes["two_factor_required"]; got == nil || got.(map[string]any)["after"] != true {
			t.Errorf("two-factor policy: %+v", settings[0].Changes)
		}
		if got := settings[1].Changes["client_secret"]; got == nil || got.(map[string]any)["after"] != beseda.Redacted {
			t.Errorf("single sign-on: %+v", settings[1].Changes)
		}
		raw, _ := json.Marshal(settings)
		if strings.Contains(string(raw), cfg.ClientSecret) {
			t.Errorf("the client secret is in the audit log: %s", raw)
		}
	})
}
