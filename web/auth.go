package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/httpapi"
)

type loginData struct {
	Email string
	Next  string
}

func (h *Handler) loginPage(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(r, nil, "")
	p.Title = p.T("login.title")
	p.Data = loginData{Next: safeNext(r.URL.Query().Get("next"))}
	h.render(w, r, http.StatusOK, "login", p)
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	email, password := r.PostFormValue("email"), r.PostFormValue("password")
	token, user, err := h.app.Login(r.Context(), email, password, app.TokenSession)
	if err != nil {
		p := h.newPage(r, nil, "")
		p.Title = p.T("login.title")
		p.Error = &viewError{Message: p.T("login.failed")}
		p.Data = loginData{Email: email, Next: safeNext(r.PostFormValue("next"))}
		h.render(w, r, http.StatusUnauthorized, "login", p)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: httpapi.SessionCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: secure(r), Expires: time.Now().Add(30 * 24 * time.Hour)})
	h.log.Info("console sign-in", "workspace", user.WorkspaceID, "user", user.ID)
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request, p *page) {
	if c, err := r.Cookie(httpapi.SessionCookie); err == nil {
		_ = h.app.Logout(r.Context(), c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: httpapi.SessionCookie, Value: "", Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: secure(r), MaxAge: -1})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// secure tells whether the cookie must be Secure: served over TLS, here or at
// a proxy in front.
func secure(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// safeNext keeps redirects after sign-in on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/chats"
	}
	return next
}

type accountData struct {
	Zones []string
}

func (h *Handler) account(w http.ResponseWriter, r *http.Request, p *page) {
	p.Title, p.Nav = p.T("account.title"), "account"
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
	if _, err := h.app.UpdateUser(r.Context(), p.User, p.User.ID, upd); err != nil {
		p.Title, p.Nav = p.T("account.title"), "account"
		p.Error = h.viewError(r, p, err)
		p.Data = accountData{Zones: commonZones}
		h.render(w, r, httpapi.StatusOf(err), "account", p)
		return
	}
	back(w, r, "/account")
}

// commonZones are offered in the account page; the browser's zone is used
// when a manager picks none.
var commonZones = []string{"UTC", "Europe/London", "Europe/Berlin", "Europe/Kyiv", "Europe/Moscow", "Europe/Samara",
	"Asia/Yekaterinburg", "Asia/Almaty", "Asia/Novosibirsk", "Asia/Vladivostok", "Asia/Dubai", "Asia/Kolkata",
	"Asia/Shanghai", "Asia/Tokyo", "America/New_York", "America/Chicago", "America/Los_Angeles", "America/Sao_Paulo",
	"Australia/Sydney"}
