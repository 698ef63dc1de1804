package beseda_test

import (
	"testing"

	"github.com/beseda/beseda"
)

func TestP2_RolesAndGrants(t *testing.T) {
	owner := &beseda.User{Role: beseda.RoleOwner}
	admin := &beseda.User{Role: beseda.RoleAdmin}
	manager := &beseda.User{Role: beseda.RoleManager}
	granted := &beseda.User{Role: beseda.RoleManager, Permissions: []beseda.Permission{beseda.PermReportsView}}
	for _, p := range beseda.AllPermissions {
		if !owner.Can(p) || !admin.Can(p) {
			t.Errorf("owner and admin must hold %s", p)
		}
		if manager.Can(p) {
			t.Errorf("a manager holds %s by default", p)
		}
		if granted.Can(p) != (p == beseda.PermReportsView) {
			t.Errorf("granted manager: Can(%s) = %v", p, granted.Can(p))
		}
	}
	if err := manager.Require(beseda.PermDialogSettingsEdit); beseda.ErrorCode(err) != beseda.EFORBIDDEN {
		t.Errorf("Require: %v, want forbidden", err)
	}
}

func TestP2_UserCreateValidation(t *testing.T) {
	owner := &beseda.User{Role: beseda.RoleOwner}
	admin := &beseda.User{Role: beseda.RoleAdmin}
	for _, tc := range []struct {
		name string
		in   beseda.UserCreate
		by   *beseda.User
		code string
	}{
		{"ok", beseda.UserCreate{Email: " Max@Example.COM ", Password: "long enough"}, admin, ""},
		{"bad email", beseda.UserCreate{Email: "max", Password: "long enough"}, admin, beseda.EINVALID},
		{"short password", beseda.UserCreate{Email: "max@example.com", Password: "short"}, admin, beseda.EINVALID},
		{"unknown permission", beseda.UserCreate{Email: "max@example.com", Password: "long enough",
			Permissions: []beseda.Permission{"fly"}}, admin, beseda.EINVALID},
		{"admin makes owner", beseda.UserCreate{Email: "max@example.com", Password: "long enough",
			Role: beseda.RoleOwner}, admin, beseda.EFORBIDDEN},
		{"owner makes owner", beseda.UserCreate{Email: "max@example.com", Password: "long enough",
			Role: beseda.RoleOwner}, owner, ""},
		{"bad time zone", beseda.UserCreate{Email: "max@example.com", Password: "long enough",
			TimeZone: "Mars/Olympus"}, admin, beseda.EINVALID},
	} {
		in := tc.in
		if got := beseda.ErrorCode(in.Validate(tc.by)); got != tc.code {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.code)
		}
		if tc.name == "ok" && (in.Email != "max@example.com" || in.Role != beseda.RoleManager) {
			t.Errorf("normalised to %q %q", in.Email, in.Role)
		}
	}
}
