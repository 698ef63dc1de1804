package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/i18n"
	"github.com/beseda/beseda/internal/httpx"
	"github.com/beseda/beseda/internal/openapi"
)

//go:embed templates static
var files embed.FS

// CSP forbids inline scripts and styles: every script and stylesheet comes
// from this server's static files.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"font-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"

// Handler serves the console.
type Handler struct {
	app   *app.App
	log   *slog.Logger
	pages map[string]*template.Template
	// PublicURL is the address messengers reach this server at, for the
	// webhook URLs of channels; empty means "as the request came in".
	PublicURL string
}

// New parses the templates and returns the console.
func New(a *app.App, log *slog.Logger) (*Handler, error) {
	h := &Handler{app: a, log: log, pages: map[string]*template.Template{}}
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")
		if base == "layout" || strings.HasPrefix(base, "partial_") {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/partial_*.html", name)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", base, err)
		}
		h.pages[base] = t
	}
	return h, nil
}

// Register adds the console's routes to mux.
func (h *Handler) Register(mux openapi.Mux) {
	static, _ := fs.Sub(files, "static")
	fileServer := http.FileServerFS(static)
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fileServer.ServeHTTP(w, r)
	})))
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		// Browsers ask for it on pages without a <link rel=icon> (plain errors).
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Header().Set("Cache-Control", "public, max-age=86400")
		icon, _ := files.ReadFile("static/icon.svg")
		w.Write(icon)
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/chats", http.StatusSeeOther) })
	mux.HandleFunc("GET /login", h.loginPage)
	mux.HandleFunc("POST /login", h.login)
	mux.HandleFunc("POST /login/code", h.loginCode)
	mux.HandleFunc("POST /auth/oidc/start", h.oidcStart)
	mux.HandleFunc("GET /auth/oidc/callback", h.oidcCallback)
	routes := []struct {
		pattern string
		handle  func(http.ResponseWriter, *http.Request, *page)
	}{
		{"POST /logout", h.logout},
		{"GET /chats", h.chats},
		{"GET /chats/{id}", h.chat},
		{"GET /search", h.search},
		{"POST /chats/{id}/messages", h.postChatMessage},
		{"POST /chats/{id}/template", h.postChatTemplate},
		{"POST /chats/{id}/dialogs", h.createDialog},
		{"GET /dialogs", h.dialogsTab},
		{"GET /dialogs/{id}", h.dialog},
		{"POST /dialogs/{id}", h.updateDialog},
		{"POST /dialogs/{id}/status", h.changeStatus},
		{"POST /dialogs/{id}/messages", h.postDialogMessage},
		{"POST /dialogs/{id}/template", h.postDialogTemplate},
		{"GET /notifications", h.notifications},
		{"POST /notifications/{id}/read", h.readNotification},
		{"POST /notifications/read", h.readAll},
		{"GET /report", h.report},
		{"GET /settings/dialogs", h.dialogSettings},
		{"POST /settings/dialogs/{catalog}", h.addCatalogItem},
		{"POST /settings/dialogs/{catalog}/{id}", h.changeCatalogItem},
		{"GET /settings/standard-messages", h.standardMessages},
		{"POST /settings/standard-messages", h.saveStandardMessages},
		{"POST /settings/standard-messages/rating-template", h.saveRatingTemplate},
		{"GET /settings/users", h.users},
		{"POST /settings/users", h.createUser},
		{"POST /settings/users/{id}", h.updateUser},
		{"GET /settings/saved-replies", h.savedReplies},
		{"POST /settings/saved-replies", h.addSavedReply},
		{"POST /settings/saved-replies/{id}", h.changeSavedReply},
		{"GET /settings/integrations", h.integrations},
		{"POST /settings/integrations", h.addIntegration},
		{"POST /settings/integrations/{id}", h.changeIntegration},
		{"GET /settings/channels", h.channels},
		{"POST /settings/channels", h.addChannel},
		{"POST /settings/channels/{id}", h.changeChannel},
		{"GET /account", h.account},
		{"POST /account", h.saveAccount},
	}
	for _, rt := range routes {
		mux.HandleFunc(rt.pattern, h.session(rt.handle))
	}
	for _, rt := range slices.Concat(h.slaRoutes(), h.dataRightsRoutes(), h.routingRoutes()) {
		mux.HandleFunc(rt.pattern, h.session(rt.handle))
	}
	for _, rt := range h.signinRoutes() {
		mux.HandleFunc(rt.pattern, h.session(rt.handle))
	}
}

// page is what every console page knows: who is looking, in which language
// and time zone, and the page's own data.
type page struct {
	User      *beseda.User
	Workspace *beseda.Workspace
	CSRF      string
	Locale    beseda.Locale
	Loc       *time.Location
	Title     string
	Nav       string // the active section
	Unread    int
	Error     *viewError
	Notice    string
	Saved     bool             // a settings block was just saved
	Removal   *removal         // a removal asking for confirmation
	Live      map[string]int64 // what the page shows, for live updates (data-* on <body>)
	Data      any
	p         *i18n.Printer
	r         *http.Request
	channels  *beseda.Registry
	form      url.Values // a refused form, sent back to fill in again
}

// viewError is an error shown on a page, in the manager's language.
type viewError struct {
	Message  string
	DialogID int64 // a dialog to open, for conflicts about one
}

// T translates a key.
func (p *page) T(key string, args ...any) string { return p.p.T(key, args...) }

// When formats a time in the manager's time zone.
func (p *page) When(t any) string {
	var tt time.Time
	switch v := t.(type) {
	case time.Time:
		tt = v
	case *time.Time:
		if v == nil {
			return ""
		}
		tt = *v
	default:
		return ""
	}
	tt = tt.In(p.Loc)
	now := time.Now().In(p.Loc)
	if y, m, d := tt.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
		return tt.Format("15:04") // today
	}
	if p.Locale == beseda.LocaleRU {
		return tt.Format("02.01.2006 15:04")
	}
	return tt.Format("2006-01-02 15:04")
}

// Can reports whether the manager holds a permission.
func (p *page) Can(perm string) bool { return p.User.Can(beseda.Permission(perm)) }

// FailReason says why a message was not delivered, in the manager's words
// for the reasons Beseda itself gives (a platform's window, a channel
// switched off); other reasons are the platform's, in the title.
func (p *page) FailReason(reason string) string {
	switch reason {
	case beseda.OutsideWindow, beseda.ChannelDisabled:
		return p.T("reason." + reason)
	}
	return p.T("status.failed")
}

// ChannelTitle names a kind of channel in the manager's language.
func (p *page) ChannelTitle(kind beseda.ChannelKind) string {
	return p.channels.Of(kind).Title(p.Locale)
}

// IsAdmin reports whether the manager is an owner or admin.
func (p *page) IsAdmin() bool { return p.User.IsAdmin() }

// Path builds a URL path from parts.
func (p *page) Path(parts ...any) string {
	s := make([]string, len(parts))
	for i, v := range parts {
		s[i] = fmt.Sprint(v)
	}
	return strings.Join(s, "")
}

var funcs = template.FuncMap{
	"initials": func(name string) string {
		var out []rune
		for _, w := range strings.Fields(name) {
			for _, r := range w {
				out = append(out, r)
				break
			}
			if len(out) == 2 {
				break
			}
		}
		return strings.ToUpper(string(out))
	},
	"deref": func(v any) any {
		switch x := v.(type) {
		case *int:
			if x == nil {
				return 0
			}
			return *x
		case *int64:
			if x == nil {
				return int64(0)
			}
			return *x
		}
		return v
	},
	"seq": func(n int) []int {
		s := make([]int, n)
		for i := range s {
			s[i] = i + 1
		}
		return s
	},
	// ratingScale is the stars a manager may give (R1).
	"ratingScale": func() []int { return beseda.RatingScale[:] },
	"hasRef": func(refs []beseda.Ref, id int64) bool {
		for _, r := range refs {
			if r.ID == id {
				return true
			}
		}
		return false
	},
	"add":  func(a, b int) int { return a + b },
	"list": func(s ...string) []string { return s },
}

// session admits requests with a valid session cookie (else: to the sign-in
// page), checks the CSRF token of every request that changes state, and
// resolves the manager's language and time zone.
func (h *Handler) session(next func(http.ResponseWriter, *http.Request, *page)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(httpx.SessionCookie)
		if err != nil {
			h.toLogin(w, r)
			return
		}
		user, csrf, err := h.app.Users.Authenticate(r.Context(), c.Value, app.TokenSession)
		if beseda.ErrorCode(err) == beseda.EINTERNAL {
			h.fail(w, r, h.newPage(r, nil, ""), err) // the database failed: not a reason to sign in again
			return
		} else if err != nil {
			h.toLogin(w, r)
			return
		}
		if user.MustEnrol && !enrolPaths[r.Pattern] {
			// The workspace requires two-factor sign-in: set it up first.
			if httpx.SafeMethod(r.Method) {
				http.Redirect(w, r, "/account/security", http.StatusSeeOther)
			} else {
				http.Error(w, "Set up two-factor sign-in first.", http.StatusForbidden)
			}
			return
		}
		p := h.newPage(r, user, csrf)
		if !httpx.SafeMethod(r.Method) {
			if err := h.readMultipart(w, r); err != nil {
				h.fail(w, r, p, err)
				return
			}
			sent := r.Header.Get("X-CSRF-Token")
			if sent == "" {
				sent = r.PostFormValue("csrf")
			}
			if !httpx.ValidCSRF(sent, csrf) {
				h.fail(w, r, p, beseda.Errorf(beseda.EFORBIDDEN, "missing or wrong CSRF token"))
				return
			}
			if err := checkForm(r); err != nil {
				h.fail(w, r, p, err)
				return
			}
		}
		if p.Workspace, err = h.app.Users.Workspace(r.Context(), user); err != nil {
			h.fail(w, r, p, err)
			return
		}
		p.Unread, _ = h.app.Tasks.UnreadCount(r.Context(), user)
		p.applyFlash(takeFlash(w, r))
		r = r.WithContext(app.WithOrigin(r.Context(), app.Origin{Address: httpx.ClientAddr(r), Via: app.TokenSession}))
		next(w, r, p)
	}
}

func (h *Handler) toLogin(w http.ResponseWriter, r *http.Request) {
	if !httpx.SafeMethod(r.Method) {
		http.Error(w, "Sign in first.", http.StatusUnauthorized)
		return
	}
	http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
}

// newPage resolves language (the manager's choice, else the browser's, else
// the workspace's) and time zone (the manager's, else the browser's, which
// the page's script puts in a cookie).
func (h *Handler) newPage(r *http.Request, user *beseda.User, csrf string) *page {
	locale := beseda.LocaleEN
	if user != nil && user.Locale != "" {
		locale = user.Locale
	} else if al := r.Header.Get("Accept-Language"); al != "" {
		locale = beseda.ParseLocale(al)
	}
	loc := time.UTC
	tz := ""
	if user != nil {
		tz = user.TimeZone
	}
	if tz == "" {
		if c, err := r.Cookie("tz"); err == nil {
			tz, _ = url.QueryUnescape(c.Value)
		}
	}
	if l, err := time.LoadLocation(tz); tz != "" && err == nil {
		loc = l
	}
	return &page{User: user, CSRF: csrf, Locale: locale, Loc: loc, p: i18n.For(locale), r: r, Live: map[string]int64{},
		channels: h.app.Registry()}
}

// render writes a page (or, with ?fragment=NAME, one of its parts) with the
// security headers every console page has.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	t, ok := h.pages[name]
	if !ok {
		panic("web: no template " + name)
	}
	root := "layout"
	if frag := r.URL.Query().Get("fragment"); fragments[frag] && t.Lookup(frag) != nil {
		root = frag
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, root, p); err != nil {
		h.log.Error("render failed", "page", name, "route", r.Pattern, "fragment", root, "err", err)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	headers(w)
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// fragments are the parts of pages that the console's script refreshes
// (?fragment=NAME). Only these take the page as their data; any other
// template (a partial, a chart) would fail on it, so other names get the
// whole page. There is one: "live", everything under the page's alerts,
// which the script morphs into the page (app.js). One request per change,
// and the header of a dialog can never disagree with its panel.
var fragments = map[string]bool{"live": true}

func headers(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", CSP)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
}

// fail shows an error page with the status of the error's code.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, p *page, err error) {
	status := httpx.StatusOf(err)
	// The page's heading says what happened; the alert says why.
	switch status {
	case http.StatusForbidden:
		p.Title = p.T("error.title_forbidden")
	case http.StatusNotFound:
		p.Title = p.T("error.title_not_found")
	case http.StatusBadRequest:
		p.Title = p.T("error.title_invalid")
	case http.StatusConflict:
		p.Title = p.T("error.title_conflict")
	default:
		p.Title = p.T("error.title")
	}
	p.Error = h.viewError(r, p, err)
	if wantsJSON(r) {
		answerError(w, status, beseda.ErrorCode(err), p.Error)
		return
	}
	p.Data = status
	h.render(w, r, status, "error", p)
}

// viewError turns an error into the manager's language by its code. Every
// page that shows an error comes here, so internal errors (answered with 500)
// are logged here with their cause (H2).
func (h *Handler) viewError(r *http.Request, p *page, err error) *viewError {
	code := beseda.ErrorCode(err)
	if httpx.StatusOf(err) >= http.StatusInternalServerError {
		h.log.ErrorContext(r.Context(), "console request failed", "method", r.Method, "route", r.Pattern, "err", err)
	}
	ve := &viewError{Message: p.T("error." + code)}
	var e *beseda.Error
	if errors.As(err, &e) {
		ve.DialogID = e.DialogID
		if code == beseda.EINVALID || code == beseda.ENOTFOUND || code == beseda.EFORBIDDEN {
			// The domain's words say which field, written again in the
			// manager's language with the names the manager knows; words
			// the catalog lacks are shown only to English readers, never
			// mixed into another language.
			if detail, ok := p.p.Error(e); ok {
				ve.Message += " " + detail
			} else if p.Locale == beseda.LocaleEN {
				ve.Message += " " + e.Message
			}
		}
	}
	return ve
}

// back redirects to the page a form came from (PRG), or to fallback.
func back(w http.ResponseWriter, r *http.Request, fallback string) {
	http.Redirect(w, r, sitePath(r.PostFormValue("back"), fallback), http.StatusSeeOther)
}
