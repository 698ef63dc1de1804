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

func TestChannelConfigValidation(t *testing.T) {
	token := "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	for _, tc := range []struct {
		name string
		in   beseda.ChannelCreate
		ok   bool
	}{
		{"web", beseda.ChannelCreate{Kind: "web", Name: "Site"}, true},
		{"web with config", beseda.ChannelCreate{Kind: "web", Name: "Site", Config: beseda.ChannelConfig{BotToken: token}}, false},
		{"telegram", beseda.ChannelCreate{Kind: "telegram", Name: "Bot", Config: beseda.ChannelConfig{BotToken: token, WebhookSecret: "s3cret"}}, true},
		{"telegram bad token", beseda.ChannelCreate{Kind: "telegram", Name: "Bot", Config: beseda.ChannelConfig{BotToken: "x", WebhookSecret: "s"}}, false},
		{"telegram bad secret", beseda.ChannelCreate{Kind: "telegram", Name: "Bot", Config: beseda.ChannelConfig{BotToken: token, WebhookSecret: "a b"}}, false},
		{"telegram bad base", beseda.ChannelCreate{Kind: "telegram", Name: "Bot", Config: beseda.ChannelConfig{BotToken: token, WebhookSecret: "s", APIBaseURL: "ftp://x"}}, false},
		{"messenger", beseda.ChannelCreate{Kind: "messenger", Name: "Page", Config: beseda.ChannelConfig{PageID: "1", PageAccessToken: "t", AppSecret: "a", VerifyToken: "v"}}, true},
		{"messenger missing secret", beseda.ChannelCreate{Kind: "messenger", Name: "Page", Config: beseda.ChannelConfig{PageID: "1", PageAccessToken: "t", VerifyToken: "v"}}, false},
		{"unknown kind", beseda.ChannelCreate{Kind: "icq", Name: "x"}, false},
		{"no name", beseda.ChannelCreate{Kind: "web"}, false},
	} {
		in := tc.in
		if err := in.Validate(); (err == nil) != tc.ok {
			t.Errorf("%s: %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}
