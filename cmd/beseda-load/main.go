// Command beseda-load measures Beseda's write path from the outside, over
// HTTP. Closed-loop workers each repeat what a manager does with a support
// case — create a dialog for a client, write in it, complete it, list the
// workspace's active dialogs — and it reports cycles per second and the
// latency of every step:
//
//	beseda-load -url http://127.0.0.1:8080 -c 16 -duration 20s
//
// It needs clients without an active dialog in the signed-in user's workspace
// (cmd/beseda-synth --dialogs 0 makes them); scripts/load builds everything and
// runs it on fresh SQLite and PostgreSQL databases.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const usage = `Usage: beseda-load [flags]

Closed-loop load on Beseda's write path: each of -c workers repeats
  POST /api/v1/dialogs → POST /api/v1/dialogs/{id}/messages →
  PATCH /api/v1/dialogs/{id} {"status":"completed"} → GET /api/v1/dialogs?status=active
with clients of its own, sending each request when the previous one has answered.

Flags:
  -url URLS       base URLs, comma-separated; workers are spread over them round-robin
                  (several beseda serve processes on one PostgreSQL) (default http://127.0.0.1:8080)
  -email E        sign in as E, an owner or admin of the workspace (default admin@example.com)
  -password P     E's password (default demo)
  -c N            concurrent workers (default 4)
  -duration D     measure for D, e.g. 20s (default 20s unless -cycles is given)
  -cycles N       measure N cycles in all; with -duration, whichever ends first
  -warmup W       run W first and leave it out of the figures: a number of cycles
                  in all (e.g. 100) or a time (e.g. 2s) (default 0)
  -clients N      clients to use, without an active dialog, split among the workers (default 200)
  -timeout D      limit for one request (default 60s)
  -json           print the result as JSON instead of a table
  -h              print this help

Clients: the workspace needs -clients clients without an active dialog. On a fresh
database, before starting the server:
  go run ./cmd/beseda-synth --db URL --subscribers 200 --dialogs 0 \
      --owner-email admin@example.com --owner-password demo

Ctrl-C ends the run and prints what was measured until then.

Exit status: 0 when every measured request answered as expected, 1 on errors or
when setup fails, 2 on bad usage, 130 when interrupted.
`

type config struct {
	urls            []string
	email, password string
	concurrency     int
	duration        time.Duration // 0: bounded by cycles only
	cycles          int           // 0: bounded by duration only
	warmupCycles    int
	warmupTime      time.Duration
	clients         int
	timeout         time.Duration
	json            bool
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first Ctrl-C ends the run and prints what was measured; a second
	// one kills at once.
	go func() { <-ctx.Done(); stop() }()
	os.Exit(cli(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// cli runs the command and returns its exit status.
func cli(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseArgs(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, usage)
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "beseda-load: %v\n\n%s", err, usage)
		return 2
	}
	res, err := run(ctx, cfg, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "beseda-load:", err)
		if ctx.Err() != nil {
			return 130
		}
		return 1
	}
	if cfg.json {
		enc := json.NewEncoder(stdout)
		if err := enc.Encode(res); err != nil {
			fmt.Fprintln(stderr, "beseda-load:", err)
			return 1
		}
	} else {
		res.WriteTable(stdout)
	}
	// Interrupted first: the scripts that run the tool stop on 130 (a
	// Ctrl-C stops the servers as well, so the last requests fail anyway).
	switch {
	case res.Interrupted:
		return 130
	case res.Errors > 0:
		return 1
	}
	return 0
}

func parseArgs(args []string) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("beseda-load", flag.ContinueOnError)
	// Errors and help are printed by cli, with the full usage text.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	urls := fs.String("url", "http://127.0.0.1:8080", "")
	fs.StringVar(&cfg.email, "email", "admin@example.com", "")
	fs.StringVar(&cfg.password, "password", "demo", "")
	fs.IntVar(&cfg.concurrency, "c", 4, "")
	fs.DurationVar(&cfg.duration, "duration", 0, "")
	fs.IntVar(&cfg.cycles, "cycles", 0, "")
	warmup := fs.String("warmup", "0", "")
	fs.IntVar(&cfg.clients, "clients", 200, "")
	fs.DurationVar(&cfg.timeout, "timeout", 60*time.Second, "")
	fs.BoolVar(&cfg.json, "json", false, "")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	for _, u := range strings.Split(*urls, ",") {
		u = strings.TrimRight(strings.TrimSpace(u), "/")
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			return cfg, fmt.Errorf("-url: %q is not an http:// or https:// base URL", u)
		}
		cfg.urls = append(cfg.urls, u)
	}
	if n, err := strconv.Atoi(*warmup); err == nil {
		cfg.warmupCycles = n
	} else if d, err := time.ParseDuration(*warmup); err == nil {
		cfg.warmupTime = d
	} else {
		return cfg, fmt.Errorf("-warmup: %q is neither a number of cycles nor a time like 2s", *warmup)
	}
	switch {
	case cfg.concurrency < 1:
		return cfg, fmt.Errorf("-c must be at least 1")
	case cfg.duration < 0 || cfg.cycles < 0 || cfg.warmupCycles < 0 || cfg.warmupTime < 0:
		return cfg, fmt.Errorf("-duration, -cycles and -warmup cannot be negative")
	case cfg.clients < cfg.concurrency:
		// Each worker needs clients of its own, or creates would collide (409).
		return cfg, fmt.Errorf("-clients (%d) must be at least -c (%d): each worker needs clients of its own",
			cfg.clients, cfg.concurrency)
	case cfg.timeout <= 0:
		return cfg, fmt.Errorf("-timeout must be positive")
	case cfg.email == "":
		return cfg, fmt.Errorf("-email is required")
	}
	if cfg.duration == 0 && cfg.cycles == 0 {
		cfg.duration = 20 * time.Second
	}
	return cfg, nil
}
