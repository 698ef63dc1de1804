package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/internal/synth"
	"github.com/beseda/beseda/internal/testkit"
)

// TestLoadLoop runs the tool's loop in-process against a server with 9
// synthetic clients, one of them busy with an active dialog: every cycle must
// complete without an error, and the API must show what the cycles did.
func TestLoadLoop(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		ctx := context.Background()
		owner, _, err := srv.App.Users.Authenticate(ctx, w.Owner.Token, app.TokenAPI)
		if err != nil {
			t.Fatal(err)
		}
		spec, err := synth.Prepare(ctx, srv.App, owner)
		if err != nil {
			t.Fatal(err)
		}
		spec.Subscribers, spec.Dialogs = 9, 0
		made, err := synth.Generate(ctx, srv.DB, spec)
		if err != nil {
			t.Fatal(err)
		}
		busy := w.CreateDialog(made.FirstSubscriberID, "Busy already")
		cfg := config{urls: []string{srv.URL}, email: owner.Email, password: testkit.TestPassword, concurrency: 2,
			cycles: 12, warmupCycles: 2, clients: 9, timeout: time.Minute}

		// Only 8 clients are free: asking for 9 stops before any load, and says how to make more.
		var log bytes.Buffer
		if _, err := run(ctx, cfg, &log); err == nil || !strings.Contains(err.Error(), "8 clients without an active dialog") ||
			!strings.Contains(err.Error(), "beseda-synth") {
			t.Fatalf("run with too few clients: %v", err)
		}

		cfg.clients = 8
		res, err := run(ctx, cfg, &log)
		if err != nil {
			t.Fatal(err)
		}
		if res.Cycles != 12 || res.Errors != 0 || res.WarmupCycles != 2 || res.WarmupErrors != 0 || res.RetiredClients != 0 {
			t.Fatalf("result %+v, log:\n%s", res, log.String())
		}
		for name, s := range map[string]Stats{"create": res.Steps.Create, "message": res.Steps.Message,
			"complete": res.Steps.Complete, "list": res.Steps.List, "cycle": res.Cycle} {
			if s.Count != 12 || s.P50 <= 0 || s.P50 > s.P99 || s.P99 > s.Max {
				t.Errorf("%s: %+v", name, s)
			}
		}
		if res.CyclesPerSec <= 0 || res.ToolCPU.User+res.ToolCPU.Sys <= 0 {
			t.Errorf("cycles/s %v, tool CPU %+v", res.CyclesPerSec, res.ToolCPU)
		}

		// 14 dialogs (warm-up included), each completed, with the tool's message.
		var completed []beseda.Dialog
		w.Owner.MustDo("GET", "/api/v1/dialogs?status=completed&limit=1000", nil, 200, &completed)
		if len(completed) != 14 {
			t.Fatalf("%d completed dialogs, want 14", len(completed))
		}
		perClient := map[int64]int{}
		for _, d := range completed {
			perClient[d.SubscriberID]++
			if d.SubscriberID == busy.SubscriberID || d.CompletedAt == nil || !strings.HasPrefix(d.Title, "Load test ") {
				t.Errorf("dialog %d: %+v", d.ID, d)
			}
			var msgs []beseda.Message
			w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs/%d/messages", d.ID), nil, 200, &msgs)
			if len(msgs) != 1 || msgs[0].Text != messageText {
				t.Errorf("dialog %d has messages %+v", d.ID, msgs)
			}
		}
		// Two workers with four clients each, seven cycles each: every free
		// client served at least once.
		if len(perClient) != 8 {
			t.Errorf("dialogs per client %v, want all 8 free clients used", perClient)
		}
		var active []beseda.Dialog
		w.Owner.MustDo("GET", "/api/v1/dialogs?status=active", nil, 200, &active)
		if len(active) != 1 || active[0].ID != busy.ID {
			t.Errorf("active dialogs %+v, want only the busy one", active)
		}
	})
}

func TestParseArgs(t *testing.T) {
	for _, tc := range []struct {
		args  []string
		want  string // part of the error, "" for none
		check func(config) bool
	}{
		{nil, "", func(c config) bool {
			return c.duration == 20*time.Second && c.cycles == 0 && c.concurrency == 4 && c.clients == 200 &&
				c.email == "admin@example.com" && c.password == "demo" && len(c.urls) == 1 && c.urls[0] == "http://127.0.0.1:8080"
		}},
		{[]string{"-cycles", "50"}, "", func(c config) bool { return c.cycles == 50 && c.duration == 0 }},
		{[]string{"-cycles", "50", "-duration", "3s"}, "", func(c config) bool { return c.cycles == 50 && c.duration == 3*time.Second }},
		{[]string{"-warmup", "100"}, "", func(c config) bool { return c.warmupCycles == 100 && c.warmupTime == 0 }},
		{[]string{"-warmup", "2s"}, "", func(c config) bool { return c.warmupTime == 2*time.Second && c.warmupCycles == 0 }},
		{[]string{"-url", "http://a:1/, http://b:2"}, "", func(c config) bool {
			return len(c.urls) == 2 && c.urls[0] == "http://a:1" && c.urls[1] == "http://b:2"
		}},
		{[]string{"-json", "-c", "32", "-clients", "32"}, "", func(c config) bool { return c.json && c.concurrency == 32 }},
		{[]string{"-x"}, "flag provided but not defined: -x", nil},
		{[]string{"-c", "4", "extra"}, `unexpected argument "extra"`, nil},
		{[]string{"-c", "0"}, "-c must be at least 1", nil},
		{[]string{"-c", "8", "-clients", "4"}, "each worker needs clients of its own", nil},
		{[]string{"-warmup", "soon"}, "-warmup", nil},
		{[]string{"-cycles", "-1"}, "cannot be negative", nil},
		{[]string{"-url", "127.0.0.1:8080"}, "not an http:// or https:// base URL", nil},
		{[]string{"-url", "http://a:1,"}, "not an http:// or https:// base URL", nil},
	} {
		cfg, err := parseArgs(tc.args)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%q: %v", tc.args, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%q: error %v, want %q", tc.args, err, tc.want)
		case tc.check != nil && !tc.check(cfg):
			t.Errorf("%q: %+v", tc.args, cfg)
		}
	}
	if _, err := parseArgs([]string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
}

func TestCLIUsage(t *testing.T) {
	for _, tc := range []struct {
		args         []string
		status       int
		stdout, errs string
	}{
		{[]string{"-h"}, 0, "Usage: beseda-load", ""},
		{[]string{"--help"}, 0, "Usage: beseda-load", ""},
		{[]string{"-nope"}, 2, "", "Usage: beseda-load"},
		{[]string{"more"}, 2, "", "Usage: beseda-load"},
	} {
		var stdout, stderr bytes.Buffer
		status := cli(context.Background(), tc.args, &stdout, &stderr)
		if status != tc.status || !strings.Contains(stdout.String(), tc.stdout) || !strings.Contains(stderr.String(), tc.errs) ||
			(tc.stdout == "" && stdout.Len() > 0) || (tc.errs == "" && stderr.Len() > 0) {
			t.Errorf("%q: status %d, stdout %q, stderr %q", tc.args, status, stdout.String(), stderr.String())
		}
	}
}
