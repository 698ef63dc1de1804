package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/oauth2-proxy/mockoidc"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// TestSignInSettings_BrowserSingleSignOnAndTwoFactorPolicy: the owner sets
// up single sign-on on Settings → Sign-in in a browser with a real OpenID
// provider's settings and requires two-factor sign-in; the secret is stored
// sealed and never shown back, only that one is set; an issuer that is not
// an http(s) address is refused with the form kept and nothing changed.
func TestSignInSettings_BrowserSingleSignOnAndTwoFactorPolicy(t *testing.T) {
	t.Parallel()
	idp, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idp.Shutdown() })
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	var me beseda.User
	w.Owner.MustDo("GET", "/api/v1/me", nil, http.StatusOK, &me)
	cfg := idp.Config()

	ctx := testkit.Browser(t)
	signIn(t, ctx, srv.URL, me.Email, testkit.TestPassword)
	do(t, ctx, "open Settings → Sign-in", chromedp.Navigate(srv.URL+"/settings/sign-in"), chromedp.WaitVisible(`#oidc`))
	if got := eval[string](t, ctx, `document.getElementById("oidc-secret-hint").textContent`); strings.Contains(got, "is set") {
		t.Errorf("before any secret the hint says %q", got)
	}
	do(t, ctx, "fill in the provider",
		chromedp.SendKeys(`#oidc-issuer`, cfg.Issuer),
		chromedp.SendKeys(`#oidc-client`, cfg.ClientID),
		chromedp.SendKeys(`#oidc-secret`, cfg.ClientSecret),
		chromedp.SendKeys(`#oidc-domains`, "corp.test, example.org"),
		chromedp.Click(`#oidc input[name=create_users]`),
		chromedp.Click(`#oidc button[type=submit]`),
		// The saved page says so (the page before had no notice): the
		// next navigation must not cut the form's own short.
		chromedp.WaitVisible(`.notice`),
	)
	var saved beseda.OIDCSettings
	testkit.Eventually(t, time.Minute, "the provider saved", func() bool {
		w.Owner.MustDo("GET", "/api/v1/settings/oidc", nil, http.StatusOK, &saved)
		return saved.Issuer == cfg.Issuer
	})
	if saved.ClientID != cfg.ClientID || !saved.HasSecret || saved.ClientSecret != "" || !saved.CreateUsers ||
		strings.Join(saved.AllowedDomains, ",") != "corp.test,example.org" {
		t.Errorf("saved %+v", saved)
	}
	var sealed string
	if err := srv.DB.WriteDB().QueryRow(`SELECT client_secret FROM oidc_settings`).Scan(&sealed); err != nil ||
		!strings.HasPrefix(sealed, "sealed:") || strings.Contains(sealed, cfg.ClientSecret) {
		t.Errorf("stored secret %q %v", sealed, err)
	}
	do(t, ctx, "the page shows it saved", chromedp.Navigate(srv.URL+"/settings/sign-in"), chromedp.WaitVisible(`#oidc`))
	if got := eval[string](t, ctx, `document.getElementById("oidc-secret").value`); got != "" {
		t.Errorf("the secret is shown back: %q", got)
	}
	if got := eval[string](t, ctx, `document.getElementById("oidc-issuer").value`); got != cfg.Issuer {
		t.Errorf("the issuer shows as %q", got)
	}

	do(t, ctx, "an issuer that is no http(s) address is refused",
		chromedp.SetValue(`#oidc-issuer`, "ftp://id.example.com"),
		chromedp.Click(`#oidc button[type=submit]`),
		chromedp.WaitVisible(`.alert`),
	)
	if got := eval[string](t, ctx, `document.getElementById("oidc-issuer").value`); got != "ftp://id.example.com" {
		t.Errorf("the refused form lost its issuer: %q", got)
	}
	w.Owner.MustDo("GET", "/api/v1/settings/oidc", nil, http.StatusOK, &saved)
	if saved.Issuer != cfg.Issuer {
		t.Errorf("a refused form changed the provider to %q", saved.Issuer)
	}

	do(t, ctx, "require two-factor sign-in",
		chromedp.Navigate(srv.URL+"/settings/sign-in"),
		chromedp.WaitVisible(`#two-factor`),
		chromedp.Click(`#two-factor input[name=required]`),
		chromedp.Click(`#two-factor button[type=submit]`),
	)
	// Required: the owner, who has not set it up, is now asked to first.
	testkit.Eventually(t, time.Minute, "two-factor sign-in required", func() bool {
		res := w.Owner.Do("GET", "/api/v1/settings/two-factor", nil)
		return res.Status == http.StatusForbidden && strings.Contains(string(res.Body), string(beseda.ETOTPENROL))
	})
}
