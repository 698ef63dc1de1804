package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/oauth2-proxy/mockoidc"
	"github.com/pquerna/otp/totp"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// TestScopedTokens_BrowserMakeListRevoke: on Account → Security a manager
// makes a read-only token, sees it once, uses it, and revokes it.
func TestScopedTokens_BrowserMakeListRevoke(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	var me beseda.User
	w.Manager.MustDo("GET", "/api/v1/me", nil, http.StatusOK, &me)
	ctx := testkit.Browser(t)
	signIn(t, ctx, srv.URL, me.Email, testkit.TestPassword)
	do(t, ctx, "open the security page",
		chromedp.Navigate(srv.URL+"/account/security"),
		chromedp.WaitVisible(`#new-token`),
	)
	// A manager without extra permissions is offered read and write only.
	if scopes := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("#new-token input[name=scopes]")).map(e => e.value)`); strings.Join(scopes, ",") != "read,write" {
		t.Errorf("offered scopes %v", scopes)
	}
	do(t, ctx, "make a read-only token",
		chromedp.SendKeys(`#token-name`, "Dashboard"),
		chromedp.Click(`#new-token input[value=read]`),
		chromedp.Click(`#new-token button[type=submit]`),
		chromedp.WaitVisible(`#new-token-value`),
	)
	token := eval[string](t, ctx, `document.querySelector("#new-token-value code").textContent`)
	api := testkit.NewClient(t, srv.URL)
	api.Token = token
	api.MustDo("GET", "/api/v1/dialogs", nil, 200, nil)
	api.WantError("POST", "/api/v1/subscribers/1/messages", map[string]any{"text": "hi"}, 403, beseda.EFORBIDDEN)
	do(t, ctx, "reload: the token is listed, not shown",
		chromedp.Navigate(srv.URL+"/account/security"),
		chromedp.WaitVisible(`table.tokens`),
	)
	if eval[bool](t, ctx, `!!document.querySelector("#new-token-value")`) {
		t.Error("the token is shown again")
	}
	if row := eval[string](t, ctx, `document.querySelector("table.tokens tbody tr").innerText`); !strings.Contains(row, "Dashboard") || !strings.Contains(row, "Read") {
		t.Errorf("row %q", row)
	}
	do(t, ctx, "revoke it",
		chromedp.Click(`table.tokens button.danger`),
		chromedp.WaitVisible(`.notice`),
		testkit.WaitTrue(`!document.querySelector("table.tokens")`),
	)
	api.WantError("GET", "/api/v1/dialogs", nil, 401, beseda.EUNAUTHORIZED)
}

// TestTwoFactor_BrowserEnrolThenSignInWithCode: the owner requires
// two-factor sign-in; a manager signing in with the password is sent to
// set it up (QR code, a code of the app, ten recovery codes), and the next
// sign-in asks for the code after the password.
func TestTwoFactor_BrowserEnrolThenSignInWithCode(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	w.Owner.MustDo("PUT", "/api/v1/settings/two-factor", map[string]any{"required": true}, 200, nil)
	var me beseda.User
	w.Manager.MustDo("GET", "/api/v1/me", nil, http.StatusOK, &me)
	ctx := testkit.Browser(t)
	do(t, ctx, "sign in with the password: sent to set up two-factor sign-in",
		chromedp.Navigate(srv.URL+"/login"),
		chromedp.WaitVisible(`#email`),
		chromedp.SendKeys(`#email`, me.Email),
		chromedp.SendKeys(`#password`, testkit.TestPassword),
		chromedp.Click(`form[action="/login"] button[type=submit]`),
		chromedp.WaitVisible(`#totp-start`),
	)
	do(t, ctx, "other pages lead back to it",
		chromedp.Navigate(srv.URL+"/chats"),
		chromedp.WaitVisible(`#totp-start`),
	)
	do(t, ctx, "start: a QR code",
		chromedp.Click(`#totp-start button`),
		chromedp.WaitVisible(`#totp-qr`),
		testkit.ImagesLoaded(`#totp-qr`),
	)
	if w := eval[int](t, ctx, `document.getElementById("totp-qr").naturalWidth`); w < 100 {
		t.Errorf("the QR code is %d px wide", w)
	}
	secret := eval[string](t, ctx, `document.getElementById("totp-secret").textContent`)
	code, err := totp.GenerateCode(secret, srv.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "confirm with the app's code: ten recovery codes",
		chromedp.SendKeys(`#totp-code`, code),
		chromedp.Click(`#totp-confirm button`),
		chromedp.WaitVisible(`#recovery-codes`),
	)
	if n := eval[int](t, ctx, `document.querySelectorAll("#recovery-codes li").length`); n != 10 {
		t.Errorf("%d recovery codes", n)
	}
	do(t, ctx, "the console opens now; sign out",
		chromedp.Navigate(srv.URL+"/chats"),
		chromedp.WaitVisible(`header.top`),
		chromedp.Click(`form[action="/logout"] button`),
		chromedp.WaitVisible(`#email`),
	)
	do(t, ctx, "sign in again: the code is asked for",
		chromedp.SendKeys(`#email`, me.Email),
		chromedp.SendKeys(`#password`, testkit.TestPassword),
		chromedp.Click(`form[action="/login"] button[type=submit]`),
		chromedp.WaitVisible(`#login-code`),
	)
	do(t, ctx, "a wrong code is refused",
		chromedp.SendKeys(`#code`, "000000"),
		chromedp.Click(`#login-code button`),
		chromedp.WaitVisible(`.alert`),
		chromedp.WaitVisible(`#login-code`),
	)
	srv.Clock.Advance(30 * time.Second)
	code, _ = totp.GenerateCode(secret, srv.Clock.Now())
	do(t, ctx, "the app's code signs in",
		chromedp.SendKeys(`#code`, code),
		chromedp.Click(`#login-code button`),
		chromedp.WaitVisible(`header.top`),
	)
}

// TestOIDC_BrowserSignInWithARealProvider: single sign-on end to end in a
// browser against a real OpenID provider (mockoidc: discovery, keys, signed
// ID tokens, PKCE) on 127.0.0.1. A new manager of an allowed domain is
// created with the workspace's role; with password sign-in off, managers'
// passwords are refused while the owner keeps theirs.
func TestOIDC_BrowserSignInWithARealProvider(t *testing.T) {
	t.Parallel()
	idp, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idp.Shutdown() })
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{})
	srv.Clock.Set(idp.Now()) // ID tokens are checked against Beseda's clock
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	cfg := idp.Config()
	w.Manager.WantError("PUT", "/api/v1/settings/oidc", map[string]any{"issuer": cfg.Issuer, "client_id": cfg.ClientID}, 403, beseda.EFORBIDDEN)
	var saved beseda.OIDCSettings
	w.Owner.MustDo("PUT", "/api/v1/settings/oidc", map[string]any{"issuer": cfg.Issuer, "client_id": cfg.ClientID,
		"client_secret": cfg.ClientSecret, "allowed_domains": []string{"corp.test"}, "create_users": true, "role": "manager",
		"password_login": false}, 200, &saved)
	if saved.ClientSecret != "" || !saved.HasSecret {
		t.Errorf("the secret: %+v", saved)
	}
	var sealed string
	if err := srv.DB.WriteDB().QueryRow(`SELECT client_secret FROM oidc_settings`).Scan(&sealed); err != nil || !strings.HasPrefix(sealed, "sealed:") {
		t.Errorf("stored secret %q %v", sealed, err)
	}
	// Password sign-in is off for managers; the owner keeps it.
	var me beseda.User
	w.Manager.MustDo("GET", "/api/v1/me", nil, http.StatusOK, &me)
	anon := testkit.NewClient(t, srv.URL)
	anon.WantError("POST", "/api/v1/auth/login", map[string]any{"email": me.Email, "password": testkit.TestPassword}, 403, beseda.EPASSWORDLOGINOFF)
	w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &me)
	testkit.Login(t, srv.URL, me.Email, testkit.TestPassword)

	ctx := testkit.Browser(t)
	var manager beseda.User
	w.Owner.MustDo("GET", testkit.Path("/api/v1/users/%d", w.ManagerID), nil, 200, &manager)
	do(t, ctx, "a manager's password is refused in the console too",
		chromedp.Navigate(srv.URL+"/login"),
		chromedp.WaitVisible(`#email`),
		chromedp.SendKeys(`#email`, manager.Email),
		chromedp.SendKeys(`#password`, testkit.TestPassword),
		chromedp.Click(`form[action="/login"] button[type=submit]`),
		chromedp.WaitVisible(`.alert`),
	)
	if text := eval[string](t, ctx, `document.querySelector(".alert").innerText`); !strings.Contains(text, "single sign-on only") {
		t.Errorf("the refusal says %q", text)
	}

	// An address of a domain not allowed is refused at the callback.
	idp.QueueUser(&mockoidc.MockUser{Subject: "x1", Email: "eve@elsewhere.test", EmailVerified: true})
	ssoStart(t, ctx, srv.URL, "nina@corp.test")
	do(t, ctx, "a provider's user of another domain is refused", chromedp.WaitVisible(`.alert`))
	if text := eval[string](t, ctx, `document.querySelector(".alert").innerText`); !strings.Contains(text, "eve@elsewhere.test") {
		t.Errorf("refusal says %q", text)
	}

	idp.QueueUser(&mockoidc.MockUser{Subject: "n1", Email: "nina@corp.test", EmailVerified: true, PreferredUsername: "nina"})
	ssoStart(t, ctx, srv.URL, "nina@corp.test")
	do(t, ctx, "signed in as a new manager", chromedp.WaitVisible(`header.top`))
	var users []beseda.User
	w.Owner.MustDo("GET", "/api/v1/users", nil, 200, &users)
	found := false
	for _, u := range users {
		if u.Email == "nina@corp.test" {
			found = u.Role == beseda.RoleManager
		}
	}
	if !found {
		t.Errorf("no new manager nina@corp.test in %+v", users)
	}

	// The audit log has the refusal and the sign-in, from the browser's
	// address, and the manager single sign-on created.
	var log struct{ Items []beseda.AuditEntry }
	w.Owner.MustDo("GET", "/api/v1/audit", nil, 200, &log)
	seen := map[beseda.AuditAction]bool{}
	for _, e := range log.Items {
		switch {
		case e.Action == beseda.AuditSignInFailed && e.Changes["email"] == "eve@elsewhere.test",
			e.Action == beseda.AuditSignIn && e.Actor != nil && e.Actor.Name == "nina":
			seen[e.Action] = e.Address == "127.0.0.1" && e.Via == "session"
		case e.Action == beseda.AuditUserCreated && e.Changes["source"] == "single_sign_on":
			seen[e.Action] = e.Actor == nil
		}
	}
	if !seen[beseda.AuditSignInFailed] || !seen[beseda.AuditSignIn] || !seen[beseda.AuditUserCreated] {
		t.Errorf("the audit log of the single sign-ons: %v in %+v", seen, log.Items)
	}
}

// ssoStart opens the sign-in page and continues with single sign-on.
func ssoStart(t *testing.T, ctx context.Context, base, email string) {
	t.Helper()
	do(t, ctx, "continue with single sign-on as "+email,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(`#sso-email`),
		chromedp.SendKeys(`#sso-email`, email),
		chromedp.Click(`#sso button[type=submit]`),
	)
}
