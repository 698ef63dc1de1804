package httpapi_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"
	"golang.org/x/oauth2"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/internal/testkit"
)

// authorize follows a sign-in at the provider (which signs the queued user
// in at once) and returns the code and state it sends back.
func authorize(t *testing.T, to string) (code, state string) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(to)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc, err := url.Parse(res.Header.Get("Location"))
	if err != nil || res.StatusCode != http.StatusFound {
		t.Fatalf("authorize: %d %s %v", res.StatusCode, res.Header.Get("Location"), err)
	}
	return loc.Query().Get("code"), loc.Query().Get("state")
}

// TestOIDC_StateNonceAndPKCEAreChecked: a single sign-on completes only
// with the state, nonce and PKCE verifier of the flow that started it,
// within its time, with a verified e-mail of an allowed domain; a code
// works once; a new manager is created only when the workspace says so.
func TestOIDC_StateNonceAndPKCEAreChecked(t *testing.T) {
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
			"allowed_domains": []string{"corp.test"}, "create_users": true, "role": "admin", "password_login": true}
		w.Owner.MustDo("PUT", "/api/v1/settings/oidc", settings, 200, nil)
		ctx, sso := context.Background(), srv.App.SignIn
		const cb = "http://127.0.0.1/auth/oidc/callback"
		start := func(email string, user *mockoidc.MockUser) (*app.OIDCFlow, string, string) {
			t.Helper()
			idp.QueueUser(user)
			to, flow, err := sso.StartOIDC(ctx, email, cb, "/chats")
			if err != nil {
				t.Fatal(err)
			}
			if q, _ := url.Parse(to); q.Query().Get("code_challenge_method") != "S256" || q.Query().Get("nonce") != flow.Nonce || q.Query().Get("state") != flow.State {
				t.Fatalf("authorization URL %s", to)
			}
			code, state := authorize(t, to)
			return flow, code, state
		}
		want := func(what string, err error, code string) {
			t.Helper()
			if beseda.ErrorCode(err) != code {
				t.Errorf("%s: %v, want %s", what, err, code)
			}
		}
		nina := &mockoidc.MockUser{Subject: "n", Email: "nina@corp.test", EmailVerified: true}

		flow, code, state := start("nina@corp.test", nina)
		_, _, err = sso.FinishOIDC(ctx, flow, "forged", code, cb, app.TokenSession)
		want("a forged state", err, beseda.EUNAUTHORIZED)

		flow, code, state = start("nina@corp.test", nina)
		flow.Nonce = "another"
		_, _, err = sso.FinishOIDC(ctx, flow, state, code, cb, app.TokenSession)
		want("another nonce", err, beseda.EUNAUTHORIZED)

		flow, code, state = start("nina@corp.test", nina)
		flow.Verifier = oauth2.GenerateVerifier()
		_, _, err = sso.FinishOIDC(ctx, flow, state, code, cb, app.TokenSession)
		want("another PKCE verifier", err, beseda.EUNAUTHORIZED)

		flow, code, state = start("nina@corp.test", nina)
		srv.Clock.Advance(11 * time.Minute)
		_, _, err = sso.FinishOIDC(ctx, flow, state, code, cb, app.TokenSession)
		want("an expired flow", err, beseda.EUNAUTHORIZED)
		srv.Clock.Set(idp.Now())

		if sso.OpenFlow(sso.SealFlow(flow)+"x") != nil {
			t.Error("a changed flow cookie opens")
		}

		flow, code, state = start("nina@corp.test", &mockoidc.MockUser{Subject: "u", Email: "nina@corp.test", EmailVerified: false})
		_, _, err = sso.FinishOIDC(ctx, flow, state, code, cb, app.TokenSession)
		want("an unverified e-mail", err, beseda.EFORBIDDEN)

		flow, code, state = start("nina@corp.test", nina)
		token, user, err := sso.FinishOIDC(ctx, flow, state, code, cb, app.TokenSession)
		if err != nil || token == "" || user.Email != "nina@corp.test" || user.Role != beseda.RoleAdmin || user.WorkspaceID != w.WorkspaceID {
			t.Fatalf("sign-in: %v %+v", err, user)
		}
		_, _, err = sso.FinishOIDC(ctx, flow, state, code, cb, app.TokenSession)
		want("the same code again", err, beseda.EUNAUTHORIZED)

		settings["create_users"] = false
		w.Owner.MustDo("PUT", "/api/v1/settings/oidc", settings, 200, nil)
		flow, code, state = start("nina@corp.test", &mockoidc.MockUser{Subject: "o", Email: "oleg@corp.test", EmailVerified: true})
		_, _, err = sso.FinishOIDC(ctx, flow, state, code, cb, app.TokenSession)
		want("a new address without create_users", err, beseda.EFORBIDDEN)

		// Nina signs in again: the same account.
		flow, code, state = start("nina@corp.test", nina)
		_, again, err := sso.FinishOIDC(ctx, flow, state, code, cb, app.TokenSession)
		if err != nil || again.ID != user.ID {
			t.Errorf("second sign-in: %v %+v", err, again)
		}
		_, _, err = sso.StartOIDC(ctx, "someone@nowhere.test", cb, "/chats")
		want("an address of no workspace", err, beseda.ENOTFOUND)
	})
}
