package main

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// BenchmarkD3_ResumeAfterKill: the real server releases 400 held messages to
// a web-chat client at 50 a second; it is killed (SIGKILL) in the middle and
// started again on the same database. Reported: the time from starting the
// new process until the client sees the next message (resume-s), and the
// part of it before the new process answers /healthz (start-s) — SPEC D3
// asks for delivery to resume within 2 s of a restart.
//
//	go test ./cmd/beseda -run '^$' -bench ResumeAfterKill -benchtime 3x
func BenchmarkD3_ResumeAfterKill(b *testing.B) {
	for _, d := range testkit.Dialects() {
		b.Run(string(d), func(b *testing.B) {
			var resume, start time.Duration
			for b.Loop() {
				r, s := resumeAfterKill(b, testkit.NewMigratedDatabase(b, d))
				resume, start = resume+r, start+s
			}
			b.ReportMetric(resume.Seconds()/float64(b.N), "resume-s")
			b.ReportMetric(start.Seconds()/float64(b.N), "start-s")
		})
	}
}

func resumeAfterKill(b *testing.B, dbURL string) (resume, start time.Duration) {
	const n = 400
	dir := b.TempDir()
	testkit.CreateWorkspace(b, dbURL, "Resume", "owner@resume.test", "a long secret")
	addr := testkit.FreePort(b)
	env := []string{"BESEDA_PACE=web=50", "BESEDA_LOG_LEVEL=warn"}
	p := testkit.StartProcess(b, dir, addr, env, "--db", dbURL)
	owner := testkit.Login(b, p.URL, "owner@resume.test", "a long secret")
	visitor := testkit.StartVisitor(b, p.URL, testkit.WebChatKey(b, owner), "Client")
	var types []beseda.CatalogItem
	owner.MustDo("GET", "/api/v1/settings/dialog-types", nil, 200, &types)
	var d beseda.Dialog
	owner.MustDo("POST", "/api/v1/dialogs", map[string]any{"subscriber_id": visitor.SubscriberID, "title": "Talk",
		"type_id": types[0].ID}, 201, &d)
	for i := range n {
		owner.MustDo("POST", "/api/v1/outbound", map[string]any{"subscriber_id": visitor.SubscriberID,
			"source": beseda.SourceFunnel, "text": fmt.Sprintf("held %04d", i)}, 201, nil)
	}
	seen := func() int {
		var all []beseda.Message
		for after := int64(0); ; {
			var page []beseda.Message
			visitor.MustDo("GET", testkit.Path("/widget/%s/messages?after=%d", visitor.Key, after), nil, 200, &page)
			if len(page) == 0 {
				return len(all)
			}
			all, after = append(all, page...), page[len(page)-1].ID
		}
	}
	owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d.ID), map[string]string{"status": "paused"}, 200, nil)
	testkit.Eventually(b, 30*time.Second, "the release is under way", func() bool { return seen() >= 50 })
	p.Signal(syscall.SIGKILL)
	// What was delivered when it died, read from the database itself.
	db, err := store.Open(context.Background(), dbURL)
	if err != nil {
		b.Fatal(err)
	}
	var before int
	err = db.WriteDB().QueryRow(`SELECT count(*) FROM messages WHERE subscriber_id = $1 AND status = 'sent'`,
		visitor.SubscriberID).Scan(&before)
	db.Close()
	if err != nil {
		b.Fatal(err)
	}

	restarted := time.Now()
	p = testkit.StartProcess(b, dir, addr, env, "--db", dbURL)
	start = time.Since(restarted)
	visitor.BaseURL = p.URL
	for seen() <= before {
		if time.Since(restarted) > 60*time.Second {
			b.Fatal("delivery did not resume within a minute")
		}
		time.Sleep(10 * time.Millisecond)
	}
	resume = time.Since(restarted)
	p.Signal(syscall.SIGTERM)
	return resume, start
}
