package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// tokenAs makes a scoped token as c and returns a client carrying it.
func tokenAs(t *testing.T, c *testkit.Client, body map[string]any) (*testkit.Client, beseda.APIToken) {
	t.Helper()
	var tok beseda.APIToken
	c.MustDo("POST", "/api/v1/tokens", body, http.StatusCreated, &tok)
	if !strings.HasPrefix(tok.Token, "bst_") || tok.ID == 0 {
		t.Fatalf("token %+v", tok)
	}
	out := testkit.NewClient(t, c.BaseURL)
	out.Token = tok.Token
	return out, tok
}

// TestScopedTokens_NeverMoreThanTheCreatorHolds: a token's scopes are
// bounded by what its maker holds, at creation and at every request (a
// permission taken from the maker is taken from the token); the token is
// shown once, listed with its last use, and ends when revoked, when it
// expires, and with a password change (H5).
func TestScopedTokens_NeverMoreThanTheCreatorHolds(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)

		// A manager without reports.view cannot give a token the report scope.
		w.Manager.WantError("POST", "/api/v1/tokens", map[string]any{"name": "bi", "scopes": []string{"report"}}, 403, beseda.EFORBIDDEN)
		w.Manager.WantError("POST", "/api/v1/tokens", map[string]any{"name": "bi", "scopes": []string{"admin"}}, 400, beseda.EINVALID)
		w.Manager.WantError("POST", "/api/v1/tokens", map[string]any{"name": "", "scopes": []string{"read"}}, 400, beseda.EINVALID)
		w.Owner.MustDo("PATCH", testkit.Path("/api/v1/users/%d", w.ManagerID), map[string]any{"permissions": []string{"reports.view"}}, 200, nil)
		report, tok := tokenAs(t, w.Manager, map[string]any{"name": "BI export", "scopes": []string{"report", "report"}})
		if !slices.Equal(tok.Scopes, []beseda.Scope{beseda.ScopeReport}) {
			t.Errorf("scopes %v", tok.Scopes)
		}
		report.MustDo("GET", "/api/v1/reports/dialogs", nil, 200, nil)
		report.WantError("GET", "/api/v1/dialogs", nil, 403, beseda.EFORBIDDEN) // no read scope

		// The token is listed without itself, with its last use.
		var list []beseda.APIToken
		w.Manager.MustDo("GET", "/api/v1/tokens", nil, 200, &list)
		if len(list) != 1 || list[0].Token != "" || list[0].LastUsedAt == nil || list[0].Name != "BI export" {
			t.Fatalf("list %+v", list)
		}
		// The owner sees it too; the manager does not see the owner's.
		ownerRead, _ := tokenAs(t, w.Owner, map[string]any{"name": "ro", "scopes": []string{"read"}})
		w.Owner.MustDo("GET", "/api/v1/tokens", nil, 200, &list)
		w.Manager.MustDo("GET", "/api/v1/tokens", nil, 200, &list)
		if len(list) != 1 {
			t.Errorf("the manager sees %d tokens", len(list))
		}

		// The maker loses the permission: the token loses it at once.
		w.Owner.MustDo("PATCH", testkit.Path("/api/v1/users/%d", w.ManagerID), map[string]any{"permissions": []string{}}, 200, nil)
		report.WantError("GET", "/api/v1/reports/dialogs", nil, 403, beseda.EFORBIDDEN)

		// An owner's read token reads, and changes nothing, not even settings.
		ownerRead.MustDo("GET", "/api/v1/dialogs", nil, 200, nil)
		ownerRead.WantError("POST", "/api/v1/settings/dialog-types", map[string]any{"name": "X"}, 403, beseda.EFORBIDDEN)
		ownerRead.WantError("GET", "/api/v1/reports/dialogs", nil, 403, beseda.EFORBIDDEN)
		// A scoped token makes no token with more than it has.
		ownerRead.WantError("POST", "/api/v1/tokens", map[string]any{"name": "x", "scopes": []string{"write"}}, 403, beseda.EFORBIDDEN)

		// Revoked: refused at once.
		w.Manager.MustDo("DELETE", testkit.Path("/api/v1/tokens/%d", tok.ID), nil, 204, nil)
		report.WantError("GET", "/api/v1/me", nil, 401, beseda.EUNAUTHORIZED)
		w.Manager.WantError("DELETE", testkit.Path("/api/v1/tokens/%d", tok.ID), nil, 404, beseda.ENOTFOUND)

		// Expired: refused.
		at := srv.Clock.Now().Add(time.Hour)
		short, _ := tokenAs(t, w.Manager, map[string]any{"name": "short", "scopes": []string{"read"}, "expires_at": at})
		short.MustDo("GET", "/api/v1/me", nil, 200, nil)
		srv.Clock.Advance(time.Hour + time.Second)
		short.WantError("GET", "/api/v1/me", nil, 401, beseda.EUNAUTHORIZED)
		w.Manager.WantError("POST", "/api/v1/tokens", map[string]any{"name": "past", "scopes": []string{"read"},
			"expires_at": srv.Clock.Now().Add(-time.Minute)}, 400, beseda.EINVALID)

		var days beseda.APIToken
		w.Manager.MustDo("POST", "/api/v1/tokens", map[string]any{"name": "month", "scopes": []string{"read"}, "expires_in_days": 30}, 201, &days)
		if days.ExpiresAt == nil || !days.ExpiresAt.Equal(srv.Clock.Now().AddDate(0, 0, 30).Truncate(time.Millisecond)) {
			t.Errorf("expires_in_days 30: %v", days.ExpiresAt)
		}

		// A password change ends the user's scoped tokens too (H5).
		long, _ := tokenAs(t, w.Manager, map[string]any{"name": "long", "scopes": []string{"read", "write"}})
		long.MustDo("GET", "/api/v1/me", nil, 200, nil)
		w.Manager.MustDo("PATCH", "/api/v1/me", map[string]any{"password": "another horse", "current_password": testkit.TestPassword}, 200, nil)
		long.WantError("GET", "/api/v1/me", nil, 401, beseda.EUNAUTHORIZED)
	})
}

// TestScopedTokens_EveryRouteHasAScope: every route of the document that
// a manager's bearer token may call refuses a token without the route's
// scope, before it does anything: a read token changes nothing, a write
// token reads nothing.
func TestScopedTokens_EveryRouteHasAScope(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	read, _ := tokenAs(t, w.Owner, map[string]any{"name": "r", "scopes": []string{"read"}})
	write, _ := tokenAs(t, w.Owner, map[string]any{"name": "w", "scopes": []string{"write"}})
	var doc struct {
		Paths map[string]map[string]struct {
			Security []map[string]any `json:"security"`
		} `json:"paths"`
	}
	res := testkit.NewClient(t, srv.URL).MustDo("GET", "/api/v1/openapi.json", nil, 200, nil)
	if err := json.Unmarshal(res.Body, &doc); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for path, ops := range doc.Paths {
		for method, op := range ops {
			bearer := false
			for _, s := range op.Security {
				_, ok := s["bearer"]
				bearer = bearer || ok
			}
			if !bearer || !strings.HasPrefix(path, "/api/v1/") || path == "/api/v1/auth/logout" {
				continue
			}
			method = strings.ToUpper(method)
			concrete := strings.NewReplacer("{id}", "999999", "{path}", "x").Replace(path)
			for _, c := range []struct {
				client *testkit.Client
				scope  beseda.Scope
			}{{read, beseda.ScopeRead}, {write, beseda.ScopeWrite}} {
				if beseda.RouteScope(method, path) == c.scope {
					continue
				}
				r := c.client.Do(method, concrete, map[string]any{})
				if r.Status != 403 && !(path == "/api/v1/attachments/{id}" && r.Status == 404) {
					t.Errorf("%s %s with a %s token: %d %s", method, path, c.scope, r.Status, r.Body)
				}
				checked++
			}
		}
	}
	if checked < 60 {
		t.Errorf("only %d route checks", checked)
	}
	// And the scopes the rules give, for the areas named in the issue.
	for _, c := range []struct {
		method, path string
		want         beseda.Scope
	}{
		{"GET", "/api/v1/dialogs", beseda.ScopeRead},
		{"POST", "/api/v1/dialogs/{id}/messages", beseda.ScopeWrite},
		{"PUT", "/api/v1/settings/standard-messages", beseda.ScopeSettings},
		{"GET", "/api/v1/settings/dialog-types", beseda.ScopeRead},
		{"POST", "/api/v1/users", beseda.ScopeSettings},
		{"POST", "/api/v1/channels", beseda.ScopeSettings},
		{"GET", "/api/v1/reports/dialogs", beseda.ScopeReport},
		{"GET", "/api/v1/webhooks", beseda.ScopeWebhooks},
		{"POST", "/api/v1/tokens", beseda.ScopeSettings},
		{"POST", "/api/v1/me/totp", beseda.ScopeSettings},
		{"PATCH", "/api/v1/me", beseda.ScopeSettings},
	} {
		if got := beseda.RouteScope(c.method, c.path); got != c.want {
			t.Errorf("%s %s: scope %s, want %s", c.method, c.path, got, c.want)
		}
	}
}

func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestTwoFactor_EnrolSignInAndRecovery: a manager sets up TOTP with a
// code of the app and gets ten recovery codes; sign-in then needs a code
// (401 totp_required), takes each code once, and takes each recovery code
// once; guessed codes are limited like passwords (H4).
func TestTwoFactor_EnrolSignInAndRecovery(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		var me beseda.User
		w.Manager.MustDo("GET", "/api/v1/me", nil, 200, &me)
		w.Manager.WantError("POST", "/api/v1/me/totp/confirm", map[string]any{"code": "123456"}, 400, beseda.EINVALID)
		var e struct {
			Secret     string `json:"secret"`
			OTPAuthURL string `json:"otpauth_url"`
		}
		w.Manager.MustDo("POST", "/api/v1/me/totp", nil, 200, &e)
		if e.Secret == "" || !strings.HasPrefix(e.OTPAuthURL, "otpauth://totp/") {
			t.Fatalf("enrolment %+v", e)
		}
		now := srv.Clock.Now()
		wrong := fmt.Sprintf("%06d", (atoi(code(t, e.Secret, now))+1)%1000000)
		w.Manager.WantError("POST", "/api/v1/me/totp/confirm", map[string]any{"code": wrong}, 400, beseda.EINVALID)
		var rc struct {
			RecoveryCodes []string `json:"recovery_codes"`
		}
		w.Manager.MustDo("POST", "/api/v1/me/totp/confirm", map[string]any{"code": code(t, e.Secret, now)}, 200, &rc)
		if len(rc.RecoveryCodes) != beseda.RecoveryCodes {
			t.Fatalf("recovery codes %v", rc.RecoveryCodes)
		}
		var stored int
		if err := srv.DB.WriteDB().QueryRow(`SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND code_hash <> $2`,
			me.ID, []byte(rc.RecoveryCodes[0])).Scan(&stored); err != nil || stored != 10 {
			t.Errorf("stored codes %d %v", stored, err)
		}

		anon := testkit.NewClient(t, srv.URL)
		login := func(c string) *testkit.Response {
			return anon.Do("POST", "/api/v1/auth/login", map[string]any{"email": me.Email, "password": testkit.TestPassword, "totp_code": c})
		}
		if r := login(""); r.Status != 401 || r.ErrorCode() != beseda.ETOTPREQUIRED {
			t.Fatalf("without a code: %d %s", r.Status, r.Body)
		}
		// The code confirmed with is spent; the next step's code signs in, once.
		srv.Clock.Advance(30 * time.Second)
		if r := login(code(t, e.Secret, srv.Clock.Now())); r.Status != 200 {
			t.Fatalf("with the code: %d %s", r.Status, r.Body)
		}
		if r := login(code(t, e.Secret, srv.Clock.Now())); r.Status != 401 || r.ErrorCode() != beseda.EUNAUTHORIZED {
			t.Errorf("the same code again: %d %s", r.Status, r.Body)
		}
		if r := login(strings.ToUpper(rc.RecoveryCodes[3])); r.Status != 200 {
			t.Errorf("a recovery code: %d %s", r.Status, r.Body)
		}
		if r := login(rc.RecoveryCodes[3]); r.Status != 401 {
			t.Errorf("the recovery code again: %d %s", r.Status, r.Body)
		}
		// Guessing is limited like passwords (H4): the tenth failure is the
		// last; then even the right code waits.
		for i := 0; i < 9; i++ {
			if r := login("000000"); r.Status != 401 {
				t.Fatalf("guess %d: %d %s", i, r.Status, r.Body)
			}
		}
		srv.Clock.Advance(30 * time.Second)
		if r := login(code(t, e.Secret, srv.Clock.Now())); r.Status != 429 || r.Header.Get("Retry-After") == "" {
			t.Errorf("after ten failures: %d %s", r.Status, r.Body)
		}
		srv.Clock.Advance(beseda.LoginFailureWindow)
		if r := login(code(t, e.Secret, srv.Clock.Now())); r.Status != 200 {
			t.Errorf("after the window: %d %s", r.Status, r.Body)
		}
		// Turning it off needs a code.
		w.Manager.WantError("DELETE", "/api/v1/me/totp", map[string]any{"code": "000000"}, 403, beseda.EFORBIDDEN)
		w.Manager.MustDo("DELETE", "/api/v1/me/totp", map[string]any{"code": rc.RecoveryCodes[5]}, 204, nil)
		testkit.Login(t, srv.URL, me.Email, testkit.TestPassword)
	})
}

// enrolTOTP turns two-factor sign-in on for c's manager and returns the
// secret.
func enrolTOTP(t *testing.T, srv *testkit.Server, c *testkit.Client) string {
	t.Helper()
	var e struct{ Secret string }
	c.MustDo("POST", "/api/v1/me/totp", nil, 200, &e)
	c.MustDo("POST", "/api/v1/me/totp/confirm", map[string]any{"code": code(t, e.Secret, srv.Clock.Now())}, 200, nil)
	return e.Secret
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

// TestTwoFactor_RequiredByTheWorkspace: once the owner requires two-factor
// sign-in, a manager without it can only set it up; after that, all is as
// before. Only an owner sets the rule.
func TestTwoFactor_RequiredByTheWorkspace(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		w.Manager.WantError("PUT", "/api/v1/settings/two-factor", map[string]any{"required": true}, 403, beseda.EFORBIDDEN)
		w.Owner.MustDo("PUT", "/api/v1/settings/two-factor", map[string]any{"required": true}, 200, nil)
		w.Manager.WantError("GET", "/api/v1/dialogs", nil, 403, beseda.ETOTPENROL)
		w.Manager.MustDo("GET", "/api/v1/me", nil, 200, nil)
		enrolTOTP(t, srv, w.Manager)
		w.Manager.MustDo("GET", "/api/v1/dialogs", nil, 200, nil)
		var policy struct{ Required bool }
		w.Manager.MustDo("GET", "/api/v1/settings/two-factor", nil, 200, &policy)
		if !policy.Required {
			t.Error("the policy reads as not required")
		}
	})
}

// TestTwoFactor_ACodeWorksOnceAtOnce: the same right code sent by several
// sign-ins at once signs in exactly one of them (the time step is taken
// with a conditional update), on both databases.
func TestTwoFactor_ACodeWorksOnceAtOnce(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		var me beseda.User
		w.Manager.MustDo("GET", "/api/v1/me", nil, 200, &me)
		secret := enrolTOTP(t, srv, w.Manager)
		srv.Clock.Advance(30 * time.Second)
		c := code(t, secret, srv.Clock.Now())
		const n = 6
		statuses := make(chan int, n)
		for range n {
			go func() {
				r := testkit.NewClient(t, srv.URL).Do("POST", "/api/v1/auth/login",
					map[string]any{"email": me.Email, "password": testkit.TestPassword, "totp_code": c})
				statuses <- r.Status
			}()
		}
		ok := 0
		for range n {
			if s := <-statuses; s == 200 {
				ok++
			} else if s != 401 {
				t.Errorf("status %d", s)
			}
		}
		if ok != 1 {
			t.Errorf("%d sign-ins with one code", ok)
		}
	})
}
