package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
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
// reports the process's peak RSS while doing so. The workspace has business
// hours and SLA policies, and every dialog an SLA clock (synth.PrepareSLA):
// SLAReport and SLAReportLastMonth are the SLA report through the HTTP
// handler (rule T6, issue 22), after a check that its figures are those of
// the dialogs themselves.
//
//	go test ./httpapi -run '^$' -bench Report1M -benchtime 5x
//	go test ./httpapi -run '^$' -bench 'Report1M/.*/SLA' -benchtime 20x
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
			if err := synth.PrepareSLA(ctx, srv.App, owner, &spec); err != nil {
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
			monthFrom := time.Now().UTC().AddDate(0, -1, 0).Format(time.DateOnly)
			checkSLAReport(b, srv, w, monthFrom)
			b.Run("SLAReport", func(b *testing.B) {
				logLoad(b)
				bn := &bench{srv: srv, w: w, token: w.Owner.Token}
				testkit.Timed(b, func(int) { bn.do(b, "GET", "/api/v1/reports/sla", "", http.StatusOK) })
				logLoad(b)
			})
			b.Run("SLAReportLastMonth", func(b *testing.B) {
				logLoad(b)
				bn := &bench{srv: srv, w: w, token: w.Owner.Token}
				testkit.Timed(b, func(int) { bn.do(b, "GET", "/api/v1/reports/sla?from="+monthFrom, "", http.StatusOK) })
				logLoad(b)
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

// checkSLAReport: over the million dialogs, the SLA report the API serves
// (from the sums kept per hour) has the figures of the dialogs themselves —
// its totals those of one query over every SLA row, the whole report that
// of store.SLAReportScan, for the year and for the last month, and the
// month's days add up to its totals. The SLA sweep runs meanwhile and may
// record a breach between two reads: a mismatch is looked at again twice.
func checkSLAReport(b *testing.B, srv *testkit.Server, w *testkit.World, monthFrom string) {
	b.Helper()
	var err error
	for range 3 {
		if err = slaReportMismatch(b, srv, w, monthFrom); err == nil {
			return
		}
		b.Log(err)
	}
	b.Fatal(err)
}

func slaReportMismatch(b *testing.B, srv *testkit.Server, w *testkit.World, monthFrom string) error {
	ctx := context.Background()
	var year, month beseda.SLAReport
	w.Owner.MustDo("GET", "/api/v1/reports/sla", nil, http.StatusOK, &year)
	w.Owner.MustDo("GET", "/api/v1/reports/sla?from="+monthFrom, nil, http.StatusOK, &month)
	var s beseda.SLASums
	if err := srv.DB.WriteDB().QueryRowContext(ctx, `SELECT count(*), sum(CASE WHEN missed = 0 THEN 1 ELSE 0 END),
		count(first_response_ms), sum(first_response_ms), count(resolution_ms), sum(resolution_ms)
		FROM dialog_sla WHERE workspace_id = $1`, w.WorkspaceID).Scan(&s.Dialogs, &s.Attained, &s.FirstResponses,
		&s.FirstResponseMS, &s.Resolutions, &s.ResolutionMS); err != nil {
		return err
	}
	if got, want := fmt.Sprint(statsOf(year.Totals)), fmt.Sprint(statsOf(s.Stats(0, ""))); got != want || s.Dialogs != 1_000_000 {
		return fmt.Errorf("SLA totals %s, the dialogs' %s", got, want)
	}
	var days beseda.SLASums
	for _, d := range month.PerDay {
		days = days.Add(beseda.SLASums{Dialogs: int64(d.Dialogs), Attained: int64(d.Attained),
			FirstResponses: int64(d.FirstResponses), Resolutions: int64(d.Resolutions)})
	}
	if days.Dialogs != int64(month.Totals.Dialogs) || days.Attained != int64(month.Totals.Attained) ||
		days.FirstResponses != int64(month.Totals.FirstResponses) || days.Resolutions != int64(month.Totals.Resolutions) {
		return fmt.Errorf("the month's days add up to %+v, its totals are %+v", days, month.Totals)
	}
	from, err := time.ParseInLocation(time.DateOnly, monthFrom, time.UTC)
	if err != nil {
		return err
	}
	for name, pair := range map[string]struct {
		got *beseda.SLAReport
		f   beseda.ReportFilter
	}{"year": {&year, beseda.ReportFilter{}}, "month": {&month, beseda.ReportFilter{From: &from}}} {
		pair.f.WorkspaceID, pair.f.Location = w.WorkspaceID, time.UTC
		start := time.Now()
		want, err := srv.DB.SLAReportScan(ctx, pair.f)
		if err != nil {
			return err
		}
		b.Logf("%s: the SLA report from the dialogs took %v", name, time.Since(start).Round(time.Millisecond))
		got, _ := json.Marshal(pair.got)
		wantJSON, _ := json.Marshal(want)
		if string(got) != string(wantJSON) {
			return fmt.Errorf("%s: the SLA report served\n%s\nfrom the dialogs\n%s", name, got, wantJSON)
		}
	}
	b.Logf("SLA: %d dialogs, %d attained, %d first responses, %d resolutions; last month %d dialogs over %d days",
		year.Totals.Dialogs, year.Totals.Attained, year.Totals.FirstResponses, year.Totals.Resolutions, month.Totals.Dialogs, len(month.PerDay))
	return nil
}

// statsOf is what SLA figures say, without pointers.
func statsOf(s beseda.SLAStats) []any {
	deref := func(v *float64) any {
		if v == nil {
			return nil
		}
		return *v
	}
	return []any{s.Dialogs, s.Attained, deref(s.Attainment), s.FirstResponses, deref(s.FirstResponseAvgSeconds), s.Resolutions,
		deref(s.ResolutionAvgSeconds)}
}

// logLoad records the machine's load average beside a benchmark's figures
// (other work shares its cores).
func logLoad(b *testing.B) {
	if raw, err := os.ReadFile("/proc/loadavg"); err == nil {
		b.Logf("load average: %s", strings.TrimSpace(string(raw)))
	}
}
