package beseda

import (
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Error codes of signing in (issue 24).
const (
	// ETOTPREQUIRED: the password was right and the account has two-factor
	// sign-in on; the request must carry totp_code (or a recovery code).
	ETOTPREQUIRED = "totp_required"
	// ETOTPENROL: the workspace requires two-factor sign-in and the manager
	// has not set it up yet; only setting it up is allowed.
	ETOTPENROL = "totp_enrolment_required"
	// EPASSWORDLOGINOFF: the workspace signs its managers in with single
	// sign-on only.
	EPASSWORDLOGINOFF = "password_login_disabled"
)

// Scope is what an API token may be used for. A token carries one or more;
// what it may do is what its creator holds, narrowed to its scopes.
type Scope string

const (
	ScopeRead     Scope = "read"     // GET of what the creator sees
	ScopeWrite    Scope = "write"    // messages, dialogs, uploads, outbound, notifications
	ScopeSettings Scope = "settings" // workspace settings, users, channels, automation
	ScopeReport   Scope = "report"   // the dialogs report (reports.view)
	ScopeWebhooks Scope = "webhooks" // outgoing webhooks (integrations.manage)
)

// AllScopes lists the scopes in the order screens show them.
var AllScopes = []Scope{ScopeRead, ScopeWrite, ScopeSettings, ScopeReport, ScopeWebhooks}

func (s Scope) Valid() bool { return slices.Contains(AllScopes, s) }

// scopeOfPermission is the one scope a permission needs in a token: a
// token without it cannot use the permission, whoever made it.
var scopeOfPermission = map[Permission]Scope{
	PermDialogSettingsEdit:   ScopeSettings,
	PermStandardMessagesEdit: ScopeSettings,
	PermSavedRepliesEdit:     ScopeSettings,
	PermUsersManage:          ScopeSettings,
	PermAutomationEdit:       ScopeSettings,
	PermReportsView:          ScopeReport,
	PermIntegrationsManage:   ScopeWebhooks,
}

// ScopeOf returns the scope a permission needs in a token; permissions
// added later (by other features) need settings unless mapped here.
func ScopeOf(p Permission) Scope {
	if s, ok := scopeOfPermission[p]; ok {
		return s
	}
	return ScopeSettings
}

// HoldsScope reports whether u may give a token the scope: read and write
// are every manager's; settings needs an owner or admin or one of the
// permissions it covers; report and webhooks their permission.
func (u *User) HoldsScope(s Scope) bool {
	switch s {
	case ScopeRead, ScopeWrite:
		return true
	case ScopeSettings:
		if u.IsAdmin() {
			return true
		}
	}
	for p, ps := range scopeOfPermission {
		if ps == s && u.Can(p) {
			return true
		}
	}
	return false
}

// HeldScopes lists the scopes u may give a token.
func (u *User) HeldScopes() []Scope {
	var out []Scope
	for _, s := range AllScopes {
		if u.HoldsScope(s) {
			out = append(out, s)
		}
	}
	return out
}

// apiPrefixScopes gives whole areas of the API their scope, whatever the
// method: the first prefix that matches wins.
var apiPrefixScopes = []struct {
	prefix string
	scope  Scope
}{
	{"/api/v1/webhooks", ScopeWebhooks},
	{"/api/v1/reports", ScopeReport},
	{"/api/v1/audit", ScopeSettings},
	{"/api/v1/tokens", ScopeSettings},
	{"/api/v1/me/", ScopeSettings}, // two-factor sign-in
}

// settingsPrefixes are areas whose changes are settings; reading them is
// read (a dialog's form needs the types).
var settingsPrefixes = []string{"/api/v1/settings/", "/api/v1/users", "/api/v1/channels", "/api/v1/funnels",
	"/api/v1/smart-answers", "/api/v1/saved-replies", "/api/v1/me"}

// RouteScope returns the scope a token needs for a route of the API, from
// its method and path pattern ("PATCH /api/v1/dialogs/{id}" is PATCH and
// /api/v1/dialogs/{id}). Every route has one: new routes get read for
// reading and write for changing unless their area says otherwise.
func RouteScope(method, path string) Scope {
	for _, p := range apiPrefixScopes {
		if strings.HasPrefix(path, p.prefix) {
			return p.scope
		}
	}
	if method == "GET" || method == "HEAD" {
		return ScopeRead
	}
	for _, p := range settingsPrefixes {
		if path == p || strings.HasPrefix(path, p+"/") || strings.HasSuffix(p, "/") && strings.HasPrefix(path, p) {
			return ScopeSettings
		}
	}
	return ScopeWrite
}

// TokenScopes is what a token was given: nil for a token of sign-in, which
// carries everything its user holds.
type TokenScopes []Scope

// Allows reports whether the token may be used with scope s.
func (ts TokenScopes) Allows(s Scope) bool { return ts == nil || slices.Contains(ts, s) }

// APIToken is a scoped API token a manager made for an integration. The
// token itself is shown once, at creation (Token), and stored only hashed.
type APIToken struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	UserName   string     `json:"user_name,omitzero"`
	Name       string     `json:"name"`
	Scopes     []Scope    `json:"scopes"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	Token      string     `json:"token,omitzero"`
}

// APITokenCreate is the input for a new token.
type APITokenCreate struct {
	Name      string     `json:"name"`
	Scopes    []Scope    `json:"scopes"`
	ExpiresAt *time.Time `json:"expires_at"`
	// ExpiresInDays, instead of expires_at: the token ends this many days
	// after it is made.
	ExpiresInDays int `json:"expires_in_days,omitzero"`
}

// Validate normalises the input and checks it against what by holds: a
// token never carries more than its creator (EFORBIDDEN), and a token made
// with a scoped token carries no scope that one lacks.
func (c *APITokenCreate) Validate(by *User, now time.Time) error {
	c.Name = strings.TrimSpace(c.Name)
	if err := CheckText("name", c.Name); err != nil {
		return err
	}
	if c.Name == "" || utf8.RuneCountInString(c.Name) > 100 {
		return Errorf(EINVALID, "name must be 1–100 characters")
	}
	if len(c.Scopes) == 0 {
		return Errorf(EINVALID, "scopes must name at least one of read, write, settings, report, webhooks")
	}
	var scopes []Scope
	for _, s := range c.Scopes {
		if !s.Valid() {
			return Errorf(EINVALID, "unknown scope %q", s)
		}
		if !by.HoldsScope(s) || !by.Scopes.Allows(s) {
			return Errorf(EFORBIDDEN, "you cannot give a token the scope %q: you do not hold it", s)
		}
		if !slices.Contains(scopes, s) {
			scopes = append(scopes, s)
		}
	}
	slices.SortFunc(scopes, func(a, b Scope) int { return slices.Index(AllScopes, a) - slices.Index(AllScopes, b) })
	c.Scopes = scopes
	if c.ExpiresInDays < 0 || c.ExpiresInDays > 3650 || c.ExpiresInDays > 0 && c.ExpiresAt != nil {
		return Errorf(EINVALID, "expires_in_days must be 1–3650, and not given with expires_at")
	}
	if c.ExpiresInDays > 0 {
		at := now.AddDate(0, 0, c.ExpiresInDays)
		c.ExpiresAt = &at
	}
	if c.ExpiresAt != nil && !c.ExpiresAt.After(now) {
		return Errorf(EINVALID, "expires_at must be in the future")
	}
	return nil
}

// OIDCSettings is a workspace's single sign-on with OpenID Connect. The
// client secret is write-only: it is never shown, only whether one is set.
type OIDCSettings struct {
	Issuer         string   `json:"issuer"`
	ClientID       string   `json:"client_id"`
	ClientSecret   string   `json:"client_secret,omitempty"`
	HasSecret      bool     `json:"client_secret_set"`
	AllowedDomains []string `json:"allowed_domains"`
	CreateUsers    bool     `json:"create_users"`
	Role           Role     `json:"role"`
	// PasswordLogin false: managers sign in with single sign-on only. The
	// workspace's owners keep their password (and two-factor code), so that
	// a broken provider never locks the workspace out.
	PasswordLogin bool `json:"password_login"`
}

// Enabled reports whether single sign-on is set up.
func (s *OIDCSettings) Enabled() bool { return s != nil && s.Issuer != "" && s.ClientID != "" }

// Validate normalises the settings. An empty issuer turns single sign-on
// off (and password sign-in back on).
func (s *OIDCSettings) Validate() error {
	s.Issuer = strings.TrimRight(strings.TrimSpace(s.Issuer), "/")
	s.ClientID = strings.TrimSpace(s.ClientID)
	for _, f := range []struct{ name, v string }{{"issuer", s.Issuer}, {"client_id", s.ClientID}, {"client_secret", s.ClientSecret}} {
		if err := CheckText(f.name, f.v); err != nil {
			return err
		}
		if len(f.v) > 2000 {
			return Errorf(EINVALID, "%s is too long", Field(f.name))
		}
	}
	if s.Issuer == "" {
		*s = OIDCSettings{PasswordLogin: true, Role: RoleManager}
		return nil
	}
	if u, err := url.Parse(s.Issuer); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return Errorf(EINVALID, "issuer must be an http(s) URL")
	}
	if s.ClientID == "" {
		return Errorf(EINVALID, "client_id is required")
	}
	var domains []string
	for _, d := range s.AllowedDomains {
		d = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(d), "@"))
		if d == "" {
			continue
		}
		if _, err := NormalizeEmail("x@" + d); err != nil {
			return Errorf(EINVALID, "allowed_domains: %q is not a domain", d)
		}
		if !slices.Contains(domains, d) {
			domains = append(domains, d)
		}
	}
	s.AllowedDomains = domains
	if s.Role == "" {
		s.Role = RoleManager
	}
	if s.Role != RoleManager && s.Role != RoleAdmin {
		return Errorf(EINVALID, "role must be manager or admin")
	}
	return nil
}

// AllowsEmail reports whether a verified e-mail of the provider may sign
// in: its domain is one of the allowed ones (none listed: any).
func (s *OIDCSettings) AllowsEmail(email string) bool {
	_, domain, ok := strings.Cut(email, "@")
	return ok && (len(s.AllowedDomains) == 0 || slices.Contains(s.AllowedDomains, domain))
}

// RecoveryCodes is how many single-use codes a manager gets with two-factor
// sign-in, for a lost phone.
const RecoveryCodes = 10
