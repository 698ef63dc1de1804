package httpapi_test

import (
	"encoding/csv"
	"encoding/json"
	"slices"
	"strconv"
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

// TestAudit_NamesTheAPITokenUsed: a change made with a scoped API token is
// recorded with the token's id and name (via api), in the JSON log, in the
// CSV and on the console's page, and still names it after the token is
// revoked; a change made with a sign-in names no token. On both databases.
func TestAudit_NamesTheAPITokenUsed(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		var token struct {
			ID    int64
			Token string
		}
		w.Owner.MustDo("POST", "/api/v1/tokens", map[string]any{"name": "Deploy bot", "scopes": []string{"read", "settings"}}, 201, &token)
		bot := testkit.NewClient(t, srv.URL)
		bot.Token = token.Token
		bot.MustDo("POST", "/api/v1/settings/dialog-reasons", map[string]string{"name": "Billing"}, 201, nil)
		w.Owner.MustDo("POST", "/api/v1/settings/dialog-reasons", map[string]string{"name": "Returns"}, 201, nil)
		w.Owner.MustDo("DELETE", testkit.Path("/api/v1/tokens/%d", token.ID), nil, 204, nil)

		got := auditOf(t, w.Owner, beseda.AuditSettingsChanged) // newest first
		if len(got) != 2 {
			t.Fatalf("settings entries %+v", got)
		}
		byToken, bySignIn := got[1], got[0]
		if byToken.TokenID == nil || *byToken.TokenID != token.ID || byToken.TokenName != "Deploy bot" || byToken.Via != "api" ||
			byToken.Actor == nil || byToken.Actor.ID != w.OwnerID {
			t.Errorf("the change made with the token: %+v", byToken)
		}
		if bySignIn.TokenID != nil || bySignIn.TokenName != "" {
			t.Errorf("the change made with a sign-in names a token: %+v", bySignIn)
		}
		var raw struct {
			Items []map[string]any `json:"items"`
		}
		w.Owner.MustDo("GET", "/api/v1/audit?action=settings.changed", nil, 200, &raw)
		if raw.Items[1]["token_id"] != float64(token.ID) || raw.Items[0]["token_id"] != nil {
			t.Errorf("token_id in the JSON: %v, %v", raw.Items[1]["token_id"], raw.Items[0]["token_id"])
		}

		csvFile := w.Owner.Do("GET", "/api/v1/audit?format=csv&action=settings.changed", nil)
		rows, err := csv.NewReader(strings.NewReader(string(csvFile.Body))).ReadAll()
		if err != nil || len(rows) != 3 {
			t.Fatalf("csv: %v, %d rows", err, len(rows))
		}
		col := slices.Index(rows[0], "token_id")
		if col < 0 || rows[2][col] != strconv.FormatInt(token.ID, 10) || rows[2][col+1] != "Deploy bot" || rows[1][col] != "" {
			t.Errorf("csv token columns: %q / %q / %q", rows[0], rows[1], rows[2])
		}

		var me beseda.User
		w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &me)
		page := string(testkit.ConsoleLogin(t, srv.URL, me.Email, testkit.TestPassword).Get("/settings/audit?action=settings.changed").Body)
		if want := testkit.Path("token “Deploy bot” #%d", token.ID); strings.Count(page, want) != 1 {
			t.Errorf("the console's audit page does not name %s once", want)
		}
	})
}
