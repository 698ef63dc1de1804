package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/synth"
	"github.com/beseda/beseda/internal/testkit"
)

// BenchmarkReport1M: the dialogs report over 1,000,000 synthetic dialogs
// (100,000 clients, a year of history; what `go run ./cmd/beseda-synth`
// makes). ReportTotals is the JSON report with its totals, through the HTTP
// handler; ReportCSV streams all 1,000,000 rows over a real connection and
// reports the process's peak RSS while doing so.
//
//	go test ./httpapi -run '^$' -bench Report1M -benchtime 5x
func BenchmarkReport1M(b *testing.B) {
	for _, d := range testkit.Dialects() {
		b.Run(string(d), func(b *testing.B) {
			srv := testkit.StartServer(b, testkit.NewMigratedDatabase(b, d), testkit.Options{Clock: beseda.SystemClock{}})
			w := testkit.NewWorld(b, srv, beseda.LocaleEN)
			ctx := context.Background()
			owner, _, err := srv.App.Users.Authenticate(ctx, w.Owner.Token, "api")
			if err != nil {
				b.Fatal(err)
			}
			spec, err := synth.Prepare(ctx, srv.App, owner)
			if err != nil {
				b.Fatal(err)
			}
			spec.Subscribers, spec.Dialogs, spec.ActiveShare = 100_000, 1_000_000, 0.01
			spec.End = time.Now().UTC()
			spec.Start = spec.End.AddDate(-1, 0, 0)
			start := time.Now()
			if _, err := synth.Generate(ctx, srv.DB, spec); err != nil {
				b.Fatal(err)
			}
			b.Logf("%s: 1,000,000 dialogs generated in %v", d, time.Since(start).Round(time.Second))
			// What autovacuum (PostgreSQL) or the optimize at start (SQLite)
			// does for a real database: fresh statistics, and on PostgreSQL
			// the visibility map that lets the covering index be read alone.
			if err := srv.DB.Vacuum(ctx); err != nil {
				b.Fatal(err)
			}

			b.Run("ReportTotals", func(b *testing.B) {
				bn := &bench{srv: srv, w: w, token: w.Owner.Token}
				testkit.Timed(b, func(int) { bn.do(b, "GET", "/api/v1/reports/dialogs?limit=50", "", http.StatusOK) })
			})
			b.Run("ReportTotalsLastMonth", func(b *testing.B) {
				bn := &bench{srv: srv, w: w, token: w.Owner.Token}
				from := time.Now().AddDate(0, -1, 0).Format("2006-01-02")
				testkit.Timed(b, func(int) { bn.do(b, "GET", "/api/v1/reports/dialogs?limit=50&from="+from, "", http.StatusOK) })
			})
			b.Run("ReportCSV", func(b *testing.B) {
				for b.Loop() {
					runtime.GC()
					debug.FreeOSMemory()
					testkit.ResetPeakRSS(b)
					req, _ := http.NewRequest("GET", srv.URL+"/api/v1/reports/dialogs?format=csv", nil)
					req.Header.Set("Authorization", "Bearer "+w.Owner.Token)
					res, err := http.DefaultClient.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					n, err := io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if err != nil || res.StatusCode != 200 || n < 50_000_000 {
						b.Fatalf("csv: %d bytes, status %d, %v", n, res.StatusCode, err)
					}
					b.ReportMetric(float64(testkit.PeakRSS(b))/(1<<20), "peak-RSS-MB")
					b.ReportMetric(float64(n)/(1<<20), "csv-MB")
				}
			})
		})
	}
}
