package httpapi_test

import (
	"context"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// TestSessionsAreCheckedAgainWithinSeconds: a checked token is believed for
// a moment without asking the database. Whatever ends it in this process
// (sign-out, a permission change) counts at once; a token ended behind the
// process's back — as another process on the same PostgreSQL would — stops
// working once that moment (2 s) has passed.
func TestSessionsAreCheckedAgainWithinSeconds(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		var manager beseda.User
		w.Manager.MustDo("GET", "/api/v1/me", nil, 200, &manager)

		// A grant counts at once.
		w.Manager.WantError("GET", "/api/v1/reports/dialogs", nil, 403, beseda.EFORBIDDEN)
		w.Owner.MustDo("PATCH", testkit.Path("/api/v1/users/%d", manager.ID),
			map[string]any{"permissions": []string{"reports.view"}}, 200, nil)
		w.Manager.MustDo("GET", "/api/v1/reports/dialogs", nil, 200, nil)

		// Sign-out counts at once.
		other := testkit.Login(t, srv.URL, manager.Email, testkit.TestPassword)
		other.MustDo("GET", "/api/v1/me", nil, 200, nil)
		other.MustDo("POST", "/api/v1/auth/logout", nil, 204, nil)
		other.WantError("GET", "/api/v1/me", nil, 401, beseda.EUNAUTHORIZED)

		// Tokens ended straight in the database: believed for the moment
		// only.
		w.Manager.MustDo("GET", "/api/v1/me", nil, 200, nil)
		if _, err := srv.DB.WriteDB().ExecContext(context.Background(),
			`DELETE FROM auth_tokens WHERE user_id = $1`, manager.ID); err != nil {
			t.Fatal(err)
		}
		srv.Clock.Advance(2 * time.Second)
		w.Manager.WantError("GET", "/api/v1/me", nil, 401, beseda.EUNAUTHORIZED)
	})
}
