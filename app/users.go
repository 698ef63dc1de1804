package app

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/store"
)

// ListUsers returns the managers of the actor's workspace. Every manager may
// see colleagues (to add them to dialogs).
func (a *App) ListUsers(ctx context.Context, actor *beseda.User) ([]*beseda.User, error) {
	return a.db.FindUsers(ctx, actor.WorkspaceID)
}

// GetUser returns a manager of the actor's workspace.
func (a *App) GetUser(ctx context.Context, actor *beseda.User, id int64) (*beseda.User, error) {
	return a.db.FindUserByID(ctx, actor.WorkspaceID, id)
}

// CreateUser adds a manager to the actor's workspace. Needs users.manage (P2).
func (a *App) CreateUser(ctx context.Context, actor *beseda.User, in beseda.UserCreate) (*beseda.User, error) {
	if err := actor.Require(beseda.PermUsersManage); err != nil {
		return nil, err
	}
	if err := in.Validate(actor); err != nil {
		return nil, err
	}
	hash, err := a.hashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	u := &beseda.User{WorkspaceID: actor.WorkspaceID, Email: in.Email, Name: in.Name, Role: in.Role,
		Permissions: in.Permissions, Locale: in.Locale, TimeZone: in.TimeZone, CreatedAt: a.now()}
	if err := a.db.Update(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, u, hash) }); err != nil {
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
}

// UpdateUser changes a manager of the actor's workspace. Managers may change
// their own name, language, time zone and password; role and permissions, and
// other people, need users.manage. Only an owner changes owners.
func (a *App) UpdateUser(ctx context.Context, actor *beseda.User, id int64, in UserUpdate) (*beseda.User, error) {
	self := id == actor.ID
	if !self || in.Role != nil || in.Permissions != nil {
		if err := actor.Require(beseda.PermUsersManage); err != nil {
			return nil, err
		}
	}
	u, err := a.db.FindUserByID(ctx, actor.WorkspaceID, id)
	if err != nil {
		return nil, err
	}
	if (u.Role == beseda.RoleOwner || (in.Role != nil && *in.Role == beseda.RoleOwner)) && actor.Role != beseda.RoleOwner {
		return nil, beseda.Errorf(beseda.EFORBIDDEN, "only an owner can change owners")
	}
	if self && in.Role != nil && *in.Role != u.Role {
		return nil, beseda.Errorf(beseda.EINVALID, "you cannot change your own role")
	}
	if in.Name != nil {
		name := strings.TrimSpace(*in.Name)
		if name == "" || utf8.RuneCountInString(name) > 100 {
			return nil, beseda.Errorf(beseda.EINVALID, "name must be 1 to 100 characters")
		}
		u.Name = name
	}
	if in.Role != nil {
		if !in.Role.Valid() {
			return nil, beseda.Errorf(beseda.EINVALID, "role must be owner, admin or manager")
		}
		u.Role = *in.Role
	}
	if in.Permissions != nil {
		perms, err := beseda.NormalizePermissions(*in.Permissions)
		if err != nil {
			return nil, err
		}
		u.Permissions = perms
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
		if hash, err = a.hashPassword(*in.Password); err != nil {
			return nil, err
		}
	}
	if err := a.db.Update(ctx, func(tx *store.Tx) error { return tx.UpdateUser(ctx, u, hash) }); err != nil {
		return nil, err
	}
	return u, nil
}
