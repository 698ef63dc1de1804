// Command beseda-synth fills a Beseda database with synthetic clients and
// dialogs for benchmarks and load tests, in a workspace of its own:
//
//	go run ./cmd/beseda-synth --db sqlite:bench.db --dialogs 1000000 --subscribers 100000
//
// For the load tool (cmd/beseda-load), clients only, with a sign-in it knows:
//
//	go run ./cmd/beseda-synth --db URL --subscribers 200 --dialogs 0 --owner-email admin@example.com --owner-password demo
//
// For the SLA report (BENCHMARKS.md), business hours, SLA policies and each dialog's SLA
// clock too:
//
//	go run ./cmd/beseda-synth --db sqlite:bench.db --dialogs 1000000 --subscribers 100000 --sla
//
// For the search benchmark at scale (BENCHMARKS.md), messages too, ten per
// client; on PostgreSQL the messages' search index is built once after them:
//
//	go run ./cmd/beseda-synth --db URL --subscribers 1000000 --dialogs 1000000 --messages 10 --owner-email owner@search.test
//
// It prints its progress, then the workspace and the owner's sign-in. Do not point it at a
// database with real data: it writes a million rows as fast as it can.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/internal/server"
	"github.com/beseda/beseda/internal/synth"
	"github.com/beseda/beseda/store"
)

func main() {
	dbURL := flag.String("db", "sqlite:bench.db", "database URL (sqlite:PATH or postgres://…)")
	subscribers := flag.Int("subscribers", 100_000, "clients to create")
	dialogs := flag.Int("dialogs", 1_000_000, "dialogs to create, spread over the clients (0: clients only)")
	active := flag.Float64("active-share", 0.01, "share of clients whose last dialog is active")
	messages := flag.Int("messages", 0, "messages per client")
	months := flag.Int("months", 12, "spread creation times over this many months up to now")
	ownerEmail := flag.String("owner-email", "", "the new workspace's owner (default synth-TIME@example.com)")
	ownerPassword := flag.String("owner-password", "synthetic data", "the owner's password")
	withSLA := flag.Bool("sla", false, "business hours, SLA policies and every dialog's SLA clock, for the SLA report")
	flag.Parse()
	if err := run(*dbURL, *subscribers, *dialogs, *active, *messages, *months, *ownerEmail, *ownerPassword, *withSLA); err != nil {
		fmt.Fprintln(os.Stderr, "beseda-synth:", err)
		os.Exit(1)
	}
}

func run(dbURL string, subscribers, dialogs int, active float64, messages, months int, email, password string, withSLA bool) error {
	ctx := context.Background()
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	a := app.New(db, app.Config{Channels: server.Channels()})
	suffix := time.Now().Format("20060102150405")
	if email == "" {
		email = "synth-" + suffix + "@example.com"
	}
	ws, owner, err := a.Users.CreateWorkspace(ctx, beseda.WorkspaceCreate{Name: "Synthetic " + suffix, OwnerEmail: email,
		OwnerName: "Synth Owner", OwnerPassword: password})
	if err != nil {
		return err
	}
	spec, err := synth.Prepare(ctx, a, owner)
	if err != nil {
		return err
	}
	if withSLA {
		if err := synth.PrepareSLA(ctx, a, owner, &spec); err != nil {
			return err
		}
	}
	spec.Subscribers, spec.Dialogs, spec.ActiveShare, spec.MessagesPerSubscriber = subscribers, dialogs, active, messages
	spec.End = time.Now().UTC()
	spec.Start = spec.End.AddDate(0, -months, 0)
	start := time.Now()
	spec.Progress = func(phase string, done int) {
		fmt.Fprintf(os.Stderr, "%s %s: %d\n", time.Since(start).Round(time.Second), phase, done)
	}
	res, err := synth.Generate(ctx, db, spec)
	if err != nil {
		return err
	}
	// Up-to-date statistics for whoever measures next (autovacuum would
	// take its time over millions of new rows).
	if err := db.Vacuum(ctx); err != nil {
		return err
	}
	fmt.Printf("workspace %d: %d clients, %d dialogs (%d active) in %v\nsign in as %s / %s\n",
		ws.ID, res.Subscribers, res.Dialogs, res.Active, time.Since(start).Round(time.Second), email, password)
	return nil
}
