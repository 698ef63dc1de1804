package beseda

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is a manager's role in a workspace (P2).
type Role string

const (
	RoleOwner   Role = "owner"
	RoleAdmin   Role = "admin"
	RoleManager Role = "manager"
)

func (r Role) Valid() bool { return r == RoleOwner || r == RoleAdmin || r == RoleManager }

// Permission is a right that a manager may be granted one by one (P2).
// Owners and admins have them all.
type Permission string

const (
	PermDialogSettingsEdit   Permission = "dialog_settings.edit"
	PermStandardMessagesEdit Permission = "standard_messages.edit"
	PermReportsView          Permission = "reports.view"
	PermUsersManage          Permission = "users.manage"
	PermAutomationEdit       Permission = "automation.edit"
	PermSavedRepliesEdit     Permission = "saved_replies.edit"
	PermIntegrationsManage   Permission = "integrations.manage"
	PermAuditRead            Permission = "audit.read"
)

// AllPermissions lists every grantable permission, in the order screens show them.
var AllPermissions = []Permission{
	PermDialogSettingsEdit, PermStandardMessagesEdit, PermSavedRepliesEdit, PermReportsView, PermUsersManage, PermAutomationEdit,
	PermIntegrationsManage, PermAuditRead,
}

func (p Permission) Valid() bool { return slices.Contains(AllPermissions, p) }

// User is a manager of a workspace: a person who signs in to the console.
// A colleague's account as a manager who does not manage users sees it
// (Colleague) has only ID and Name: the fields left zero are left out of
// its JSON.
type User struct {
	ID          int64        `json:"id"`
	WorkspaceID int64        `json:"workspace_id,omitzero"`
	Email       string       `json:"email,omitzero"`
	Name        string       `json:"name"`
	Role        Role         `json:"role,omitzero"`
	Permissions []Permission `json:"permissions,omitzero"` // grants beyond the role; never nil when shown
	Locale      Locale       `json:"locale,omitempty"`
	TimeZone    string       `json:"time_zone,omitempty"`
	CreatedAt   time.Time    `json:"created_at,omitzero"`

	// Capacity is how many open chats routing gives the manager (A5), and
	// Availability whether they take chats now (A3), as every colleague
	// sees it. LastSeenAt is when they last did something signed in.
	Capacity     int          `json:"capacity"`
	Availability Availability `json:"availability"`
	LastSeenAt   time.Time    `json:"-"`

	// TwoFactor: the manager signs in with a TOTP code after the password.
	TwoFactor bool `json:"two_factor,omitzero"`
	// MustEnrol: the workspace requires two-factor sign-in and the manager
	// has not set it up; until then only setting it up is allowed.
	MustEnrol bool `json:"-"`
	// Scopes narrows what the user may do on this request: the scopes of the
	// API token it came with (nil: a sign-in, everything the user holds).
	Scopes TokenScopes `json:"-"`
	// Token is the scoped API token the request came with (nil: a sign-in),
	// which the audit log names.
	Token *Ref `json:"-"`
}

// SeesAccountOf reports whether u may see other's account — e-mail, role,
// permissions, language, time zone — rather than only the id and name
// every manager sees of colleagues to add them to dialogs (P2): one's own,
// and everyone's for those who manage users (users.manage; owners and
// admins).
func (u *User) SeesAccountOf(other *User) bool {
	return u.ID == other.ID || u.Can(PermUsersManage)
}

// Colleague is what a manager who does not manage users sees of another:
// the id and the name.
func (u *User) Colleague() *User {
	return &User{ID: u.ID, Name: u.Name, Capacity: u.Capacity, Availability: u.Availability}
}

// Can reports whether the user holds permission p.
func (u *User) Can(p Permission) bool {
	if !u.Scopes.Allows(ScopeOf(p)) {
		return false
	}
	if u.Role == RoleOwner || u.Role == RoleAdmin {
		return true
	}
	return slices.Contains(u.Permissions, p)
}

// IsAdmin reports whether the user is an owner or admin: the roles that manage
// channels and other installation-wide things.
func (u *User) IsAdmin() bool { return u.Role == RoleOwner || u.Role == RoleAdmin }

// Require returns a forbidden error unless the user holds permission p.
func (u *User) Require(p Permission) error {
	if !u.Can(p) {
		return Errorf(EFORBIDDEN, "this needs the permission %q", p)
	}
	return nil
}

// Ref is a reference to a named object, as dialogs show their type, reasons,
// components and participants.
type Ref struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Ref returns the user as a reference.
func (u *User) Ref() Ref { return Ref{ID: u.ID, Name: u.Name} }

// MinPasswordLength applies to passwords set through the API.
const MinPasswordLength = 8

// UserCreate is the input for a new manager.
type UserCreate struct {
	Email       string       `json:"email"`
	Name        string       `json:"name"`
	Password    string       `json:"password"`
	Role        Role         `json:"role"`
	Permissions []Permission `json:"permissions"`
	Locale      Locale       `json:"locale"`
	TimeZone    string       `json:"time_zone"`
}

// Validate normalises the input and reports what is wrong with it. Only an
// owner may create another owner.
func (c *UserCreate) Validate(by *User) error {
	email, err := NormalizeEmail(c.Email)
	if err != nil {
		return err
	}
	c.Email = email
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" {
		c.Name = strings.SplitN(email, "@", 2)[0]
	}
	if utf8.RuneCountInString(c.Name) > 100 {
		return Errorf(EINVALID, "name must be at most 100 characters")
	}
	if utf8.RuneCountInString(c.Password) < MinPasswordLength {
		return Errorf(EINVALID, "password must be at least %d characters", MinPasswordLength)
	}
	if c.Role == "" {
		c.Role = RoleManager
	}
	if !c.Role.Valid() {
		return Errorf(EINVALID, "role must be owner, admin or manager")
	}
	if c.Role == RoleOwner && (by == nil || by.Role != RoleOwner) {
		return Errorf(EFORBIDDEN, "only an owner can create another owner")
	}
	perms, err := NormalizePermissions(c.Permissions)
	if err != nil {
		return err
	}
	c.Permissions = perms
	if c.Locale != "" && c.Locale != LocaleEN && c.Locale != LocaleRU {
		return Errorf(EINVALID, "locale must be en or ru")
	}
	if c.TimeZone != "" {
		if _, err := time.LoadLocation(c.TimeZone); err != nil {
			return Errorf(EINVALID, "unknown time zone %q", c.TimeZone)
		}
	}
	return nil
}

// NormalizePermissions checks grants and returns them sorted, without repeats.
func NormalizePermissions(in []Permission) ([]Permission, error) {
	out := make([]Permission, 0, len(in))
	for _, p := range in {
		if !p.Valid() {
			return nil, Errorf(EINVALID, "unknown permission %q", p)
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out, nil
}

// NormalizeEmail trims and lower-cases an address and checks its form.
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if CheckText("email", s) != nil {
		return "", Errorf(EINVALID, "email is not a valid address")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 {
		return "", Errorf(EINVALID, "email %q is not a valid address", s)
	}
	return s, nil
}

// LoginFormToken is the sign-in form's CSRF token for a browser's
// pre-session id (a random value in its sign-in cookie): an HMAC with the
// installation's secret, so that only the server makes a token that goes
// with a cookie. Double submission of a bare cookie value would let anyone
// who can set a cookie for the site (a sibling subdomain, a plain-http
// answer) pair it with a token of their own and sign a manager in to an
// account of their choosing.
func LoginFormToken(secret []byte, preSession string) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("login-form\x00" + preSession))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// CheckLoginFormToken reports, in constant time, whether token is the
// server's for the pre-session id.
func CheckLoginFormToken(secret []byte, preSession, token string) bool {
	return preSession != "" && hmac.Equal([]byte(token), []byte(LoginFormToken(secret, preSession)))
}

// Guessing is slowed (H4): an account that failed to sign in this many times
// within the window is refused until the window ends, whatever the password;
// so is a client address with many more failures, over all accounts.
const (
	LoginFailuresPerAccount = 10
	LoginFailuresPerAddress = 50
	LoginFailureWindow      = 15 * time.Minute
)

// rank orders the roles: an owner is above an admin, an admin above a manager.
func (r Role) rank() int {
	switch r {
	case RoleOwner:
		return 3
	case RoleAdmin:
		return 2
	}
	return 1
}

// Holds reports whether u holds everything other holds: a role at least as
// high, and (between managers) every permission other was granted.
func (u *User) Holds(other *User) bool {
	if u.Role.rank() != other.Role.rank() {
		return u.Role.rank() > other.Role.rank()
	}
	for _, p := range other.Permissions {
		if !u.Can(p) {
			return false
		}
	}
	return true
}

// MayManage reports whether actor may change anything of target — its
// password, name, language, role, permissions or sessions (H6): it needs
// users.manage and must hold everything target holds, so that nobody takes
// over (or locks out, or renames) an account richer than their own. One's
// own account is always one's own to change, within CheckManage's grants.
func (u *User) MayManage(target *User) bool {
	return u.Can(PermUsersManage) && (target.ID == u.ID || u.Holds(target))
}

// CheckManage decides whether actor may create a user (target nil) or change
// target so that it ends with newRole and newPerms (H6). Nobody grants what
// they do not hold: owners manage everyone; admins manage admins and
// managers; a manager holding users.manage manages managers only, and grants
// or revokes only permissions it holds itself. Nobody changes anything of a
// user who holds something they do not hold (MayManage): a password reset
// of a richer user would hand the actor the richer account. Returns
// EFORBIDDEN.
func CheckManage(actor, target *User, newRole Role, newPerms []Permission) error {
	if err := actor.Require(PermUsersManage); err != nil {
		return err
	}
	if (newRole == RoleOwner || target != nil && target.Role == RoleOwner) && actor.Role != RoleOwner {
		return Errorf(EFORBIDDEN, "only an owner can create or change owners")
	}
	if (newRole == RoleAdmin || target != nil && target.Role == RoleAdmin) && !actor.IsAdmin() {
		return Errorf(EFORBIDDEN, "only an owner or admin can create or change admins")
	}
	if target != nil && !actor.MayManage(target) {
		return Errorf(EFORBIDDEN, "this user holds permissions you do not hold; only someone who holds all of them can change their account")
	}
	if actor.IsAdmin() {
		return nil // owners and admins hold every permission
	}
	var had []Permission
	if target != nil {
		had = target.Permissions
	}
	for _, p := range AllPermissions {
		if slices.Contains(newPerms, p) != slices.Contains(had, p) && !actor.Can(p) {
			return Errorf(EFORBIDDEN, "you can grant or revoke only permissions you hold yourself, and %q is not one", p)
		}
	}
	return nil
}
