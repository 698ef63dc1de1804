package web

import (
	"encoding/base64"
	"errors"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/internal/httpx"
)

// signinRoutes are the console's pages of signing in: one's own two-factor
// sign-in and API tokens (Account → Security), and the workspace's
// sign-in settings (Settings → Sign-in).
func (h *Handler) signinRoutes() []route {
	return []route{
		{"GET /account/security", h.security},
		{"POST /account/totp", h.startTOTP},
		{"POST /account/totp/confirm", h.confirmTOTP},
		{"POST /account/totp/disable", h.disableTOTP},
		{"POST /account/tokens", h.createToken},
		{"POST /account/tokens/{id}", h.revokeToken},
		{"GET /settings/sign-in", h.signinSettings},
		{"POST /settings/sign-in", h.saveSigninSettings},
		{"POST /settings/sign-in/two-factor", h.saveTwoFactorPolicy},
	}
}

// enrolPaths are what a manager who must set up two-factor sign-in may
// open until they have.
var enrolPaths = map[string]bool{"GET /account/security": true, "POST /account/totp": true,
	"POST /account/totp/confirm": true, "POST /logout": true}

type securityData struct {
	TwoFactor     bool
	CodesLeft     int
	Enrolment     *app.TOTPEnrolment
	QR            template.URL // the enrolment's QR code as a data: URL
	RecoveryCodes []string     // just made: shown this once
	MustEnrol     bool
	Tokens        []*beseda.APIToken
	Scopes        []beseda.Scope // those the manager may give
	NewToken      *beseda.APIToken
	Expiries      []int // days
}

// security is Account → Security: two-factor sign-in and API tokens.
func (h *Handler) security(w http.ResponseWriter, r *http.Request, p *page) {
	h.renderSecurity(w, r, p, securityData{})
}

func (h *Handler) renderSecurity(w http.ResponseWriter, r *http.Request, p *page, d securityData) {
	ctx := r.Context()
	var err error
	d.TwoFactor, d.MustEnrol = p.User.TwoFactor, p.User.MustEnrol
	if d.TwoFactor && d.RecoveryCodes == nil {
		if d.CodesLeft, err = h.app.SignIn.RecoveryCodesLeft(ctx, p.User); err != nil {
			h.fail(w, r, p, err)
			return
		}
	}
	if !d.TwoFactor && d.RecoveryCodes == nil {
		if d.Enrolment, err = h.app.SignIn.PendingTOTP(ctx, p.User); err != nil {
			h.fail(w, r, p, err)
			return
		}
		if d.Enrolment != nil {
			d.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(d.Enrolment.QRCode))
		}
	}
	if !d.MustEnrol {
		if d.Tokens, err = h.app.Tokens.ListTokens(ctx, p.User); err != nil {
			h.fail(w, r, p, err)
			return
		}
		d.Scopes, d.Expiries = p.User.HeldScopes(), []int{30, 90, 365, 0}
	}
	p.Title, p.Nav = p.T("security.title"), "account"
	if d.MustEnrol {
		p.Notice = p.T("security.must_enrol")
	}
	p.Data = d
	h.render(w, r, http.StatusOK, "account_security", p)
}

func (h *Handler) startTOTP(w http.ResponseWriter, r *http.Request, p *page) {
	if _, err := h.app.SignIn.StartTOTP(r.Context(), p.User); err != nil {
		h.refuse(w, r, p, err, "/account/security#two-factor", false)
		return
	}
	http.Redirect(w, r, "/account/security#two-factor", http.StatusSeeOther)
}

func (h *Handler) confirmTOTP(w http.ResponseWriter, r *http.Request, p *page) {
	codes, err := h.app.SignIn.ConfirmTOTP(r.Context(), p.User, r.PostFormValue("code"))
	if err != nil {
		h.refuse(w, r, p, err, "/account/security#two-factor", false)
		return
	}
	p.User.TwoFactor, p.User.MustEnrol = true, false
	p.Notice = p.T("security.enabled")
	h.renderSecurity(w, r, p, securityData{RecoveryCodes: codes})
}

func (h *Handler) disableTOTP(w http.ResponseWriter, r *http.Request, p *page) {
	if err := h.app.SignIn.DisableTOTP(r.Context(), p.User, r.PostFormValue("code")); err != nil {
		h.refuse(w, r, p, err, "/account/security#two-factor", false)
		return
	}
	setFlash(w, flash{Notice: p.T("security.disabled")})
	http.Redirect(w, r, "/account/security", http.StatusSeeOther)
}

func (h *Handler) createToken(w http.ResponseWriter, r *http.Request, p *page) {
	_ = r.ParseForm()
	in := beseda.APITokenCreate{Name: r.PostFormValue("name")}
	for _, s := range r.PostForm["scopes"] {
		in.Scopes = append(in.Scopes, beseda.Scope(s))
	}
	in.ExpiresInDays, _ = strconv.Atoi(r.PostFormValue("expires_days"))
	t, err := h.app.Tokens.CreateToken(r.Context(), p.User, in)
	if err != nil {
		h.refuse(w, r, p, err, "/account/security#new-token", true)
		return
	}
	p.Notice = p.T("tokens.created")
	h.renderSecurity(w, r, p, securityData{NewToken: t})
}

func (h *Handler) revokeToken(w http.ResponseWriter, r *http.Request, p *page) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err := h.app.Tokens.RevokeToken(r.Context(), p.User, id); err != nil {
		h.refuse(w, r, p, err, "/account/security#tokens", false)
		return
	}
	setFlash(w, flash{Notice: p.T("tokens.revoked")})
	http.Redirect(w, r, "/account/security#tokens", http.StatusSeeOther)
}

type signinSettingsData struct {
	OIDC        *beseda.OIDCSettings
	Domains     string
	Required    bool
	IsOwner     bool
	CallbackURL string
}

// signinSettings is Settings → Sign-in: single sign-on and whether
// two-factor sign-in is required, for owners and admins.
func (h *Handler) signinSettings(w http.ResponseWriter, r *http.Request, p *page) {
	s, err := h.app.SignIn.OIDCSettings(r.Context(), p.User)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	policy, err := h.app.SignIn.TwoFactorPolicy(r.Context(), p.User)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	if f := p.Refused(); f != nil && f.Get("issuer") != "" {
		s.Issuer, s.ClientID, s.Role = f.Get("issuer"), f.Get("client_id"), beseda.Role(f.Get("role"))
		s.AllowedDomains = strings.Fields(strings.ReplaceAll(f.Get("allowed_domains"), ",", " "))
		s.CreateUsers, s.PasswordLogin = f.Get("create_users") != "", f.Get("password_login") != ""
	}
	p.Title, p.Nav = p.T("settings.signin"), "settings"
	p.Data = signinSettingsData{OIDC: s, Domains: strings.Join(s.AllowedDomains, ", "), Required: policy.Required,
		IsOwner: p.User.Role == beseda.RoleOwner, CallbackURL: h.callbackURL(r)}
	h.render(w, r, http.StatusOK, "settings_signin", p)
}

func (h *Handler) saveSigninSettings(w http.ResponseWriter, r *http.Request, p *page) {
	_ = r.ParseForm()
	in := beseda.OIDCSettings{Issuer: r.PostFormValue("issuer"), ClientID: r.PostFormValue("client_id"),
		ClientSecret: r.PostFormValue("client_secret"), Role: beseda.Role(r.PostFormValue("role")),
		AllowedDomains: strings.Fields(strings.ReplaceAll(r.PostFormValue("allowed_domains"), ",", " ")),
		CreateUsers:    r.PostFormValue("create_users") != "", PasswordLogin: r.PostFormValue("password_login") != ""}
	r.PostForm.Del("client_secret") // a refused form comes back through a cookie: never with the secret
	if _, err := h.app.SignIn.PutOIDCSettings(r.Context(), p.User, in); err != nil {
		h.refuse(w, r, p, err, "/settings/sign-in#oidc", true)
		return
	}
	setFlash(w, flash{Notice: p.T("settings.saved")})
	http.Redirect(w, r, "/settings/sign-in", http.StatusSeeOther)
}

func (h *Handler) saveTwoFactorPolicy(w http.ResponseWriter, r *http.Request, p *page) {
	policy := app.TwoFactorPolicy{Required: r.PostFormValue("required") != ""}
	if _, err := h.app.SignIn.SetTwoFactorPolicy(r.Context(), p.User, policy); err != nil {
		h.refuse(w, r, p, err, "/settings/sign-in#two-factor", false)
		return
	}
	setFlash(w, flash{Notice: p.T("settings.saved")})
	http.Redirect(w, r, "/settings/sign-in", http.StatusSeeOther)
}

// callbackURL is where the provider sends a person back to.
func (h *Handler) callbackURL(r *http.Request) string {
	return httpx.BaseURL(r, h.PublicURL) + "/auth/oidc/callback"
}

// The single sign-on flow's cookie: the signed state, nonce and PKCE
// verifier of a sign-in at the provider (app.OIDCFlow). It must come back
// with the provider's redirect, a top-level GET from another site: Lax.
const oidcCookie = "beseda_oidc"

type loginCodeData struct {
	Ticket string
	Next   string
	CSRF   string
}

// loginCode is the sign-in's second step: the code of the authenticator
// app (or a recovery code), with the ticket of the right password.
func (h *Handler) loginCode(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.PostFormValue("next"))
	c, err := r.Cookie(loginCookieName(r))
	if err != nil || !fromThisSite(r) || !h.app.Users.CheckLoginFormToken(c.Value, r.PostFormValue("csrf")) {
		h.loginAgain(w, r, http.StatusForbidden, "", next, "login.expired")
		return
	}
	l, err := h.app.Users.LoginWith(r.Context(), app.Credentials{Ticket: r.PostFormValue("ticket"), TOTPCode: r.PostFormValue("code")},
		app.TokenSession, httpx.ClientAddr(r))
	h.finishLogin(w, r, l, err, "", next)
}

// finishLogin answers a sign-in's attempt: the session and the page asked
// for, the code's step, or the form again with why.
func (h *Handler) finishLogin(w http.ResponseWriter, r *http.Request, l app.Login, err error, email, next string) {
	if err == nil {
		h.startSession(w, r, l.Token, l.User, next)
		return
	}
	p := h.newPage(r, nil, "")
	switch code := beseda.ErrorCode(err); {
	case code == beseda.ETOTPREQUIRED || code == beseda.EUNAUTHORIZED && l.Ticket != "":
		p.Title = p.T("login.code_title")
		if code == beseda.EUNAUTHORIZED {
			p.Error = &viewError{Message: p.T("login.code_wrong")}
		}
		p.Data = loginCodeData{Ticket: l.Ticket, Next: next, CSRF: h.loginToken(w, r)}
		h.render(w, r, http.StatusUnauthorized, "login_code", p)
	case code == beseda.EUNAUTHORIZED || code == beseda.EINVALID:
		h.loginAgain(w, r, http.StatusUnauthorized, email, next, "login.failed")
	case code == beseda.EPASSWORDLOGINOFF:
		h.loginAgain(w, r, http.StatusForbidden, email, next, "login.sso_only")
	case code == beseda.EMANYATTEMPTS:
		var e *beseda.Error
		errors.As(err, &e)
		w.Header().Set("Retry-After", httpx.RetryAfter(e.RetryAfter))
		h.loginAgainWith(w, r, http.StatusTooManyRequests, email, next, p.T("login.too_many", int(math.Ceil(e.RetryAfter.Minutes()))))
	default:
		h.loginAgainWith(w, r, httpx.StatusOf(err), email, next, h.viewError(r, p, err).Message)
	}
}

// startSession sets the console's session cookie and goes on to next.
func (h *Handler) startSession(w http.ResponseWriter, r *http.Request, token string, user *beseda.User, next string) {
	http.SetCookie(w, &http.Cookie{Name: httpx.SessionCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: secure(r), Expires: time.Now().Add(30 * 24 * time.Hour)})
	http.SetCookie(w, &http.Cookie{Name: loginCookieName(r), Value: "", Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: secure(r), MaxAge: -1})
	h.log.Info("console sign-in", "workspace", user.WorkspaceID, "user", user.ID)
	if user.MustEnrol {
		next = "/account/security"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// loginAgain shows the sign-in form again with a message of the catalog.
func (h *Handler) loginAgain(w http.ResponseWriter, r *http.Request, status int, email, next, key string) {
	h.loginAgainWith(w, r, status, email, next, h.newPage(r, nil, "").T(key))
}

func (h *Handler) loginAgainWith(w http.ResponseWriter, r *http.Request, status int, email, next, message string) {
	p := h.newPage(r, nil, "")
	p.Title = p.T("login.title")
	p.Error = &viewError{Message: message}
	p.Data = loginData{Email: email, Next: next, CSRF: h.loginToken(w, r), SSO: h.app.SignIn.SSOAvailable(r.Context())}
	h.render(w, r, status, "login", p)
}

// oidcStart sends a person on to their workspace's provider, with the
// flow in a signed cookie. The answer is a page that moves on by itself
// (Refresh) rather than a redirect: a form's redirect to another site is
// refused by the console's form-action policy.
func (h *Handler) oidcStart(w http.ResponseWriter, r *http.Request) {
	email, next := r.PostFormValue("email"), safeNext(r.PostFormValue("next"))
	c, err := r.Cookie(loginCookieName(r))
	if err != nil || !fromThisSite(r) || !h.app.Users.CheckLoginFormToken(c.Value, r.PostFormValue("csrf")) {
		h.loginAgain(w, r, http.StatusForbidden, email, next, "login.expired")
		return
	}
	to, flow, err := h.app.SignIn.StartOIDC(r.Context(), email, h.callbackURL(r), next)
	if err != nil {
		p := h.newPage(r, nil, "")
		if beseda.ErrorCode(err) == beseda.ENOTFOUND {
			h.loginAgain(w, r, http.StatusNotFound, email, next, "login.sso_none")
			return
		}
		h.loginAgainWith(w, r, httpx.StatusOf(err), email, next, h.viewError(r, p, err).Message)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: h.app.SignIn.SealFlow(flow), Path: "/auth/oidc/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: secure(r), MaxAge: 600})
	w.Header().Set("Refresh", "0; url="+to)
	p := h.newPage(r, nil, "")
	p.Title = p.T("login.sso_continue")
	p.Data = template.URL(to)
	h.render(w, r, http.StatusOK, "login_sso", p)
}

// oidcCallback finishes single sign-on with the provider's answer.
func (h *Handler) oidcCallback(w http.ResponseWriter, r *http.Request) {
	var flow *app.OIDCFlow
	if c, err := r.Cookie(oidcCookie); err == nil {
		flow = h.app.SignIn.OpenFlow(c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: "", Path: "/auth/oidc/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: secure(r), MaxAge: -1})
	q := r.URL.Query()
	if q.Get("error") != "" {
		h.loginAgain(w, r, http.StatusUnauthorized, "", "/chats", "login.sso_failed")
		return
	}
	ctx := app.WithOrigin(r.Context(), app.Origin{Address: httpx.ClientAddr(r), Via: app.TokenSession}) // for the audit log
	token, user, err := h.app.SignIn.FinishOIDC(ctx, flow, q.Get("state"), q.Get("code"), h.callbackURL(r), app.TokenSession)
	if err != nil {
		p := h.newPage(r, nil, "")
		msg := p.T("login.sso_failed")
		if beseda.ErrorCode(err) == beseda.EFORBIDDEN { // why this person may not sign in here
			msg = h.viewError(r, p, err).Message
		}
		h.loginAgainWith(w, r, httpx.StatusOf(err), "", "/chats", msg)
		return
	}
	next := "/chats"
	if flow != nil {
		next = safeNext(flow.Next)
	}
	h.startSession(w, r, token, user, next)
}
