package web_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/web"
)

// consoleClient signs in through the form and keeps the session cookie.
func consoleClient(t *testing.T, base, email, password string) (*http.Client, *http.Response) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(base+"/login", url.Values{"email": {email}, "password": {password}, "next": {"/chats"},
		"csrf": {loginCSRF(t, c, base)}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return c, res
}

// loginCSRF opens the sign-in page, as a browser does before posting it, and
// returns the form's token (its cookie is in c's jar).
func loginCSRF(t *testing.T, c *http.Client, base string) string {
	t.Helper()
	res, err := c.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	i := strings.Index(string(body), `name="csrf" value="`)
	if i < 0 {
		t.Fatalf("no CSRF token in the sign-in form")
	}
	rest := string(body)[i+len(`name="csrf" value="`):]
	return rest[:strings.IndexByte(rest, '"')]
}

func csrfOf(t *testing.T, c *http.Client, base string) string {
	t.Helper()
	res, err := c.Get(base + "/chats")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	i := strings.Index(string(body), `data-csrf="`)
	if i < 0 {
		t.Fatalf("no CSRF token on the page")
	}
	rest := string(body)[i+len(`data-csrf="`):]
	return rest[:strings.IndexByte(rest, '"')]
}

func TestConsoleSessionsAndCSRF(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, "sqlite"), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	var me beseda.User
	w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &me)

	// Signed out: pages send you to sign in.
	plain := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := plain.Get(srv.URL + "/dialogs")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/login?next=") {
		t.Errorf("signed out: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	_, bad := consoleClient(t, srv.URL, me.Email, "wrong")
	if bad.StatusCode != 401 {
		t.Errorf("wrong password: %d", bad.StatusCode)
	}

	c, res := consoleClient(t, srv.URL, me.Email, testkit.TestPassword)
	if res.StatusCode != 303 || res.Header.Get("Location") != "/chats" {
		t.Fatalf("sign in: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	cookie := res.Header.Get("Set-Cookie")
	for _, want := range []string{"beseda_session=", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("session cookie %q lacks %s", cookie, want)
		}
	}
	if strings.Contains(cookie, "Secure") {
		t.Errorf("cookie is Secure over plain HTTP: %s", cookie)
	}

	page, err := c.Get(srv.URL + "/chats")
	if err != nil {
		t.Fatal(err)
	}
	page.Body.Close()
	if csp := page.Header.Get("Content-Security-Policy"); csp != web.CSP || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP %q", csp)
	}

	// State changes need the session's CSRF token, in the form or a header.
	v := w.NewVisitor("Anna")
	post := func(token string) int {
		form := url.Values{"text": {"Hello from the console"}}
		if token != "" {
			form.Set("csrf", token)
		}
		res, err := c.PostForm(srv.URL+testkit.Path("/chats/%d/messages", v.SubscriberID), form)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := post(""); got != 403 {
		t.Errorf("post without CSRF: %d", got)
	}
	if got := post("forged"); got != 403 {
		t.Errorf("post with a wrong CSRF token: %d", got)
	}
	token := csrfOf(t, c, srv.URL)
	if got := post(token); got != 303 {
		t.Errorf("post with the token: %d", got)
	}
	if msgs := v.Messages(); len(msgs) != 1 || msgs[0].Text != "Hello from the console" {
		t.Errorf("the client got %+v", msgs)
	}

	// The API takes the session cookie too: reads freely, writes with X-CSRF-Token.
	api := func(method, path, token string) int {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(`{"text":"via the API"}`))
		if token != "" {
			req.Header.Set("X-CSRF-Token", token)
		}
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := api("GET", "/api/v1/me", ""); got != 200 {
		t.Errorf("API read with the cookie: %d", got)
	}
	path := testkit.Path("/api/v1/subscribers/%d/messages", v.SubscriberID)
	if got := api("POST", path, ""); got != 403 {
		t.Errorf("API write with the cookie and no CSRF token: %d", got)
	}
	if got := api("POST", path, token); got != 201 {
		t.Errorf("API write with the CSRF token: %d", got)
	}

	// Signing out ends the session.
	res, err = c.PostForm(srv.URL+"/logout", url.Values{"csrf": {token}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	res, _ = c.Get(srv.URL + "/chats")
	res.Body.Close()
	if res.StatusCode != 303 {
		t.Errorf("after signing out: %d", res.StatusCode)
	}
	// Redirects after sign-in stay on the site.
	_, res = consoleClient(t, srv.URL, me.Email, testkit.TestPassword)
	jar, _ := cookiejar.New(nil)
	c2 := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, _ = c2.PostForm(srv.URL+"/login", url.Values{"email": {me.Email}, "password": {testkit.TestPassword}, "next": {"//evil.example"},
		"csrf": {loginCSRF(t, c2, srv.URL)}})
	res.Body.Close()
	if res.Header.Get("Location") != "/chats" {
		t.Errorf("open redirect to %s", res.Header.Get("Location"))
	}
}
