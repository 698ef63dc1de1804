package web_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

var formToken = regexp.MustCompile(`name="csrf" value="([^"]*)"`)

// loginPair opens the sign-in page as a fresh browser would, and returns the
// cookie the server set and the form's token.
func loginPair(t *testing.T, base string, header http.Header) (*http.Cookie, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/login", nil)
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	m := formToken.FindStringSubmatch(string(body))
	if len(res.Cookies()) != 1 || m == nil {
		t.Fatalf("the sign-in page: cookies %v, token %v", res.Cookies(), m)
	}
	return res.Cookies()[0], html.UnescapeString(m[1])
}

// postLogin posts the sign-in form with the cookies and headers given and
// returns the status.
func postLogin(t *testing.T, base string, form url.Values, cookies []*http.Cookie, header http.Header) int {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	for _, c := range cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestCSRF_SignInRefusesAPairForgedWithoutTheServersKey: the sign-in token
// is an HMAC of the cookie's pre-session id with the server's secret, so a
// cookie and token made up together (the double-submit an attacker who can
// set a cookie could forge), a token signed with another key, or the
// server's token for another cookie are all refused; a post a browser says
// comes from another site is refused even with a pair the server made; over
// https the cookie is __Host- (Secure, Path=/), and a plain one set beside
// it counts for nothing.
func TestCSRF_SignInRefusesAPairForgedWithoutTheServersKey(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, "sqlite"), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	var me beseda.User
	w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &me)
	creds := func(token string) url.Values {
		return url.Values{"email": {me.Email}, "password": {testkit.TestPassword}, "csrf": {token}}
	}
	pre := strings.Repeat("A", 43)
	otherKey := hmac.New(sha256.New, []byte("not the server's key"))
	otherKey.Write([]byte("login-form\x00" + pre))
	made := func(name string) []*http.Cookie { return []*http.Cookie{{Name: name, Value: pre}} }
	cookie, token := loginPair(t, srv.URL, nil)
	_, tokenForAnother := loginPair(t, srv.URL, nil)
	for _, tc := range []struct {
		name    string
		cookies []*http.Cookie
		token   string
		header  http.Header
	}{
		{"cookie and token made up alike (double submit)", made("beseda_login"), pre, nil},
		{"a token signed with another key", made("beseda_login"), base64.RawURLEncoding.EncodeToString(otherKey.Sum(nil)), nil},
		{"the server's token for another cookie", []*http.Cookie{cookie}, tokenForAnother, nil},
		{"no cookie", nil, token, nil},
		{"the server's pair, posted from another site", []*http.Cookie{cookie}, token, http.Header{"Sec-Fetch-Site": {"cross-site"}}},
		{"the server's pair, posted from a sibling site", []*http.Cookie{cookie}, token, http.Header{"Sec-Fetch-Site": {"same-site"}}},
	} {
		if status := postLogin(t, srv.URL, creds(tc.token), tc.cookies, tc.header); status != 403 {
			t.Errorf("%s: %d, want 403", tc.name, status)
		}
	}
	if status := postLogin(t, srv.URL, creds(token), []*http.Cookie{cookie}, http.Header{"Sec-Fetch-Site": {"same-origin"}}); status != 303 {
		t.Errorf("the server's pair from its own page: %d", status)
	}

	// Over https (a proxy in front says so): a __Host- cookie, which only
	// this origin can set; a plain one beside it is not read.
	https := http.Header{"X-Forwarded-Proto": {"https"}}
	secureCookie, secureToken := loginPair(t, srv.URL, https)
	if secureCookie.Name != "__Host-beseda_login" || !secureCookie.Secure || secureCookie.Path != "/" || !secureCookie.HttpOnly {
		t.Errorf("the https sign-in cookie: %+v", secureCookie)
	}
	if status := postLogin(t, srv.URL, creds(token), []*http.Cookie{cookie}, https); status != 403 {
		t.Errorf("a plain cookie's pair over https: %d", status)
	}
	if status := postLogin(t, srv.URL, creds(secureToken), []*http.Cookie{secureCookie}, https); status != 303 {
		t.Errorf("the https pair: %d", status)
	}
}

// TestCSRF_SignInFormInABrowser: in Chromium the sign-in form signs in; a
// page of another origin that tosses a cookie the server made for the site
// (cookies ignore ports) and posts the server's token for it with the
// attacker's credentials — what plain double submission let through —
// signs nobody in.
func TestCSRF_SignInFormInABrowser(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, "sqlite"), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	var victim, attacker beseda.User
	w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &victim)
	w.Manager.MustDo("GET", "/api/v1/me", nil, 200, &attacker)
	cookie, token := loginPair(t, srv.URL, nil)
	evil := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(rw, `<!doctype html><form id=f method=post action="%s/login">
<input name=email value="%s"><input name=password value="%s"><input name=csrf value="%s"></form>
<script>document.cookie = "%s=%s; path=/"; document.getElementById("f").submit();</script>`,
			srv.URL, html.EscapeString(attacker.Email), html.EscapeString(testkit.TestPassword), html.EscapeString(token),
			cookie.Name, cookie.Value)
	}))
	defer evil.Close()

	b := testkit.Browser(t)
	do(t, b, "the attacker's page posts the form",
		chromedp.Navigate(evil.URL),
		chromedp.WaitVisible(`//p[contains(@class,"error") or contains(@class,"alert")] | //*[contains(., "expired")]`),
	)
	do(t, b, "nobody is signed in", chromedp.Navigate(srv.URL+"/chats"), chromedp.WaitVisible(chromedp.ID("email")))

	signIn(t, b, srv.URL, victim.Email, testkit.TestPassword)
	if name := eval[string](t, b, `document.querySelector("header.top") ? "signed in" : ""`); name != "signed in" {
		t.Errorf("the form did not sign in")
	}
}
