package app

import (
	"context"
	"crypto/hmac"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/store"
)

// OIDCSettings returns the workspace's single sign-on settings, the
// client secret left out (write-only). Owners and admins only.
func (a *SignIn) OIDCSettings(ctx context.Context, actor *beseda.User) (*beseda.OIDCSettings, error) {
	if !actor.IsAdmin() {
		return nil, beseda.Errorf(beseda.EFORBIDDEN, "only an owner or admin can see the sign-in settings")
	}
	s, err := a.db.FindOIDCSettings(ctx, actor.WorkspaceID)
	if err != nil {
		return nil, err
	}
	s.ClientSecret = ""
	return s, nil
}

// PutOIDCSettings replaces the workspace's single sign-on settings; an
// empty client_secret keeps the stored one. Turning password sign-in off
// needs an owner (owners keep theirs, so that a broken provider never
// locks the workspace out). The issuer is held to the address rule of the
// server's outgoing requests. Returns EINVALID, EFORBIDDEN.
func (a *SignIn) PutOIDCSettings(ctx context.Context, actor *beseda.User, in beseda.OIDCSettings) (*beseda.OIDCSettings, error) {
	if !actor.IsAdmin() || !actor.Scopes.Allows(beseda.ScopeSettings) {
		return nil, beseda.Errorf(beseda.EFORBIDDEN, "only an owner or admin can change the sign-in settings")
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if !in.PasswordLogin && actor.Role != beseda.RoleOwner {
		return nil, beseda.Errorf(beseda.EFORBIDDEN, "only an owner can turn password sign-in off")
	}
	if in.Issuer != "" && a.cfg.Addresses != nil {
		if err := a.cfg.Addresses.CheckURL(ctx, "issuer", in.Issuer); err != nil {
			return nil, err
		}
	}
	before, err := a.OIDCSettings(ctx, actor)
	if err != nil {
		return nil, err
	}
	err = a.db.Update(ctx, func(tx *store.Tx) error {
		if err := tx.PutOIDCSettings(ctx, actor.WorkspaceID, &in, a.now()); err != nil {
			return err
		}
		// The secret shows only that it changed ("***"), never its value.
		after := in
		after.HasSecret = before.HasSecret || in.ClientSecret != ""
		changes := beseda.AuditChanges(before, after)
		if len(changes) == 0 {
			return nil
		}
		return a.audit(ctx, tx, actor.WorkspaceID, actor, beseda.AuditSettingsChanged, AuditTarget{"settings", actor.WorkspaceID}, changes)
	})
	if err != nil {
		return nil, err
	}
	a.log.Info("sign-in settings changed", "workspace", actor.WorkspaceID, "by", actor.ID, "sso", in.Enabled(), "password_login", in.PasswordLogin)
	return a.OIDCSettings(ctx, actor)
}

// OIDCFlow is a sign-in in progress at the provider: what the callback
// checks the answer against. It travels in the browser's cookie, signed
// (SealFlow), so that no table holds half-done sign-ins.
type OIDCFlow struct {
	WorkspaceID int64  `json:"w"`
	State       string `json:"s"`
	Nonce       string `json:"n"`
	Verifier    string `json:"v"` // PKCE
	Next        string `json:"x"`
	Expires     int64  `json:"e"`
}

// oidcFlowTTL is how long a person has at the provider.
const oidcFlowTTL = 10 * time.Minute

// StartOIDC begins single sign-on for a work e-mail: its workspace is the
// one of its account, else the one whose allowed domains hold it. Returns
// the provider's URL to send the browser to and the flow to keep (a
// cookie), with PKCE, state and nonce. Returns ENOTFOUND (no single
// sign-on for the address).
func (a *SignIn) StartOIDC(ctx context.Context, email, redirectURL, next string) (string, *OIDCFlow, error) {
	notSet := beseda.Errorf(beseda.ENOTFOUND, "single sign-on is not set up for this address")
	email, err := beseda.NormalizeEmail(email)
	if err != nil {
		return "", nil, err
	}
	var wsID int64
	if u, err := a.db.FindUserByEmail(ctx, email); err == nil {
		wsID = u.WorkspaceID
	} else if beseda.ErrorCode(err) != beseda.ENOTFOUND {
		return "", nil, err
	} else {
		_, domain, _ := strings.Cut(email, "@")
		if wsID, err = a.db.FindOIDCWorkspaceByDomain(ctx, domain); err != nil {
			return "", nil, err
		}
	}
	if wsID == 0 {
		return "", nil, notSet
	}
	s, err := a.db.FindOIDCSettings(ctx, wsID)
	if err != nil {
		return "", nil, err
	}
	if !s.Enabled() {
		return "", nil, notSet
	}
	cfg, _, err := a.oauthConfig(ctx, s, redirectURL)
	if err != nil {
		return "", nil, err
	}
	f := &OIDCFlow{WorkspaceID: wsID, State: a.newSecret(), Nonce: a.newSecret(), Verifier: oauth2.GenerateVerifier(),
		Next: next, Expires: a.now().Add(oidcFlowTTL).Unix()}
	url := cfg.AuthCodeURL(f.State, oidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier),
		oauth2.SetAuthURLParam("login_hint", email))
	return url, f, nil
}

// oauthConfig discovers the provider (its endpoints and keys, through the
// guarded client) and returns the OAuth 2 client of the workspace.
func (a *SignIn) oauthConfig(ctx context.Context, s *beseda.OIDCSettings, redirectURL string) (*oauth2.Config, *oidc.Provider, error) {
	p, err := oidc.NewProvider(a.oidcContext(ctx), s.Issuer)
	if err != nil {
		a.log.Warn("single sign-on: provider discovery failed", "issuer", s.Issuer, "err", err)
		return nil, nil, beseda.Errorf(beseda.EINVALID, "the single sign-on provider cannot be reached; ask your owner to check its issuer")
	}
	return &oauth2.Config{ClientID: s.ClientID, ClientSecret: s.ClientSecret, Endpoint: p.Endpoint(),
		RedirectURL: redirectURL, Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}, p, nil
}

// oidcContext carries the HTTP client of the provider's requests.
func (a *SignIn) oidcContext(ctx context.Context) context.Context {
	client := a.cfg.OIDCClient
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	return oidc.ClientContext(ctx, client)
}

// FinishOIDC completes single sign-on with the provider's answer: the
// state must be the flow's, the code is exchanged with the PKCE verifier,
// the ID token is verified (signature, issuer, audience, expiry, by
// go-oidc) and must carry the flow's nonce and a verified e-mail of an
// allowed domain. The manager with that e-mail signs in; a new one is
// created with the workspace's role when it says so. Returns a session
// token (kind), the user and where to go. Returns EUNAUTHORIZED, EFORBIDDEN.
func (a *SignIn) FinishOIDC(ctx context.Context, f *OIDCFlow, state, code, redirectURL, kind string) (string, *beseda.User, error) {
	now := a.now()
	if f == nil || now.Unix() > f.Expires || !hmac.Equal([]byte(state), []byte(f.State)) || code == "" {
		return "", nil, beseda.Errorf(beseda.EUNAUTHORIZED, "the single sign-on has expired or was not started here; start again")
	}
	s, err := a.db.FindOIDCSettings(ctx, f.WorkspaceID)
	if err != nil {
		return "", nil, err
	}
	if !s.Enabled() {
		return "", nil, beseda.Errorf(beseda.EUNAUTHORIZED, "single sign-on is off for this workspace")
	}
	email, name, err := a.verifyOIDC(ctx, f, s, code, redirectURL)
	if err != nil {
		return "", nil, a.oidcRefused(ctx, f.WorkspaceID, email, err)
	}
	user, err := a.oidcUser(ctx, s, f.WorkspaceID, email, name)
	if err != nil {
		return "", nil, a.oidcRefused(ctx, f.WorkspaceID, email, err)
	}
	token, err := a.startSession(ctx, user, kind, now)
	if err != nil {
		return "", nil, err
	}
	a.log.Info("signed in with single sign-on", "workspace", user.WorkspaceID, "user", user.ID)
	return token, user, nil
}

// verifyOIDC exchanges the code and verifies the provider's answer for the
// flow (FinishOIDC), and returns the verified e-mail of an allowed domain
// and the name the provider gives; the e-mail too when it is refused, for
// the audit log.
func (a *SignIn) verifyOIDC(ctx context.Context, f *OIDCFlow, s *beseda.OIDCSettings, code, redirectURL string) (email, name string, err error) {
	cfg, p, err := a.oauthConfig(ctx, s, redirectURL)
	if err != nil {
		return "", "", err
	}
	octx := a.oidcContext(ctx)
	tok, err := cfg.Exchange(octx, code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		a.log.Warn("single sign-on: code exchange failed", "workspace", f.WorkspaceID, "err", err)
		return "", "", beseda.Errorf(beseda.EUNAUTHORIZED, "the provider did not confirm the sign-in")
	}
	raw, _ := tok.Extra("id_token").(string)
	idToken, err := p.Verifier(&oidc.Config{ClientID: s.ClientID, Now: a.clock.Now}).Verify(octx, raw)
	if err != nil {
		a.log.Warn("single sign-on: ID token refused", "workspace", f.WorkspaceID, "err", err)
		return "", "", beseda.Errorf(beseda.EUNAUTHORIZED, "the provider's answer could not be verified")
	}
	if !hmac.Equal([]byte(idToken.Nonce), []byte(f.Nonce)) {
		return "", "", beseda.Errorf(beseda.EUNAUTHORIZED, "the provider's answer is not for this sign-in")
	}
	var claims struct {
		Email    string `json:"email"`
		Verified *bool  `json:"email_verified"`
		Name     string `json:"name"`
	}
	if err := idToken.Claims(&claims); err != nil {
		return "", "", beseda.Errorf(beseda.EUNAUTHORIZED, "the provider's answer could not be read")
	}
	email, err = beseda.NormalizeEmail(claims.Email)
	if err != nil || claims.Verified == nil || !*claims.Verified {
		return "", "", beseda.Errorf(beseda.EFORBIDDEN, "the provider gave no verified e-mail address")
	}
	if !s.AllowsEmail(email) {
		return email, "", beseda.Errorf(beseda.EFORBIDDEN, "%s is not an address this workspace signs in with", email)
	}
	return email, claims.Name, nil
}

// oidcRefused records a refused single sign-on in the audit log of the
// workspace the flow was for (auth.sign_in_failed, of the manager when the
// e-mail is one of its own), and returns err. Failures of our own (the
// database, the provider unreachable) are not sign-in failures.
func (a *SignIn) oidcRefused(ctx context.Context, workspaceID int64, email string, err error) error {
	if code := beseda.ErrorCode(err); code != beseda.EUNAUTHORIZED && code != beseda.EFORBIDDEN {
		return err
	}
	changes := map[string]any{"method": "single_sign_on", "reason": beseda.ErrorMessage(err)}
	target := AuditTarget{Kind: "user"}
	if email != "" {
		changes["email"] = email
		if u, ferr := a.db.FindUserByEmail(ctx, email); ferr == nil && u.WorkspaceID == workspaceID {
			target.ID = u.ID
		}
	}
	if aerr := a.db.Update(ctx, func(tx *store.Tx) error {
		return a.audit(ctx, tx, workspaceID, nil, beseda.AuditSignInFailed, target, changes)
	}); aerr != nil {
		a.log.Error("audit of a refused single sign-on", "workspace", workspaceID, "err", aerr)
	}
	return err
}

// oidcUser returns the workspace's manager with the e-mail, creating one
// with the settings' role when they say so.
func (a *SignIn) oidcUser(ctx context.Context, s *beseda.OIDCSettings, wsID int64, email, name string) (*beseda.User, error) {
	u, err := a.db.FindUserByEmail(ctx, email)
	if err == nil {
		if u.WorkspaceID != wsID {
			return nil, beseda.Errorf(beseda.EFORBIDDEN, "%s belongs to another workspace", email)
		}
		return u, nil
	} else if beseda.ErrorCode(err) != beseda.ENOTFOUND {
		return nil, err
	}
	if !s.CreateUsers {
		return nil, beseda.Errorf(beseda.EFORBIDDEN, "%s has no account here; ask your owner to add you", email)
	}
	in := beseda.UserCreate{Email: email, Name: name, Password: a.newSecret(), Role: s.Role}
	if err := in.Validate(&beseda.User{Role: beseda.RoleOwner}); err != nil {
		return nil, err
	}
	// The password is random and never shown: such a manager signs in with
	// single sign-on (or gets a password from whoever manages users).
	hash, err := a.hashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	u = &beseda.User{WorkspaceID: wsID, Email: in.Email, Name: in.Name, Role: in.Role, Permissions: []beseda.Permission{}, CreatedAt: a.now()}
	err = a.db.Update(ctx, func(tx *store.Tx) error {
		if err := tx.CreateUser(ctx, u, hash); err != nil {
			return err
		}
		// Nobody made this manager but the workspace's setting: the
		// product is the actor, single sign-on the source.
		changes := beseda.AuditChanges(nil, userAudit(u))
		changes["source"] = "single_sign_on"
		return a.audit(ctx, tx, wsID, nil, beseda.AuditUserCreated, AuditTarget{"user", u.ID}, changes)
	})
	if err != nil {
		return nil, err
	}
	a.log.Info("user created by single sign-on", "workspace", wsID, "user", u.ID, "role", u.Role)
	return u, nil
}

// SealFlow signs a flow for its cookie.
func (a *SignIn) SealFlow(f *OIDCFlow) string {
	b, _ := json.Marshal(f)
	body := base64.RawURLEncoding.EncodeToString(b)
	return body + "." + a.mac("oidc-flow", body)
}

// OpenFlow reads a flow's cookie; nil if it is not this server's.
func (a *SignIn) OpenFlow(cookie string) *OIDCFlow {
	body, sig, ok := strings.Cut(cookie, ".")
	if !ok || len(a.cfg.Secret) == 0 || !hmac.Equal([]byte(sig), []byte(a.mac("oidc-flow", body))) {
		return nil
	}
	b, err := base64.RawURLEncoding.DecodeString(body)
	var f OIDCFlow
	if err != nil || json.Unmarshal(b, &f) != nil {
		return nil
	}
	return &f
}

// SSOAvailable reports whether any workspace has single sign-on, for the
// sign-in page to offer it.
func (a *SignIn) SSOAvailable(ctx context.Context) bool {
	n, err := a.db.CountOIDCWorkspaces(ctx)
	return err == nil && n > 0
}
