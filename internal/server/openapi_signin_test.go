package server_test

import (
	"testing"

	"github.com/pquerna/otp/totp"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// walkSignIn walks the routes of signing in: tokens, two-factor sign-in,
// single sign-on settings.
func walkSignIn(t *testing.T, w *testkit.World) {
	owner, manager := w.Owner, w.Manager
	var tok beseda.APIToken
	manager.MustDo("POST", "/api/v1/tokens", map[string]any{"name": "Walk", "scopes": []string{"read"}}, 201, &tok)
	manager.MustDo("GET", "/api/v1/tokens", nil, 200, nil)
	manager.MustDo("DELETE", testkit.Path("/api/v1/tokens/%d", tok.ID), nil, 204, nil)

	var e struct{ Secret string }
	manager.MustDo("POST", "/api/v1/me/totp", nil, 200, &e)
	code, err := totp.GenerateCode(e.Secret, w.Srv.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	var rc struct {
		RecoveryCodes []string `json:"recovery_codes"`
	}
	manager.MustDo("POST", "/api/v1/me/totp/confirm", map[string]any{"code": code}, 200, &rc)
	manager.MustDo("DELETE", "/api/v1/me/totp", map[string]any{"code": rc.RecoveryCodes[0]}, 204, nil)

	owner.MustDo("GET", "/api/v1/settings/two-factor", nil, 200, nil)
	owner.MustDo("PUT", "/api/v1/settings/two-factor", map[string]any{"required": false}, 200, nil)
	owner.MustDo("PUT", "/api/v1/settings/oidc", map[string]any{"issuer": "http://127.0.0.1:1/realm", "client_id": "beseda",
		"client_secret": "s3cret", "allowed_domains": []string{"example.com"}, "create_users": true, "role": "manager", "password_login": true}, 200, nil)
	owner.MustDo("GET", "/api/v1/settings/oidc", nil, 200, nil)
	manager.WantError("GET", "/api/v1/settings/oidc", nil, 403, beseda.EFORBIDDEN)
}
