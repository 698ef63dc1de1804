package main

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Result is what a run measured; -json prints it as is.
type Result struct {
	URLs        []string `json:"urls"`
	Concurrency int      `json:"concurrency"`
	Clients     int      `json:"clients"`
	// Warm-up, left out of every other figure.
	WarmupCycles int `json:"warmup_cycles"`
	WarmupErrors int `json:"warmup_errors"`

	// Cycles counts the measured cycles whose every step answered as
	// expected; CyclesPerSec divides it by Seconds, the measured wall time.
	Cycles       int     `json:"cycles"`
	Seconds      float64 `json:"seconds"`
	CyclesPerSec float64 `json:"cycles_per_sec"`
	// Errors counts the measured requests that did not answer as expected.
	Errors      int          `json:"errors"`
	ErrorCounts []ErrorCount `json:"error_counts"`
	// RetiredClients were dropped after an error that may have left them
	// with an active dialog.
	RetiredClients int  `json:"retired_clients"`
	Interrupted    bool `json:"interrupted"`

	// Latency of the requests that answered as expected, and of the
	// cycles that completed.
	Steps struct {
		Create   Stats `json:"create"`
		Message  Stats `json:"message"`
		Complete Stats `json:"complete"`
		List     Stats `json:"list"`
	} `json:"steps"`
	Cycle Stats `json:"cycle"`

	// ToolCPU is this process's own CPU time (getrusage), setup included,
	// over Wall seconds: the tool shares the machine with the server.
	ToolCPU struct {
		User float64 `json:"user_s"`
		Sys  float64 `json:"sys_s"`
		Wall float64 `json:"wall_s"`
	} `json:"tool_cpu"`
}

// ErrorCount is how many requests of one step failed one way.
type ErrorCount struct {
	Step   string `json:"step"`
	Status int    `json:"status"` // 0: no answer
	Code   string `json:"code"`
	Count  int    `json:"count"`
}

// Stats are latencies in milliseconds.
type Stats struct {
	Count int     `json:"count"`
	P50   float64 `json:"p50_ms"`
	P90   float64 `json:"p90_ms"`
	P95   float64 `json:"p95_ms"`
	P99   float64 `json:"p99_ms"`
	Max   float64 `json:"max_ms"`
}

func merge(cfg config, workers []*worker, elapsed time.Duration) *Result {
	res := &Result{URLs: cfg.urls, Concurrency: cfg.concurrency, Clients: cfg.clients, Seconds: seconds(elapsed)}
	var steps [nSteps][]time.Duration
	var cycles []time.Duration
	errs := map[errorKey]int{}
	for _, w := range workers {
		res.WarmupCycles += w.warmed
		res.WarmupErrors += w.warmErr
		res.RetiredClients += w.retired
		for _, r := range w.records {
			for s, d := range r.steps {
				if d > 0 {
					steps[s] = append(steps[s], d)
				}
			}
			if r.ok {
				cycles = append(cycles, r.total)
			}
		}
		for k, n := range w.errs {
			errs[k] += n
		}
	}
	res.Cycles = len(cycles)
	if elapsed > 0 {
		res.CyclesPerSec = math.Round(float64(res.Cycles)/elapsed.Seconds()*10) / 10
	}
	res.Steps.Create = stats(steps[stepCreate])
	res.Steps.Message = stats(steps[stepMessage])
	res.Steps.Complete = stats(steps[stepComplete])
	res.Steps.List = stats(steps[stepList])
	res.Cycle = stats(cycles)
	res.ErrorCounts = []ErrorCount{}
	for k, n := range errs {
		res.Errors += n
		res.ErrorCounts = append(res.ErrorCounts, ErrorCount{Step: k.step.String(), Status: k.status, Code: k.code, Count: n})
	}
	slices.SortFunc(res.ErrorCounts, func(a, b ErrorCount) int {
		return cmp.Or(cmp.Compare(slices.Index(stepNames[:], a.Step), slices.Index(stepNames[:], b.Step)),
			cmp.Compare(a.Status, b.Status), cmp.Compare(a.Code, b.Code))
	})
	return res
}

func stats(ds []time.Duration) Stats {
	if len(ds) == 0 {
		return Stats{}
	}
	slices.Sort(ds)
	return Stats{Count: len(ds), P50: ms(percentile(ds, 50)), P90: ms(percentile(ds, 90)),
		P95: ms(percentile(ds, 95)), P99: ms(percentile(ds, 99)), Max: ms(ds[len(ds)-1])}
}

// percentile is the nearest-rank percentile p of sorted ds.
func percentile(ds []time.Duration, p int) time.Duration {
	rank := (len(ds)*p + 99) / 100
	return ds[max(rank, 1)-1]
}

func ms(d time.Duration) float64 { return math.Round(float64(d)/1e4) / 100 }

func seconds(d time.Duration) float64 { return math.Round(d.Seconds()*1000) / 1000 }

// WriteTable prints the result for people.
func (r *Result) WriteTable(out io.Writer) {
	fmt.Fprintf(out, "beseda-load: %s, c=%d, %d clients\n", strings.Join(r.URLs, " "), r.Concurrency, r.Clients)
	if r.WarmupCycles > 0 || r.WarmupErrors > 0 {
		fmt.Fprintf(out, "warm-up:  %d cycles, %d errors (not in the figures)\n", r.WarmupCycles, r.WarmupErrors)
	}
	fmt.Fprintf(out, "measured: %d cycles in %.2f s = %.1f cycles/s, %d errors\n", r.Cycles, r.Seconds, r.CyclesPerSec, r.Errors)
	if r.Interrupted {
		fmt.Fprintln(out, "interrupted: the figures cover the time until then")
	}
	fmt.Fprintln(out)
	fmt.Fprintf(out, "%-9s %7s %9s %9s %9s %9s %9s\n", "step", "count", "p50 ms", "p90 ms", "p95 ms", "p99 ms", "max ms")
	row := func(name string, s Stats) {
		fmt.Fprintf(out, "%-9s %7d %9.2f %9.2f %9.2f %9.2f %9.2f\n", name, s.Count, s.P50, s.P90, s.P95, s.P99, s.Max)
	}
	row("create", r.Steps.Create)
	row("message", r.Steps.Message)
	row("complete", r.Steps.Complete)
	row("list", r.Steps.List)
	row("cycle", r.Cycle)
	if len(r.ErrorCounts) > 0 {
		fmt.Fprintln(out, "\nerrors by step:")
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		for _, e := range r.ErrorCounts {
			status := fmt.Sprint(e.Status)
			if e.Status == 0 {
				status = "no answer"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%d\n", e.Step, status, e.Code, e.Count)
		}
		tw.Flush()
	}
	if r.RetiredClients > 0 {
		fmt.Fprintf(out, "clients dropped after errors that may have left them with an active dialog: %d\n", r.RetiredClients)
	}
	cpu := r.ToolCPU.User + r.ToolCPU.Sys
	share := 0.0
	if r.ToolCPU.Wall > 0 {
		share = cpu / r.ToolCPU.Wall * 100
	}
	fmt.Fprintf(out, "\ntool CPU: %.2f s user + %.2f s sys over %.2f s = %.0f%% of one core\n",
		r.ToolCPU.User, r.ToolCPU.Sys, r.ToolCPU.Wall, share)
}
