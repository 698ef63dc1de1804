package web

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/internal/httpx"
)

type loginData struct {
	Email string
	Next  string
	CSRF  string // the sign-in form's own CSRF token (there is no session yet)
	SSO   bool   // some workspace signs in with single sign-on: offer it
}

// The sign-in form's CSRF token (login CSRF: without it a third-party page
// could sign a manager in to an account of its choosing) is bound to a
// random pre-session id in the browser's sign-in cookie by an HMAC with the
// server's secret (App.LoginFormToken): a cookie someone else managed to set
// is worth nothing without the token only the server makes for it. Over
// https the cookie is __Host-: the browser takes it only from this origin,
// over https, for the whole site, so neither a sibling subdomain nor a
// plain-http answer can set it. And a modern browser says where a post comes
// from (Sec-Fetch-Site): only the site's own pages post the form.
const (
	loginCookie       = "beseda_login"
	secureLoginCookie = "__Host-beseda_login"
)

// loginCookieName is the name of the sign-in cookie for the request.
func loginCookieName(r *http.Request) string {
	if secure(r) {
		return secureLoginCookie
	}
	return loginCookie
}

func (h *Handler) loginPage(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(r, nil, "")
	p.Title = p.T("login.title")
	p.Data = loginData{Next: safeNext(r.URL.Query().Get("next")), CSRF: h.loginToken(w, r), SSO: h.app.SignIn.SSOAvailable(r.Context())}
	h.render(w, r, http.StatusOK, "login", p)
}

// loginToken returns the sign-in form's token, setting the cookie with its
// pre-session id if the browser has none yet (an existing one is kept, so
// that two tabs work).
func (h *Handler) loginToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(loginCookieName(r)); err == nil && len(c.Value) == 43 {
		return h.app.Users.LoginFormToken(c.Value)
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	pre := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: loginCookieName(r), Value: pre, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: secure(r), MaxAge: 12 * 3600})
	return h.app.Users.LoginFormToken(pre)
}

// fromThisSite reports whether a post may come from this site's own page:
// browsers that say where a request comes from (Sec-Fetch-Site) must say
// this origin, or a navigation of the person's own; those that say nothing
// rely on the token alone.
func fromThisSite(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
		return true
	}
	return false
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	email, password, next := r.PostFormValue("email"), r.PostFormValue("password"), safeNext(r.PostFormValue("next"))
	c, err := r.Cookie(loginCookieName(r))
	if err != nil || !fromThisSite(r) || !h.app.Users.CheckLoginFormToken(c.Value, r.PostFormValue("csrf")) {
		h.loginAgain(w, r, http.StatusForbidden, email, next, "login.expired")
		return
	}
	if err := checkForm(r); err != nil {
		h.loginAgain(w, r, http.StatusBadRequest, email, next, "login.failed")
		return
	}
	l, err := h.app.Users.LoginWith(r.Context(), app.Credentials{Email: email, Password: password}, app.TokenSession, httpx.ClientAddr(r))
	h.finishLogin(w, r, l, err, email, next)
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request, p *page) {
	if c, err := r.Cookie(httpx.SessionCookie); err == nil {
		_ = h.app.Users.Logout(r.Context(), c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: httpx.SessionCookie, Value: "", Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: secure(r), MaxAge: -1})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// secure tells whether the cookie must be Secure: served over TLS, here or at
// a proxy in front.
func secure(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// safeNext keeps the redirect after sign-in on this site (H3).
func safeNext(next string) string { return sitePath(next, "/chats") }

// sitePath returns p if it is a clean path of this site, else fallback (H3).
// Browsers drop tabs and newlines from URLs and read a backslash as a slash,
// so "/\t/evil.example" or "/\\evil.example" lead to another host; any
// such byte, "//", a scheme, a host, and paths that decode to those are
// refused rather than repaired.
func sitePath(p, fallback string) string {
	if !cleanPath(p) {
		return fallback
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return fallback
	}
	// Decoded, it must still be clean and hold no dot segments, for any proxy
	// or browser that decodes or resolves a path before following it.
	if dec, err := url.PathUnescape(u.EscapedPath()); err != nil || !cleanPath(dec) || path.Clean(dec) != dec {
		return fallback
	}
	return p
}

// cleanPath: starts with one slash, and holds no control byte or backslash.
func cleanPath(p string) bool {
	if len(p) == 0 || len(p) > 2048 || p[0] != '/' || strings.HasPrefix(p, "//") {
		return false
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; c < 0x20 || c == 0x7f || c == '\\' {
			return false
		}
	}
	return true
}

type accountData struct {
	Zones []string
}

func (h *Handler) account(w http.ResponseWriter, r *http.Request, p *page) {
	p.Title, p.Nav = p.T("account.title"), "account"
	if r.URL.Query().Get("saved") == "1" {
		p.Notice = p.T("account.saved")
	}
	p.Data = accountData{Zones: commonZones}
	h.render(w, r, http.StatusOK, "account", p)
}

func (h *Handler) saveAccount(w http.ResponseWriter, r *http.Request, p *page) {
	locale := beseda.Locale(r.PostFormValue("locale"))
	tz := r.PostFormValue("time_zone")
	name := r.PostFormValue("name")
	upd := app.UserUpdate{Locale: &locale, TimeZone: &tz}
	if name != "" {
		upd.Name = &name
	}
	if password := r.PostFormValue("password"); password != "" {
		// One's own password changes only with the current one (H5); this
		// session stays, every other one ends.
		current := r.PostFormValue("current_password")
		upd.Password, upd.CurrentPassword = &password, &current
		if c, err := r.Cookie(httpx.SessionCookie); err == nil {
			upd.KeepToken = c.Value
		}
	}
	if _, err := h.app.Users.UpdateUser(r.Context(), p.User, p.User.ID, upd); err != nil {
		h.refuse(w, r, p, err, "/account", false)
		return
	}
	back(w, r, "/account?saved=1")
}

// commonZones are offered in the account page; the browser's zone is used
// when a manager picks none.
var commonZones = []string{"UTC", "Europe/London", "Europe/Berlin", "Europe/Kyiv", "Europe/Moscow", "Europe/Samara",
	"Asia/Yekaterinburg", "Asia/Almaty", "Asia/Novosibirsk", "Asia/Vladivostok", "Asia/Dubai", "Asia/Kolkata",
	"Asia/Shanghai", "Asia/Tokyo", "America/New_York", "America/Chicago", "America/Los_Angeles", "America/Sao_Paulo",
	"Australia/Sydney"}
