package app

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/store"
)

// ListUsers returns the managers of the actor's workspace. Every manager may
// see colleagues' ids and names (to add them to dialogs); their accounts —
// e-mails, roles, permissions — only those who manage users
// (beseda.User.SeesAccountOf).
func (a *Users) ListUsers(ctx context.Context, actor *beseda.User) ([]*beseda.User, error) {
	users, err := a.db.FindUsers(ctx, actor.WorkspaceID)
	if err != nil {
		return nil, err
	}
	if err := a.app.Routing.present(ctx, actor.WorkspaceID, users...); err != nil {
		return nil, err
	}
	for i, u := range users {
		if !actor.SeesAccountOf(u) {
			users[i] = u.Colleague()
		}
	}
	return users, nil
}

// GetUser returns a manager of the actor's workspace, as ListUsers shows
// them. Returns ENOTFOUND.
func (a *Users) GetUser(ctx context.Context, actor *beseda.User, id int64) (*beseda.User, error) {
	u, err := a.db.FindUserByID(ctx, actor.WorkspaceID, id)
	if err != nil {
		return nil, err
	}
	if err := a.app.Routing.present(ctx, actor.WorkspaceID, u); err != nil {
		return nil, err
	}
	if actor.SeesAccountOf(u) {
		return u, nil
	}
	return u.Colleague(), nil
}

// CreateUser adds a manager to the actor's workspace. Needs users.manage (P2),
// and nobody creates a role or grants a permission above their own (H6).
func (a *Users) CreateUser(ctx context.Context, actor *beseda.User, in beseda.UserCreate) (*beseda.User, error) {
	if err := actor.Require(beseda.PermUsersManage); err != nil {
		return nil, err
	}
	if err := in.Validate(actor); err != nil {
		return nil, err
	}
	if err := beseda.CheckManage(actor, nil, in.Role, in.Permissions); err != nil {
		return nil, err
	}
	hash, err := a.hashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	u := &beseda.User{WorkspaceID: actor.WorkspaceID, Email: in.Email, Name: in.Name, Role: in.Role,
		Permissions: in.Permissions, Locale: in.Locale, TimeZone: in.TimeZone, CreatedAt: a.now()}
	err = a.db.Update(ctx, func(tx *store.Tx) error {
		if err := tx.CreateUser(ctx, u, hash); err != nil {
			return err
		}
		return a.audit(ctx, tx, u.WorkspaceID, actor, beseda.AuditUserCreated, AuditTarget{"user", u.ID},
			beseda.AuditChanges(nil, userAudit(u)))
	})
	if err != nil {
		return nil, err
	}
	a.log.Info("user created", "workspace", u.WorkspaceID, "user", u.ID, "by", actor.ID)
	return u, nil
}

// UserUpdate changes a manager; nil fields stay as they are.
type UserUpdate struct {
	Name        *string              `json:"name"`
	Role        *beseda.Role         `json:"role"`
	Permissions *[]beseda.Permission `json:"permissions"`
	Locale      *beseda.Locale       `json:"locale"`
	TimeZone    *string              `json:"time_zone"`
	Password    *string              `json:"password"`
	// CurrentPassword proves that whoever changes their own password knows
	// it (H5): a stolen session alone cannot take the account over.
	CurrentPassword *string `json:"current_password"`
	// Availability is one's own to set (A3); Capacity is set by whoever
	// manages the user (A5).
	Availability *beseda.Availability `json:"availability"`
	Capacity     *int                 `json:"capacity"`

	// KeepToken is the API token or console session the change is made with:
	// changing one's own password keeps it, and ends every other (H5).
	KeepToken string `json:"-"`
}

// UpdateUser changes a manager of the actor's workspace. Managers may change
// their own name, language, time zone and password (with the current one);
// role and permissions, and other people, need users.manage and are bounded
// by beseda.CheckManage (H6): nobody changes anything of a user who holds
// something they do not hold. A new password ends the user's other sessions
// and tokens (H5). Returns EINVALID (also without current_password),
// EFORBIDDEN (also for a wrong current_password), EMANYATTEMPTS, ENOTFOUND.
func (a *Users) UpdateUser(ctx context.Context, actor *beseda.User, id int64, in UserUpdate) (*beseda.User, error) {
	self := id == actor.ID
	manages := !self || in.Role != nil || in.Permissions != nil || in.Capacity != nil
	if in.Availability != nil && !self {
		return nil, beseda.Errorf(beseda.EFORBIDDEN, "availability is set by each manager for themselves")
	}
	if in.Availability != nil && !in.Availability.Valid() {
		return nil, beseda.Errorf(beseda.EINVALID, "availability must be online, away or offline")
	}
	if in.Capacity != nil {
		if err := beseda.CheckCapacity(*in.Capacity); err != nil {
			return nil, err
		}
	}
	if manages {
		if err := actor.Require(beseda.PermUsersManage); err != nil {
			return nil, err
		}
	}
	u, err := a.db.FindUserByID(ctx, actor.WorkspaceID, id)
	if err != nil {
		return nil, err
	}
	before := userAudit(u)
	if self && in.Role != nil && *in.Role != u.Role {
		return nil, beseda.Errorf(beseda.EINVALID, "you cannot change your own role")
	}
	role, perms := u.Role, u.Permissions
	if in.Role != nil {
		if !in.Role.Valid() {
			return nil, beseda.Errorf(beseda.EINVALID, "role must be owner, admin or manager")
		}
		role = *in.Role
	}
	if in.Permissions != nil {
		if perms, err = beseda.NormalizePermissions(*in.Permissions); err != nil {
			return nil, err
		}
	}
	if manages {
		if err := beseda.CheckManage(actor, u, role, perms); err != nil {
			return nil, err
		}
	}
	u.Role, u.Permissions = role, perms
	if in.Name != nil {
		name := strings.TrimSpace(*in.Name)
		if name == "" || utf8.RuneCountInString(name) > 100 {
			return nil, beseda.Errorf(beseda.EINVALID, "name must be 1 to 100 characters")
		}
		u.Name = name
	}
	if in.Locale != nil {
		if *in.Locale != "" && *in.Locale != beseda.LocaleEN && *in.Locale != beseda.LocaleRU {
			return nil, beseda.Errorf(beseda.EINVALID, "locale must be en or ru")
		}
		u.Locale = *in.Locale
	}
	if in.TimeZone != nil {
		if _, err := time.LoadLocation(*in.TimeZone); err != nil {
			return nil, beseda.Errorf(beseda.EINVALID, "unknown time zone %q", *in.TimeZone)
		}
		u.TimeZone = *in.TimeZone
	}
	hash := ""
	if in.Password != nil {
		if utf8.RuneCountInString(*in.Password) < beseda.MinPasswordLength {
			return nil, beseda.Errorf(beseda.EINVALID, "password must be at least %d characters", beseda.MinPasswordLength)
		}
		if self {
			if err := a.checkCurrentPassword(ctx, u, in.CurrentPassword); err != nil {
				return nil, err
			}
		}
		if hash, err = a.hashPassword(*in.Password); err != nil {
			return nil, err
		}
	}
	// Whatever changed (role, permissions, password), sessions read before
	// must not outlive it.
	a.sessions.forget(nil)
	defer a.sessions.forget(nil)
	err = a.db.Update(ctx, func(tx *store.Tx) error {
		if err := tx.UpdateUser(ctx, u, hash); err != nil {
			return err
		}
		if in.Capacity != nil {
			if err := tx.SetCapacity(ctx, u.WorkspaceID, u.ID, *in.Capacity); err != nil {
				return err
			}
			u.Capacity = *in.Capacity
		}
		if in.Availability != nil {
			if err := tx.SetAvailability(ctx, u.WorkspaceID, u.ID, *in.Availability, a.now()); err != nil {
				return err
			}
			u.Availability, u.LastSeenAt = *in.Availability, a.now()
		}
		if changes := beseda.AuditChanges(before, userAudit(u)); len(changes) > 0 {
			if err := a.audit(ctx, tx, u.WorkspaceID, actor, beseda.AuditUserChanged, AuditTarget{"user", u.ID}, changes); err != nil {
				return err
			}
		}
		if hash == "" {
			return nil
		}
		// The entry says that the password changed, never what to.
		if err := a.audit(ctx, tx, u.WorkspaceID, actor, beseda.AuditPasswordChanged, AuditTarget{"user", u.ID},
			beseda.AuditChanges(map[string]any{"password": "old"}, map[string]any{"password": "new"})); err != nil {
			return err
		}
		var keep []byte
		if self && in.KeepToken != "" {
			keep = hashToken(in.KeepToken)
		}
		if err := tx.DeleteUserTokens(ctx, u.ID, keep); err != nil {
			return err
		}
		return tx.ClearLoginFailures(ctx, u.Email) // a new password starts a new count
	})
	if err != nil {
		return nil, err
	}
	if hash != "" {
		a.log.Info("password changed; other sessions ended", "workspace", u.WorkspaceID, "user", u.ID, "by", actor.ID)
	}
	if in.Capacity != nil || in.Availability != nil && *in.Availability == beseda.Online {
		a.app.Routing.routeLater(ctx, u.WorkspaceID) // someone may take waiting chats now
	}
	return u, a.app.Routing.present(ctx, u.WorkspaceID, u)
}

// checkCurrentPassword verifies the password a user gave to change their own
// (H5). Each try counts as a sign-in attempt of the account (H4), counted
// before the comparison (reserveAttempt), so that a stolen session cannot
// guess through this door either, not even with many requests at once; a
// right one clears the count, as a sign-in does.
func (a *Users) checkCurrentPassword(ctx context.Context, u *beseda.User, current *string) error {
	if current == nil || *current == "" {
		return beseda.Errorf(beseda.EINVALID, "current_password is required to change your password")
	}
	failures, err := a.reserveAttempt(ctx, u.Email, a.now())
	if err != nil {
		return err
	}
	_, hash, err := a.db.FindUserCredentials(ctx, u.Email)
	if err != nil {
		return err
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(*current)) != nil {
		a.attemptFailed(ctx, u, failures)
		return beseda.Errorf(beseda.EFORBIDDEN, "current_password is wrong")
	}
	return a.db.Update(ctx, func(tx *store.Tx) error { return tx.ClearLoginFailures(ctx, u.Email) })
}

// userAudit is what the audit log compares of a user: the account and its
// rights, never the password.
func userAudit(u *beseda.User) map[string]any {
	perms := u.Permissions
	if perms == nil {
		perms = []beseda.Permission{}
	}
	return map[string]any{"email": u.Email, "name": u.Name, "role": u.Role, "permissions": perms,
		"locale": u.Locale, "time_zone": u.TimeZone, "capacity": u.Capacity}
}
