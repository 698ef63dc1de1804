package httpapi_test

import (
	"context"
	"net/netip"
	"net/url"
	"testing"

	"github.com/oauth2-proxy/mockoidc"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/internal/testkit/fakewhatsapp"
)

// TestAudit_RoutingCapacityAndRatingTemplate: the routing policy (a
// setting), a manager's capacity set from the console's users page (as
// through the API's user change), the rating template (a standard message)
// and a channel switched off each leave an entry of who changed what from
// what; saving the same again leaves none. On both databases.
func TestAudit_RoutingCapacityAndRatingTemplate(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		change := func(e beseda.AuditEntry, field string) (before, after any) {
			t.Helper()
			ch, ok := e.Changes[field].(map[string]any)
			if !ok {
				t.Fatalf("%s: no change of %s in %+v", e.Action, field, e.Changes)
			}
			return ch["before"], ch["after"]
		}

		w.Owner.MustDo("PUT", "/api/v1/settings/routing", map[string]any{"policy": "least_busy", "away_after_minutes": 20}, 200, nil)
		w.Owner.MustDo("PUT", "/api/v1/settings/routing", map[string]any{"policy": "least_busy", "away_after_minutes": 20}, 200, nil)
		got := auditOf(t, w.Owner, beseda.AuditSettingsChanged)
		if len(got) != 1 || got[0].Actor == nil || got[0].Actor.ID != w.OwnerID || got[0].TargetKind != "routing" || got[0].Via != "api" {
			t.Fatalf("routing entries %+v", got)
		}
		if before, after := change(got[0], "policy"); before != "manual" || after != "least_busy" {
			t.Errorf("routing policy %v → %v", before, after)
		}

		var me beseda.User
		w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &me)
		console := testkit.ConsoleLogin(t, srv.URL, me.Email, testkit.TestPassword)
		if res := console.Post(testkit.Path("/settings/users/%d/capacity", w.ManagerID), url.Values{"capacity": {"7"}}); res.Status/100 != 3 {
			t.Fatalf("saving the capacity answered %d", res.Status)
		}
		got = auditOf(t, w.Owner, beseda.AuditUserChanged)
		if len(got) != 1 || got[0].Actor == nil || got[0].Actor.ID != w.OwnerID || *got[0].TargetID != w.ManagerID || got[0].Via != "session" {
			t.Fatalf("capacity entries %+v", got)
		}
		if _, after := change(got[0], "capacity"); after != float64(7) {
			t.Errorf("capacity after %v", after)
		}

		// A rating template must be one a WhatsApp channel has synced, with
		// three quick replies.
		wa := fakewhatsapp.New(t, "1065403522", "wa-token")
		wa.SetTemplates("5550001", 10, fakewhatsapp.Template{Name: "rate_us", Language: "en", Category: "UTILITY",
			Status: "APPROVED", Body: "How did we do?", QuickReplies: []string{"Bad", "OK", "Great"}})
		w.AddChannel("whatsapp", "WhatsApp", map[string]string{"phone_number_id": "1065403522", "access_token": "wa-token",
			"app_secret": "wa-secret", "verify_token": "wa-verify", "api_base_url": wa.URL, "business_account_id": "5550001"})
		ref := map[string]any{"template": map[string]any{"name": "rate_us", "language": "en"}}
		w.Owner.MustDo("PUT", "/api/v1/settings/rating-template", ref, 200, nil)
		w.Owner.MustDo("PUT", "/api/v1/settings/rating-template", ref, 200, nil)
		w.Owner.MustDo("PUT", "/api/v1/settings/rating-template", map[string]any{"template": nil}, 200, nil)
		got = auditOf(t, w.Owner, beseda.AuditStandardMessages) // newest first
		if len(got) != 2 {
			t.Fatalf("rating template entries %+v", got)
		}
		if before, after := change(got[1], "rating_template"); before != nil || after != "rate_us (en)" {
			t.Errorf("rating template chosen: %v → %v", before, after)
		}
		if before, after := change(got[0], "rating_template"); before != "rate_us (en)" || after != nil {
			t.Errorf("rating template cleared: %v → %v", before, after)
		}

		var channels []testkit.ChannelInfo
		w.Owner.MustDo("GET", "/api/v1/channels", nil, 200, &channels)
		w.Owner.MustDo("PATCH", testkit.Path("/api/v1/channels/%d", channels[0].ID), map[string]any{"enabled": false}, 200, nil)
		got = auditOf(t, w.Owner, beseda.AuditChannelChanged)
		if len(got) != 1 || *got[0].TargetID != channels[0].ID {
			t.Fatalf("channel entries %+v", got)
		}
		if before, after := change(got[0], "enabled"); before != true || after != false {
			t.Errorf("channel enabled %v → %v", before, after)
		}
	})
}

// TestAudit_SingleSignOnFailuresAndNewManagers: a single sign-on the
// workspace refuses (an unverified e-mail, an address it does not create a
// manager for) is a failed sign-in in its audit log, with the address it
// came from and the e-mail the provider gave; a manager created on first
// sign-in is a user created by the product itself, followed by their
// sign-in. On both databases.
func TestAudit_SingleSignOnFailuresAndNewManagers(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		idp, err := mockoidc.Run()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = idp.Shutdown() })
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		srv.Clock.Set(idp.Now())
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		cfg := idp.Config()
		settings := map[string]any{"issuer": cfg.Issuer, "client_id": cfg.ClientID, "client_secret": cfg.ClientSecret,
			"allowed_domains": []string{"corp.test"}, "create_users": true, "role": "manager", "password_login": true}
		w.Owner.MustDo("PUT", "/api/v1/settings/oidc", settings, 200, nil)
		from := netip.MustParseAddr("203.0.113.9")
		ctx := app.WithOrigin(context.Background(), app.Origin{Address: from, Via: app.TokenSession})
		sso := srv.App.SignIn
		const cb = "http://127.0.0.1/auth/oidc/callback"
		signIn := func(user *mockoidc.MockUser) (*beseda.User, error) {
			t.Helper()
			idp.QueueUser(user)
			to, flow, err := sso.StartOIDC(ctx, "x@corp.test", cb, "/chats")
			if err != nil {
				t.Fatal(err)
			}
			code, state := authorize(t, to)
			_, u, err := sso.FinishOIDC(ctx, flow, state, code, cb, app.TokenSession)
			return u, err
		}

		if _, err := signIn(&mockoidc.MockUser{Subject: "u", Email: "nina@corp.test", EmailVerified: false}); beseda.ErrorCode(err) != beseda.EFORBIDDEN {
			t.Fatalf("an unverified e-mail: %v", err)
		}
		nina, err := signIn(&mockoidc.MockUser{Subject: "n", Email: "nina@corp.test", EmailVerified: true})
		if err != nil {
			t.Fatal(err)
		}
		settings["create_users"] = false
		w.Owner.MustDo("PUT", "/api/v1/settings/oidc", settings, 200, nil)
		if _, err := signIn(&mockoidc.MockUser{Subject: "o", Email: "oleg@corp.test", EmailVerified: true}); beseda.ErrorCode(err) != beseda.EFORBIDDEN {
			t.Fatalf("a new address without create_users: %v", err)
		}

		failed := auditOf(t, w.Owner, beseda.AuditSignInFailed) // newest first
		if len(failed) != 2 {
			t.Fatalf("failed sign-ins %+v", failed)
		}
		for _, e := range failed {
			if e.Actor != nil || e.Address != from.String() || e.Changes["method"] != "single_sign_on" || e.Changes["reason"] == "" {
				t.Errorf("a refused single sign-on: %+v", e)
			}
		}
		if failed[0].Changes["email"] != "oleg@corp.test" || failed[0].TargetID != nil || failed[1].Changes["email"] != nil {
			t.Errorf("the refusals name %v and %v", failed[0].Changes["email"], failed[1].Changes["email"])
		}

		created := auditOf(t, w.Owner, beseda.AuditUserCreated) // Nina, then the world's manager
		if len(created) != 2 || created[0].Actor != nil || *created[0].TargetID != nina.ID || created[0].Changes["source"] != "single_sign_on" ||
			created[0].Address != from.String() {
			t.Fatalf("users created %+v", created)
		}
		if role := created[0].Changes["role"].(map[string]any)["after"]; role != "manager" {
			t.Errorf("the new manager's role %v", role)
		}
		in := auditOf(t, w.Owner, beseda.AuditSignIn)
		if in[0].Actor == nil || in[0].Actor.ID != nina.ID || in[0].Address != from.String() || in[0].Via != "session" {
			t.Errorf("the single sign-on %+v", in[0])
		}
	})
}
