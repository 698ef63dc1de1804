package httpapi_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/server"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// statementBudget is what a request of the write path may cost on
// PostgreSQL: statements (authentication included, BEGIN and COMMIT not) and
// commits. Each statement is a round trip; the budget keeps the loop of the
// load tool (create → message → complete → list) at a handful of them.
var statementBudget = []struct {
	step       string
	statements int
	commits    int
}{
	{"create", 5, 1},
	{"message", 5, 1},
	{"complete", 6, 1},
	{"list", 2, 0},
}

// TestWritePathStatementBudget counts the SQL statements of each request of
// the write path through a counting database driver, so that a change that
// adds round trips fails here rather than in a load test.
func TestWritePathStatementBudget(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		var mu sync.Mutex
		counted := map[string]testkit.StatementLog{} // by "METHOD pattern"
		srv := testkit.StartServer(t, dbURL, testkit.Options{
			Configure: func(c *server.Config) {
				c.DBOptions = append(c.DBOptions, store.WithConnector(testkit.CountingConnector))
			},
			WrapHandler: func(h http.Handler) http.Handler {
				return testkit.CountRequests(h, func(r *http.Request, s *testkit.Statements) {
					mu.Lock()
					counted[r.Method+" "+r.URL.Path] = s.Snapshot()
					mu.Unlock()
				})
			},
		})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		cycle := func(name string) map[string]testkit.StatementLog {
			v := w.NewVisitor(name)
			var d beseda.Dialog
			w.Owner.MustDo("POST", "/api/v1/dialogs", map[string]any{"subscriber_id": v.SubscriberID,
				"title": "Budget", "type_id": w.Types[0].ID}, http.StatusCreated, &d)
			dialogPath := testkit.Path("/api/v1/dialogs/%d", d.ID)
			w.Owner.MustDo("POST", dialogPath+"/messages", map[string]string{"text": "hello"}, http.StatusCreated, nil)
			w.Owner.MustDo("PATCH", dialogPath, map[string]any{"status": "completed"}, http.StatusOK, nil)
			w.Owner.MustDo("GET", "/api/v1/dialogs?status=active", nil, http.StatusOK, nil)
			mu.Lock()
			defer mu.Unlock()
			return map[string]testkit.StatementLog{
				"create":   counted["POST /api/v1/dialogs"],
				"message":  counted["POST "+dialogPath+"/messages"],
				"complete": counted["PATCH "+dialogPath],
				"list":     counted["GET /api/v1/dialogs"],
			}
		}
		// Another client's active dialog, so that listing reads references.
		w.CreateDialog(w.NewVisitor("Busy").SubscriberID, "Busy", w.ManagerID)
		cycle("Warm") // the first requests fill caches (prepared statements)
		got := cycle("Counted")
		for _, b := range statementBudget {
			s := got[b.step]
			t.Logf("%s: %d statements, %d commits\n\t%s", b.step, len(s.Queries), s.Commits,
				strings.Join(oneLine(s.Queries), "\n\t"))
			if len(s.Queries) == 0 {
				t.Errorf("%s: no statements counted; is the counting driver in place?", b.step)
			}
			if s.Commits > b.commits {
				t.Errorf("%s: %d commits, want at most %d", b.step, s.Commits, b.commits)
			}
			if strings.HasPrefix(dbURL, "sqlite") {
				// SQLite runs in-process: deferred writes go one by one.
				continue
			}
			if len(s.Queries) > b.statements {
				t.Errorf("%s: %d statements on PostgreSQL, want at most %d", b.step, len(s.Queries), b.statements)
			}
		}
	})
}

func oneLine(queries []string) []string {
	out := make([]string, len(queries))
	for i, q := range queries {
		q = strings.Join(strings.Fields(q), " ")
		if len(q) > 160 {
			q = q[:160] + "…"
		}
		out[i] = q
	}
	return out
}
