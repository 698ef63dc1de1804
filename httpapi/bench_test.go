package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/synth"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// The benchmarks call the server's HTTP handler directly (no network), with a
// real bearer token and a real database holding 100,000 dialogs. Besides
// ns/op they report the median and 99th percentile of one request.
//
//	go test ./httpapi -run '^$' -bench . -benchmem

const storedDialogs = 100_000

type bench struct {
	srv   *testkit.Server
	w     *testkit.World
	token string
	res   synth.Result
}

func newBench(b *testing.B, d store.Dialect) *bench {
	b.Helper()
	srv := testkit.StartServer(b, testkit.NewMigratedDatabase(b, d), testkit.Options{Clock: beseda.SystemClock{}})
	w := testkit.NewWorld(b, srv, beseda.LocaleEN)
	ctx := context.Background()
	channels, err := srv.DB.FindChannels(ctx, w.WorkspaceID)
	if err != nil {
		b.Fatal(err)
	}
	res, err := synth.Generate(ctx, srv.DB, synth.Spec{WorkspaceID: w.WorkspaceID, ChannelID: channels[0].ID,
		UserIDs: []int64{w.OwnerID, w.ManagerID}, TypeIDs: []int64{w.Types[0].ID, w.Types[1].ID},
		Subscribers: storedDialogs, Dialogs: storedDialogs, ActiveShare: 0.1, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	// BESEDA_BENCH_SLA=1: the workspace has a default SLA policy, so that new
	// dialogs get an SLA clock and the SLA report's sums (sla_rollup) follow
	// them.
	if os.Getenv("BESEDA_BENCH_SLA") == "1" {
		w.Owner.MustDo("POST", "/api/v1/settings/sla-policies", map[string]any{"name": "Bench", "first_response_minutes": 30,
			"resolution_minutes": 480}, http.StatusCreated, nil)
	}
	return &bench{srv: srv, w: w, token: w.Owner.Token, res: res}
}

// do serves one request through the handler, fails on an unexpected status
// and returns the response's body.
func (bn *bench) do(b *testing.B, method, path, body string, want int) []byte {
	var r *http.Request
	if body == "" {
		r = httptest.NewRequest(method, path, nil)
	} else {
		r = httptest.NewRequest(method, path, strings.NewReader(body))
	}
	r.Header.Set("Authorization", "Bearer "+bn.token)
	rec := httptest.NewRecorder()
	bn.srv.Handler.ServeHTTP(rec, r)
	if rec.Code != want {
		b.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}

func eachDialect(b *testing.B, fn func(b *testing.B, bn *bench)) {
	for _, d := range testkit.Dialects() {
		b.Run(string(d), func(b *testing.B) { fn(b, newBench(b, d)) })
	}
}

func BenchmarkCreateDialog(b *testing.B) {
	eachDialect(b, func(b *testing.B, bn *bench) {
		// Clients without an active dialog: the synthetic ones not in the active share.
		var free []int64
		for i := range int64(storedDialogs) {
			if i%10 != 0 {
				free = append(free, bn.res.FirstSubscriberID+i)
			}
		}
		testkit.Timed(b, func(i int) {
			body := fmt.Sprintf(`{"subscriber_id":%d,"title":"Bench case","type_id":%d,"participant_ids":[%d]}`,
				free[i%len(free)], bn.w.Types[0].ID, bn.w.ManagerID)
			bn.do(b, "POST", "/api/v1/dialogs", body, http.StatusCreated)
		})
	})
}

func BenchmarkPostDialogMessage(b *testing.B) {
	eachDialect(b, func(b *testing.B, bn *bench) {
		v := bn.w.NewVisitor("Bench")
		d := bn.w.CreateDialog(v.SubscriberID, "Bench")
		path := testkit.Path("/api/v1/dialogs/%d/messages", d.ID)
		testkit.Timed(b, func(int) { bn.do(b, "POST", path, `{"text":"Let me check that for you."}`, http.StatusCreated) })
	})
}

func BenchmarkChangeStatus(b *testing.B) {
	eachDialect(b, func(b *testing.B, bn *bench) {
		v := bn.w.NewVisitor("Bench")
		d := bn.w.CreateDialog(v.SubscriberID, "Bench")
		path := testkit.Path("/api/v1/dialogs/%d", d.ID)
		testkit.Timed(b, func(i int) {
			status := "paused"
			if i%2 == 1 {
				status = "active"
			}
			bn.do(b, "PATCH", path, `{"status":"`+status+`"}`, http.StatusOK)
		})
	})
}

func BenchmarkListActiveDialogs(b *testing.B) {
	eachDialect(b, func(b *testing.B, bn *bench) {
		testkit.Timed(b, func(int) { bn.do(b, "GET", "/api/v1/dialogs?status=active", "", http.StatusOK) })
	})
}
