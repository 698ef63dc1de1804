package httpapi_test

import (
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// h6World is a workspace with a team lead holding users.manage and
// reports.view, and colleagues holding more, as much, something else, and
// nothing, each signed in.
type h6World struct {
	*testkit.World
	lead                      *testkit.Client
	richer, sideways, poorer  beseda.User
	richerC, sidewaysC, poorC *testkit.Client
}

func newH6World(t *testing.T, dbURL string) *h6World {
	w := &h6World{World: setup(t, dbURL)}
	user := func(email string, perms ...string) (beseda.User, *testkit.Client) {
		var u beseda.User
		w.Owner.MustDo("POST", "/api/v1/users", map[string]any{"email": email, "name": email, "password": testkit.TestPassword,
			"permissions": perms}, 201, &u)
		return u, testkit.Login(t, w.Srv.URL, email, testkit.TestPassword)
	}
	w.Owner.MustDo("PATCH", testkit.Path("/api/v1/users/%d", w.ManagerID),
		map[string]any{"permissions": []string{"users.manage", "reports.view"}}, 200, nil)
	w.lead = w.Manager
	w.richer, w.richerC = user("richer@h6.test", "users.manage", "reports.view", "automation.edit")
	w.sideways, w.sidewaysC = user("sideways@h6.test", "saved_replies.edit")
	w.poorer, w.poorC = user("poorer@h6.test", "reports.view")
	return w
}

// TestH6_UsersManageCannotResetARicherUsersPassword: a manager holding
// users.manage cannot set the password of a manager holding a permission it
// lacks (the attack: reset it, then sign in as them); the richer manager's
// password, sessions and tokens are untouched. A poorer one's it may reset.
func TestH6_UsersManageCannotResetARicherUsersPassword(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := newH6World(t, dbURL)
		for _, target := range []beseda.User{w.richer, w.sideways} {
			w.lead.WantError("PATCH", testkit.Path("/api/v1/users/%d", target.ID), map[string]any{"password": "taken over!"},
				403, beseda.EFORBIDDEN)
			anon := testkit.NewClient(t, w.Srv.URL)
			anon.WantError("POST", "/api/v1/auth/login", map[string]string{"email": target.Email, "password": "taken over!"},
				401, beseda.EUNAUTHORIZED)
		}
		// Their sessions live on, and their own password still signs in.
		w.richerC.MustDo("GET", "/api/v1/me", nil, 200, nil)
		w.sidewaysC.MustDo("GET", "/api/v1/me", nil, 200, nil)
		testkit.Login(t, w.Srv.URL, w.richer.Email, testkit.TestPassword)
		if res := testkit.NewConsole(t, w.Srv.URL).SignIn(w.richer.Email, "taken over!", ""); res.Status == 303 {
			t.Errorf("the console signs in with the refused password")
		}

		// A manager holding less is the lead's to reset: its sessions end.
		w.lead.MustDo("PATCH", testkit.Path("/api/v1/users/%d", w.poorer.ID), map[string]any{"password": "reset by lead"}, 200, nil)
		w.poorC.WantError("GET", "/api/v1/me", nil, 401, beseda.EUNAUTHORIZED)
		testkit.Login(t, w.Srv.URL, w.poorer.Email, "reset by lead")
	})
}

// TestH6_UsersManageCannotChangeARicherUser walks every field of
// PATCH /api/v1/users/{id}: none of them changes for a manager holding
// something the caller lacks (more, or just something else), and the
// refusals change nothing; the same changes of a poorer manager pass.
func TestH6_UsersManageCannotChangeARicherUser(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := newH6World(t, dbURL)
		changes := []map[string]any{
			{"name": "Mallory"},
			{"locale": "ru"},
			{"time_zone": "Asia/Tokyo"},
			{"role": "manager"},
			{"permissions": []string{"users.manage", "reports.view", "automation.edit", "saved_replies.edit"}},
			{"permissions": []string{"reports.view"}},                       // revoking only what the lead holds
			{"permissions": []string{"saved_replies.edit", "reports.view"}}, // granting only what the lead holds
			{"password": "taken over!"},
		}
		for _, target := range []beseda.User{w.richer, w.sideways} {
			path := testkit.Path("/api/v1/users/%d", target.ID)
			for _, change := range changes {
				res := w.lead.Do("PATCH", path, change)
				if res.Status != 403 || res.ErrorCode() != beseda.EFORBIDDEN {
					t.Errorf("%s %v: %d %s, want 403", target.Email, change, res.Status, res.Body)
				}
			}
			var after beseda.User
			w.Owner.MustDo("GET", path, nil, 200, &after)
			if after.Name != target.Name || after.Locale != target.Locale || after.TimeZone != target.TimeZone ||
				len(after.Permissions) != len(target.Permissions) {
				t.Errorf("a refusal changed %s: %+v, was %+v", target.Email, after, target)
			}
		}
		path := testkit.Path("/api/v1/users/%d", w.poorer.ID)
		for _, change := range []map[string]any{{"name": "Pat"}, {"locale": "ru"}, {"time_zone": "Asia/Tokyo"},
			{"permissions": []string{"users.manage", "reports.view"}}, {"permissions": []string{}}} {
			w.lead.MustDo("PATCH", path, change, 200, nil)
		}
		// An admin manages the richer manager; the richer one manages the lead.
		w.Owner.MustDo("PATCH", testkit.Path("/api/v1/users/%d", w.richer.ID), map[string]any{"name": "Rich"}, 200, nil)
		w.richerC.MustDo("PATCH", testkit.Path("/api/v1/users/%d", w.ManagerID), map[string]any{"name": "Lead"}, 200, nil)
	})
}
