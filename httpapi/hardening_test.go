package httpapi_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/server"
	"github.com/beseda/beseda/internal/testkit"
)

// TestH1_APIRefusesNUL sends a NUL byte in strings at every depth of a JSON
// body, in a query and in a path: each is 400 invalid_input on both
// databases, and nothing is stored.
func TestH1_APIRefusesNUL(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v := w.NewVisitor("Anna")
		chat := testkit.Path("/api/v1/subscribers/%d/messages", v.SubscriberID)
		for _, tc := range []struct {
			method, path string
			body         any
		}{
			{"POST", chat, `{"text":"a\u0000b"}`},
			{"POST", "/api/v1/dialogs", map[string]any{"subscriber_id": v.SubscriberID, "title": "Case\x00", "type_id": w.Types[0].ID}},
			{"POST", "/api/v1/smart-answers", map[string]any{"keywords": []string{"ok", "pri\x00ce"}, "answer": "10"}},
			{"POST", "/api/v1/channels", map[string]any{"kind": "telegram", "name": "Bot",
				"config": map[string]string{"bot_token": "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ", "webhook_secret": "s\x00"}}},
			{"POST", "/api/v1/channels", `{"kind":"web","name":"Site","config":{"a\u0000":"b"}}`},
			{"PATCH", "/api/v1/me", map[string]any{"name": "\x00"}},
			{"PUT", "/api/v1/settings/standard-messages", map[string]any{"thank_you": "Thanks\x00"}},
			{"POST", "/api/v1/settings/dialog-types", map[string]any{"name": "\x00"}},
			{"GET", "/api/v1/subscribers?q=%00", nil},
			{"GET", "/api/v1/subscribers?q=%FF", nil},
			{"GET", "/api/v1/dialogs/%00", nil},
			{"POST", "/api/v1/auth/login", map[string]any{"email": "a\x00@example.com", "password": "x"}},
		} {
			res := w.Owner.Do(tc.method, tc.path, tc.body)
			if res.Status != http.StatusBadRequest || res.ErrorCode() != beseda.EINVALID {
				t.Errorf("%s %s %v: %d %s", tc.method, tc.path, tc.body, res.Status, res.Body)
			}
		}
		// The six characters \u0000 are text like any other.
		var m beseda.Message
		w.Owner.MustDo("POST", chat, `{"text":"a\\u0000b"}`, 201, &m)
		if m.Text != `a\u0000b` {
			t.Errorf("stored %q", m.Text)
		}
		var msgs []beseda.Message
		w.Owner.MustDo("GET", chat, nil, 200, &msgs)
		if len(msgs) != 1 {
			t.Errorf("refused input was stored: %+v", msgs)
		}
		var types []beseda.CatalogItem
		w.Owner.MustDo("GET", "/api/v1/settings/dialog-types", nil, 200, &types)
		if len(types) != 2 {
			t.Errorf("types %+v", types)
		}
	})
}

func login(c *testkit.Client, email, password string) *testkit.Response {
	return c.Do("POST", "/api/v1/auth/login", map[string]string{"email": email, "password": password})
}

// TestH4_SignInIsSlowed: ten failures lock an account for the rest of its
// 15-minute window (even the right password gets 429 with Retry-After),
// other accounts keep signing in, the window's end or a success resets the
// count, and an address with 50 failures is refused for every account.
func TestH4_SignInIsSlowed(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		var owner, manager beseda.User
		w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &owner)
		w.Manager.MustDo("GET", "/api/v1/me", nil, 200, &manager)
		anon := testkit.NewClient(t, w.Srv.URL)
		clock := w.Srv.Clock

		// A success resets the count: 9 failures, a success, 9 more: no lock.
		for range 9 {
			anon.WantError("POST", "/api/v1/auth/login", map[string]string{"email": owner.Email, "password": "guess"}, 401, beseda.EUNAUTHORIZED)
		}
		if res := login(anon, owner.Email, testkit.TestPassword); res.Status != 200 {
			t.Fatalf("right password after 9 failures: %d %s", res.Status, res.Body)
		}
		for i := range 10 {
			if res := login(anon, owner.Email, "guess"); res.Status != 401 {
				t.Fatalf("failure %d after a success: %d %s", i+1, res.Status, res.Body)
			}
		}
		// The eleventh attempt is refused, the right password too.
		clock.Advance(5 * time.Minute)
		res := anon.WantError("POST", "/api/v1/auth/login", map[string]string{"email": owner.Email, "password": testkit.TestPassword},
			429, beseda.EMANYATTEMPTS)
		if ra, _ := strconv.Atoi(res.Header.Get("Retry-After")); ra <= 0 || ra > 15*60 {
			t.Errorf("Retry-After %q", res.Header.Get("Retry-After"))
		}
		// The same address by case and spaces, and other accounts sign in.
		anon.WantError("POST", "/api/v1/auth/login", map[string]string{"email": " " + strings.ToUpper(owner.Email), "password": testkit.TestPassword},
			429, beseda.EMANYATTEMPTS)
		if res := login(anon, manager.Email, testkit.TestPassword); res.Status != 200 {
			t.Errorf("another account: %d %s", res.Status, res.Body)
		}
		// Sessions already open are not affected.
		w.Owner.MustDo("GET", "/api/v1/me", nil, 200, nil)
		// The window ends 15 minutes after its first failure.
		clock.Advance(10 * time.Minute)
		if res := login(anon, owner.Email, testkit.TestPassword); res.Status != 200 {
			t.Errorf("after the window: %d %s", res.Status, res.Body)
		}

		// Spraying: 50 failures from one address over many accounts lock the
		// address (the failures above count too), for every account.
		for i := 0; ; i++ {
			res := login(anon, fmt.Sprintf("nobody%d@example.com", i), "guess")
			if res.Status == 429 {
				if i+20 < beseda.LoginFailuresPerAddress {
					t.Fatalf("address locked after %d failures", i+20)
				}
				break
			}
			if res.Status != 401 || i > beseda.LoginFailuresPerAddress {
				t.Fatalf("spray %d: %d %s", i, res.Status, res.Body)
			}
		}
		res = anon.WantError("POST", "/api/v1/auth/login", map[string]string{"email": manager.Email, "password": testkit.TestPassword},
			429, beseda.EMANYATTEMPTS)
		if res.Header.Get("Retry-After") == "" {
			t.Errorf("no Retry-After")
		}
		clock.Advance(beseda.LoginFailureWindow)
		if res := login(anon, manager.Email, testkit.TestPassword); res.Status != 200 {
			t.Errorf("after the address window: %d %s", res.Status, res.Body)
		}
	})
}

// TestH4_AccountCountIsShared: the per-account count is in the database, so a
// second server on the same database sees the lock.
func TestH4_AccountCountIsShared(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		if strings.HasPrefix(dbURL, "sqlite:") {
			t.Skip("one process serves an SQLite database (its serve lock): nothing to share")
		}
		w := setup(t, dbURL)
		var owner beseda.User
		w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &owner)
		other := testkit.StartServer(t, dbURL, testkit.Options{Clock: w.Srv.Clock})
		a, b := testkit.NewClient(t, w.Srv.URL), testkit.NewClient(t, other.URL)
		for i := range beseda.LoginFailuresPerAccount {
			c := a
			if i%2 == 1 {
				c = b
			}
			c.WantError("POST", "/api/v1/auth/login", map[string]string{"email": owner.Email, "password": "guess"}, 401, beseda.EUNAUTHORIZED)
		}
		for _, c := range []*testkit.Client{a, b} {
			c.WantError("POST", "/api/v1/auth/login", map[string]string{"email": owner.Email, "password": testkit.TestPassword},
				429, beseda.EMANYATTEMPTS)
		}
	})
}

// TestH4_ClientAddressBehindTrustedProxies: X-Forwarded-For counts only from
// a trusted proxy; then each forwarded client has its own limit.
func TestH4_ClientAddressBehindTrustedProxies(t *testing.T) {
	t.Parallel()
	for _, trusted := range []bool{false, true} {
		t.Run(fmt.Sprintf("trusted=%v", trusted), func(t *testing.T) {
			srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, "sqlite"), testkit.Options{Configure: func(c *server.Config) {
				if trusted {
					c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
				}
			}})
			testkit.NewWorld(t, srv, beseda.LocaleEN)
			as := func(addr string) *testkit.Client {
				c := testkit.NewClient(t, srv.URL)
				c.Header.Set("X-Forwarded-For", "198.51.100.1, "+addr)
				return c
			}
			for i := range beseda.LoginFailuresPerAddress {
				as("203.0.113.5").WantError("POST", "/api/v1/auth/login",
					map[string]string{"email": fmt.Sprintf("x%d@example.com", i), "password": "guess"}, 401, beseda.EUNAUTHORIZED)
			}
			as("203.0.113.5").WantError("POST", "/api/v1/auth/login", map[string]string{"email": "y@example.com", "password": "guess"},
				429, beseda.EMANYATTEMPTS)
			want := 429 // without trusted proxies the header is ignored: it is all one address
			if trusted {
				want = 401
			}
			if res := login(as("203.0.113.6"), "y@example.com", "guess"); res.Status != want {
				t.Errorf("another forwarded client: %d, want %d", res.Status, want)
			}
		})
	}
}

// TestH4_WidgetSessionsAreLimited: anonymous web-chat sessions (each a new
// subscriber) are limited per address with a token bucket.
func TestH4_WidgetSessionsAreLimited(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{Configure: func(c *server.Config) {
			c.WidgetSessionsPerMinute = 20
			c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
		}})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		from := func(addr string) *testkit.Client {
			c := testkit.NewClient(t, srv.URL)
			c.Header.Set("X-Forwarded-For", addr)
			return c
		}
		start := func(addr string) *testkit.Response {
			return from(addr).Do("POST", "/widget/"+w.WebKey+"/sessions", map[string]string{"name": "Flood"})
		}
		for i := range 20 {
			if res := start("203.0.113.9"); res.Status != 201 {
				t.Fatalf("session %d: %d %s", i+1, res.Status, res.Body)
			}
		}
		res := start("203.0.113.9")
		if res.Status != 429 || res.ErrorCode() != beseda.EMANYATTEMPTS || res.Header.Get("Retry-After") != "3" {
			t.Fatalf("21st session: %d %s Retry-After %q", res.Status, res.Body, res.Header.Get("Retry-After"))
		}
		if res := start("203.0.113.10"); res.Status != 201 {
			t.Errorf("another address: %d", res.Status)
		}
		srv.Clock.Advance(3 * time.Second)
		if res := start("203.0.113.9"); res.Status != 201 {
			t.Errorf("after a token came back: %d", res.Status)
		}
		if res := start("203.0.113.9"); res.Status != 429 {
			t.Errorf("one token, one session: %d", res.Status)
		}
		var subs []beseda.Subscriber
		w.Owner.MustDo("GET", "/api/v1/subscribers?limit=100", nil, 200, &subs)
		if len(subs) != 22 {
			t.Errorf("%d subscribers, want 22", len(subs))
		}
	})
}

// TestH5_PasswordChangeEndsOtherSessions: one's own password changes only
// with the current one; the change keeps the token that made it and ends the
// user's other tokens and console sessions; an admin's reset ends them all.
func TestH5_PasswordChangeEndsOtherSessions(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		var manager beseda.User
		w.Manager.MustDo("GET", "/api/v1/me", nil, 200, &manager)
		other := testkit.Login(t, w.Srv.URL, manager.Email, testkit.TestPassword)
		console := testkit.ConsoleLogin(t, w.Srv.URL, manager.Email, testkit.TestPassword)

		w.Manager.WantError("PATCH", "/api/v1/me", map[string]any{"password": "a new secret"}, 400, beseda.EINVALID)
		w.Manager.WantError("PATCH", "/api/v1/me", map[string]any{"password": "a new secret", "current_password": ""}, 400, beseda.EINVALID)
		w.Manager.WantError("PATCH", "/api/v1/me", map[string]any{"password": "a new secret", "current_password": "wrong"}, 403, beseda.EFORBIDDEN)
		// Nothing changed so far.
		other.MustDo("GET", "/api/v1/me", nil, 200, nil)
		if res := console.Get("/chats"); res.Status != 200 {
			t.Fatalf("console before the change: %d", res.Status)
		}

		w.Manager.MustDo("PATCH", "/api/v1/me", map[string]any{"password": "a new secret", "current_password": testkit.TestPassword}, 200, nil)
		w.Manager.MustDo("GET", "/api/v1/me", nil, 200, nil) // the token that made the change
		other.WantError("GET", "/api/v1/me", nil, 401, beseda.EUNAUTHORIZED)
		if res := console.Get("/chats"); res.Status != 303 {
			t.Errorf("console session after the change: %d", res.Status)
		}
		testkit.NewClient(t, w.Srv.URL).WantError("POST", "/api/v1/auth/login",
			map[string]string{"email": manager.Email, "password": testkit.TestPassword}, 401, beseda.EUNAUTHORIZED)
		again := testkit.Login(t, w.Srv.URL, manager.Email, "a new secret")

		// An admin's reset needs no current password and ends every session.
		w.Owner.MustDo("PATCH", testkit.Path("/api/v1/users/%d", manager.ID), map[string]any{"password": "reset by owner"}, 200, nil)
		for _, c := range []*testkit.Client{w.Manager, again} {
			c.WantError("GET", "/api/v1/me", nil, 401, beseda.EUNAUTHORIZED)
		}
		m := testkit.Login(t, w.Srv.URL, manager.Email, "reset by owner")

		// The owner changing their own password through /users/{id} is a change
		// of their own: the current password is needed there too.
		var owner beseda.User
		w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &owner)
		w.Owner.WantError("PATCH", testkit.Path("/api/v1/users/%d", owner.ID), map[string]any{"password": "owner's new one"}, 400, beseda.EINVALID)

		// Wrong current passwords count as failed sign-ins (H4).
		for range beseda.LoginFailuresPerAccount {
			m.WantError("PATCH", "/api/v1/me", map[string]any{"password": "a third one", "current_password": "guess"}, 403, beseda.EFORBIDDEN)
		}
		m.WantError("PATCH", "/api/v1/me", map[string]any{"password": "a third one", "current_password": "reset by owner"}, 429, beseda.EMANYATTEMPTS)
	})
}

// TestH6_ManagersGrantOnlyWhatTheyHold drives the rule through the API: a
// manager with users.manage manages managers with the grants it holds; an
// admin manages admins but not owners; refusals change nothing.
func TestH6_ManagersGrantOnlyWhatTheyHold(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		var owner beseda.User
		w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &owner)
		user := func(email, role string, perms ...string) beseda.User {
			var u beseda.User
			w.Owner.MustDo("POST", "/api/v1/users", map[string]any{"email": email, "password": testkit.TestPassword,
				"role": role, "permissions": perms}, 201, &u)
			return u
		}
		admin := user("admin@h6.test", "admin")
		otherAdmin := user("admin2@h6.test", "admin")
		automator := user("auto@h6.test", "manager", "automation.edit")
		plain := user("plain@h6.test", "manager")
		w.Owner.MustDo("PATCH", testkit.Path("/api/v1/users/%d", w.ManagerID),
			map[string]any{"permissions": []string{"users.manage", "reports.view"}}, 200, nil)
		mgr := w.Manager
		adm := testkit.Login(t, w.Srv.URL, admin.Email, testkit.TestPassword)
		users := func(id int64) string { return testkit.Path("/api/v1/users/%d", id) }
		newUser := func(email, role string, perms ...string) map[string]any {
			return map[string]any{"email": email, "password": testkit.TestPassword, "role": role, "permissions": perms}
		}

		for _, tc := range []struct {
			name         string
			c            *testkit.Client
			method, path string
			body         map[string]any
			status       int
		}{
			{"manager creates an admin", mgr, "POST", "/api/v1/users", newUser("a3@h6.test", "admin"), 403},
			{"manager grants what it lacks", mgr, "POST", "/api/v1/users", newUser("m1@h6.test", "manager", "automation.edit"), 403},
			{"manager grants itself more", mgr, "PATCH", users(w.ManagerID), map[string]any{"permissions": []string{"users.manage", "reports.view", "automation.edit"}}, 403},
			{"manager resets an admin's password", mgr, "PATCH", users(admin.ID), map[string]any{"password": "taken over"}, 403},
			{"manager demotes an admin", mgr, "PATCH", users(admin.ID), map[string]any{"role": "manager"}, 403},
			{"manager promotes a manager", mgr, "PATCH", users(automator.ID), map[string]any{"role": "admin"}, 403},
			{"manager revokes what it lacks", mgr, "PATCH", users(automator.ID), map[string]any{"permissions": []string{}}, 403},
			{"manager renames the owner", mgr, "PATCH", users(owner.ID), map[string]any{"name": "Mallory"}, 403},
			{"admin creates an owner", adm, "POST", "/api/v1/users", newUser("o2@h6.test", "owner"), 403},
			{"admin resets the owner's password", adm, "PATCH", users(owner.ID), map[string]any{"password": "taken over"}, 403},
			{"admin promotes itself", adm, "PATCH", users(admin.ID), map[string]any{"role": "owner"}, 400},

			{"manager creates a manager with a held grant", mgr, "POST", "/api/v1/users", newUser("m2@h6.test", "manager", "reports.view"), 201},
			{"manager grants a held one to a manager holding one it lacks", mgr, "PATCH", users(automator.ID), map[string]any{"permissions": []string{"automation.edit", "reports.view"}}, 403},
			{"manager resets the password of a manager holding one it lacks", mgr, "PATCH", users(automator.ID), map[string]any{"password": "reset by mgr"}, 403},
			{"manager grants a held one to a plain manager", mgr, "PATCH", users(plain.ID), map[string]any{"permissions": []string{"reports.view"}}, 200},
			{"manager resets a plain manager's password", mgr, "PATCH", users(plain.ID), map[string]any{"password": "reset by mgr"}, 200},
			{"admin creates an admin", adm, "POST", "/api/v1/users", newUser("a4@h6.test", "admin"), 201},
			{"admin resets an admin's password", adm, "PATCH", users(otherAdmin.ID), map[string]any{"password": "reset by admin"}, 200},
			{"admin grants anything", adm, "PATCH", users(w.ManagerID), map[string]any{"permissions": []string{"users.manage", "reports.view", "automation.edit"}}, 200},
		} {
			res := tc.c.Do(tc.method, tc.path, tc.body)
			if res.Status != tc.status {
				t.Errorf("%s: %d %s, want %d", tc.name, res.Status, res.Body, tc.status)
			}
		}
		// The refusals changed nothing.
		var list []beseda.User
		w.Owner.MustDo("GET", "/api/v1/users", nil, 200, &list)
		for _, u := range list {
			if (u.ID == admin.ID && u.Role != beseda.RoleAdmin) || (u.ID == owner.ID && (u.Role != beseda.RoleOwner || u.Name != owner.Name)) {
				t.Errorf("changed: %+v", u)
			}
			if u.Email == "a3@h6.test" || u.Email == "m1@h6.test" || u.Email == "o2@h6.test" {
				t.Errorf("refused user created: %+v", u)
			}
		}
		testkit.Login(t, w.Srv.URL, admin.Email, testkit.TestPassword)
		testkit.Login(t, w.Srv.URL, owner.Email, testkit.TestPassword)
	})
}

// TestIDs_OnlyCanonicalDecimals: an id in a path is found only in its one
// decimal form (else 404), and an id in a query must be one (else 400).
func TestIDs_OnlyCanonicalDecimals(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v := w.NewVisitor("Anna")
		d := w.CreateDialog(v.SubscriberID, "Case")
		w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs/%d", d.ID), nil, 200, nil)
		for _, id := range []string{"+" + strconv.FormatInt(d.ID, 10), "0" + strconv.FormatInt(d.ID, 10), "%20" + strconv.FormatInt(d.ID, 10),
			strconv.FormatInt(d.ID, 10) + ".0", "0x1", "-1", "0", "99999999999999999999"} {
			w.Owner.WantError("GET", "/api/v1/dialogs/"+id, nil, 404, beseda.ENOTFOUND)
			w.Owner.WantError("PATCH", "/api/v1/dialogs/"+id, map[string]any{"title": "x"}, 404, beseda.ENOTFOUND)
		}
		sub := strconv.FormatInt(v.SubscriberID, 10)
		w.Owner.MustDo("GET", "/api/v1/dialogs?subscriber_id="+sub, nil, 200, nil)
		for _, q := range []string{"subscriber_id=%2B" + sub, "subscriber_id=0" + sub, "subscriber_id=%20" + sub, "subscriber_id=" + sub + ".0",
			"limit=+5", "limit=05", "before=-0"} {
			w.Owner.WantError("GET", "/api/v1/dialogs?"+q, nil, 400, beseda.EINVALID)
		}
		w.Owner.WantError("GET", "/api/v1/subscribers/"+sub+"/messages?before=%2B1", nil, 400, beseda.EINVALID)
		v.WantError("GET", "/widget/"+v.Key+"/messages?after=01", nil, 400, beseda.EINVALID)
	})
}

// TestR3_ClickMeetingADatabaseErrorIsNotLost: a rating click that cannot be
// stored for a reason of ours fails with 500 (logged), so that it is sent
// again, rather than being refused as invalid and lost; sent again, it counts.
func TestR3_ClickMeetingADatabaseErrorIsNotLost(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		logs, logger := testkit.NewLogs()
		srv := testkit.StartServer(t, dbURL, testkit.Options{Logger: logger})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		v := w.NewVisitor("Anna")
		d := w.CreateDialog(v.SubscriberID, "Case")
		w.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d.ID), map[string]any{"status": "completed", "send_rating_form": true}, 200, nil)
		form := ratingForm(t, v)
		click := map[string]string{"payload": form.Buttons[2].Payload}

		exec := func(q string) {
			if _, err := srv.DB.WriteDB().Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		exec(`ALTER TABLE dialog_component_links RENAME TO dialog_component_links_away`)
		res := v.Do("POST", "/widget/"+v.Key+"/postback", click)
		if res.Status != 500 || res.ErrorCode() != beseda.EINTERNAL {
			t.Errorf("click during a database failure: %d %s", res.Status, res.Body)
		}
		if len(logs.Records(slog.LevelError)) == 0 {
			t.Errorf("the failure is not logged")
		}
		exec(`ALTER TABLE dialog_component_links_away RENAME TO dialog_component_links`)
		v.MustDo("POST", "/widget/"+v.Key+"/postback", click, 200, nil)
		var got beseda.Dialog
		w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs/%d", d.ID), nil, 200, &got)
		if got.ClientRating == nil || *got.ClientRating != 3 {
			t.Errorf("the click sent again did not count: %+v", got.ClientRating)
		}
		// A click for a dialog that is not the client's is still invalid.
		other := w.NewVisitor("Boris")
		other.WantError("POST", "/widget/"+other.Key+"/postback", click, 400, beseda.EINVALID)
	})
}
