package beseda_test

import (
	"strings"
	"testing"

	"github.com/beseda/beseda"
)

// TestH6_CheckManage walks the matrix of who may create or change whom, and
// which grants a manager with users.manage may hand on.
func TestH6_CheckManage(t *testing.T) {
	perms := func(p ...beseda.Permission) []beseda.Permission { return p }
	owner := &beseda.User{ID: 1, Role: beseda.RoleOwner}
	admin := &beseda.User{ID: 2, Role: beseda.RoleAdmin}
	usersMgr := &beseda.User{ID: 3, Role: beseda.RoleManager, Permissions: perms(beseda.PermReportsView, beseda.PermUsersManage)}
	plain := &beseda.User{ID: 4, Role: beseda.RoleManager}
	otherOwner := &beseda.User{ID: 5, Role: beseda.RoleOwner}
	otherAdmin := &beseda.User{ID: 6, Role: beseda.RoleAdmin}
	manager := &beseda.User{ID: 7, Role: beseda.RoleManager}
	automator := &beseda.User{ID: 8, Role: beseda.RoleManager, Permissions: perms(beseda.PermAutomationEdit)}
	granted := &beseda.User{ID: 9, Role: beseda.RoleManager, Permissions: perms(beseda.PermReportsView)}

	// Roles: each column is a target (nil: a new user) and the role it ends with,
	// with its permissions unchanged; each row says who may do it.
	columns := []struct {
		name   string
		target *beseda.User
		role   beseda.Role
	}{
		{"create manager", nil, beseda.RoleManager},
		{"create admin", nil, beseda.RoleAdmin},
		{"create owner", nil, beseda.RoleOwner},
		{"edit owner", otherOwner, beseda.RoleOwner},
		{"owner to admin", otherOwner, beseda.RoleAdmin},
		{"edit admin", otherAdmin, beseda.RoleAdmin},
		{"admin to manager", otherAdmin, beseda.RoleManager},
		{"admin to owner", otherAdmin, beseda.RoleOwner},
		{"edit manager", manager, beseda.RoleManager},
		{"manager to admin", manager, beseda.RoleAdmin},
		{"manager to owner", manager, beseda.RoleOwner},
	}
	rows := []struct {
		actor *beseda.User
		may   string // one letter per column: y or n
	}{
		{owner, "yyyyyyyyyyy"},
		{admin, "yynnnyynyyn"},
		{usersMgr, "ynnnnnnnynn"},
		{plain, "nnnnnnnnnnn"},
	}
	for _, row := range rows {
		for i, col := range columns {
			var had []beseda.Permission
			if col.target != nil {
				had = col.target.Permissions
			}
			err := beseda.CheckManage(row.actor, col.target, col.role, had)
			want := row.may[i] == 'y'
			if (err == nil) != want || (err != nil && beseda.ErrorCode(err) != beseda.EFORBIDDEN) {
				t.Errorf("%s actor, %s: %v, want allowed=%v", string(row.actor.Role)+strings.Repeat("+", len(row.actor.Permissions)), col.name, err, want)
			}
		}
	}

	// Grants: a manager with users.manage hands on only what it holds.
	for _, tc := range []struct {
		name   string
		actor  *beseda.User
		target *beseda.User
		perms  []beseda.Permission
		ok     bool
	}{
		{"create with a held grant", usersMgr, nil, perms(beseda.PermReportsView), true},
		{"create with users.manage", usersMgr, nil, perms(beseda.PermUsersManage), true},
		{"create with a grant not held", usersMgr, nil, perms(beseda.PermAutomationEdit), false},
		{"grant a held one", usersMgr, manager, perms(beseda.PermReportsView), true},
		{"grant one not held", usersMgr, manager, perms(beseda.PermAutomationEdit), false},
		{"keep one not held while granting", usersMgr, automator, perms(beseda.PermAutomationEdit, beseda.PermReportsView), false},
		{"change nothing of a richer manager", usersMgr, automator, perms(beseda.PermAutomationEdit), false},
		{"change nothing of a poorer manager", usersMgr, granted, perms(beseda.PermReportsView), true},
		{"revoke one not held", usersMgr, automator, perms(), false},
		{"grant oneself more", usersMgr, usersMgr, perms(beseda.PermReportsView, beseda.PermUsersManage, beseda.PermAutomationEdit), false},
		{"drop one's own", usersMgr, usersMgr, perms(beseda.PermUsersManage), true},
		{"admin grants anything", admin, manager, beseda.AllPermissions, true},
		{"owner revokes anything", owner, automator, perms(), true},
		{"plain manager grants nothing", plain, manager, perms(), false},
	} {
		err := beseda.CheckManage(tc.actor, tc.target, beseda.RoleManager, tc.perms)
		if (err == nil) != tc.ok {
			t.Errorf("%s: %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}

// TestH6_NobodyManagesARicherUser: MayManage, which every change of another
// user's account passes (password, name, role, permissions), needs
// users.manage and everything the target holds.
func TestH6_NobodyManagesARicherUser(t *testing.T) {
	perms := func(p ...beseda.Permission) []beseda.Permission { return p }
	owner := &beseda.User{ID: 1, Role: beseda.RoleOwner}
	admin := &beseda.User{ID: 2, Role: beseda.RoleAdmin}
	lead := &beseda.User{ID: 3, Role: beseda.RoleManager, Permissions: perms(beseda.PermUsersManage, beseda.PermReportsView)}
	richer := &beseda.User{ID: 4, Role: beseda.RoleManager, Permissions: perms(beseda.PermUsersManage, beseda.PermReportsView, beseda.PermAutomationEdit)}
	equal := &beseda.User{ID: 5, Role: beseda.RoleManager, Permissions: perms(beseda.PermUsersManage)}
	other := &beseda.User{ID: 6, Role: beseda.RoleManager, Permissions: perms(beseda.PermSavedRepliesEdit)}
	plain := &beseda.User{ID: 7, Role: beseda.RoleManager}
	for _, tc := range []struct {
		name          string
		actor, target *beseda.User
		may           bool
	}{
		{"lead, plain manager", lead, plain, true},
		{"lead, a manager holding less", lead, equal, true},
		{"lead, itself", lead, lead, true},
		{"lead, a manager holding more", lead, richer, false},
		{"lead, a manager holding another grant", lead, other, false},
		{"lead, an admin", lead, admin, false},
		{"lead, the owner", lead, owner, false},
		{"plain manager, plain manager", plain, plain, false},
		{"admin, the richer manager", admin, richer, true},
		{"admin, another admin", admin, &beseda.User{ID: 8, Role: beseda.RoleAdmin}, true},
		{"admin, the owner", admin, owner, false},
		{"owner, another owner", owner, &beseda.User{ID: 9, Role: beseda.RoleOwner}, true},
	} {
		if got := tc.actor.MayManage(tc.target); got != tc.may {
			t.Errorf("%s: MayManage = %v, want %v", tc.name, got, tc.may)
		}
		// A change of nothing but the password or the name is refused alike.
		err := beseda.CheckManage(tc.actor, tc.target, tc.target.Role, tc.target.Permissions)
		if (err == nil) != tc.may {
			t.Errorf("%s: CheckManage = %v, want allowed=%v", tc.name, err, tc.may)
		}
	}
}
