package testkit

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// Console is a browser-like client of the console without a browser: it
// keeps cookies, does not follow redirects, and sends the CSRF tokens that
// the console's forms carry.
type Console struct {
	tb      testing.TB
	BaseURL string
	HTTP    *http.Client
	// CSRF is the signed-in session's token (from the page's data-csrf).
	CSRF string
	// Header is sent with every request.
	Header http.Header
}

// NewConsole returns a signed-out console client of the server at baseURL.
func NewConsole(tb testing.TB, baseURL string) *Console {
	jar, _ := cookiejar.New(nil)
	return &Console{tb: tb, BaseURL: baseURL, Header: http.Header{}, HTTP: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// ConsoleLogin signs in through the sign-in form and fails the test unless it
// succeeds.
func ConsoleLogin(tb testing.TB, baseURL, email, password string) *Console {
	tb.Helper()
	c := NewConsole(tb, baseURL)
	if res := c.SignIn(email, password, ""); res.Status != http.StatusSeeOther {
		tb.Fatalf("console sign-in: %d %s", res.Status, res.Body)
	}
	return c
}

var (
	formCSRF = regexp.MustCompile(`name="csrf" value="([^"]*)"`)
	pageCSRF = regexp.MustCompile(`data-csrf="([^"]*)"`)
)

// SignIn opens the sign-in page (which sets its CSRF cookie), then posts the
// form as a browser would, with next if not empty. On success it reads the
// session's CSRF token from the first page.
func (c *Console) SignIn(email, password, next string) *Response {
	c.tb.Helper()
	page := c.Get("/login")
	form := url.Values{"email": {email}, "password": {password}}
	if m := formCSRF.FindSubmatch(page.Body); m != nil {
		form.Set("csrf", html.UnescapeString(string(m[1])))
	}
	if next != "" {
		form.Set("next", next)
	}
	res := c.do("POST", "/login", form)
	if res.Status == http.StatusSeeOther {
		if m := pageCSRF.FindSubmatch(c.Get("/chats").Body); m != nil {
			c.CSRF = html.UnescapeString(string(m[1]))
		}
	}
	return res
}

// Get requests a page.
func (c *Console) Get(path string) *Response {
	c.tb.Helper()
	return c.do("GET", path, nil)
}

// Post sends a form with the session's CSRF token.
func (c *Console) Post(path string, form url.Values) *Response {
	c.tb.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("csrf") == "" && c.CSRF != "" {
		form.Set("csrf", c.CSRF)
	}
	return c.do("POST", path, form)
}

func (c *Console) do(method, path string, form url.Values) *Response {
	c.tb.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.BaseURL+path, body)
	if err != nil {
		c.tb.Fatal(err)
	}
	for k, v := range c.Header {
		req.Header[k] = v
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := c.HTTP.Do(req)
	if err != nil {
		c.tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		c.tb.Fatal(err)
	}
	return &Response{Status: res.StatusCode, Body: data, Header: res.Header}
}
