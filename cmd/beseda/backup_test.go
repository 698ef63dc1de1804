package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// TestBackup_OnlineCopyOfARunningServer copies the SQLite database of a
// server that keeps writing; a second server started from the copy serves
// everything written before the backup. The copy is never overwritten.
func TestBackup_OnlineCopyOfARunningServer(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dbURL := "sqlite:" + filepath.Join(dir, "live.db")
	srv := testkit.StartServer(t, dbURL, testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	var owner beseda.User
	w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &owner)
	v := w.NewVisitor("Anna")
	for i := range 20 {
		v.Say(fmt.Sprintf("before %d", i))
	}

	// A client keeps writing while the backup runs.
	var wrote, failed atomic.Int64
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			req, _ := http.NewRequest("POST", srv.URL+"/widget/"+w.WebKey+"/messages", strings.NewReader(fmt.Sprintf(`{"text":"during %d"}`, i)))
			req.Header.Set("X-Visitor-Token", v.Header.Get("X-Visitor-Token"))
			res, err := http.DefaultClient.Do(req)
			if err != nil || res.StatusCode != 201 {
				failed.Add(1)
			} else {
				wrote.Add(1)
			}
			if res != nil {
				res.Body.Close()
			}
		}
	}()
	testkit.Eventually(t, 30e9, "the writer writes", func() bool { return wrote.Load() > 0 })
	backup := filepath.Join(dir, "copy.db")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"backup", "--db", dbURL, "--to", backup}, &out); err != nil {
		t.Fatalf("backup: %v", err)
	}
	before := wrote.Load()
	testkit.Eventually(t, 30e9, "the writer writes after the backup", func() bool { return wrote.Load() > before })
	close(stop)
	<-stopped
	if failed.Load() > 0 {
		t.Errorf("%d writes failed during the backup", failed.Load())
	}
	if !strings.Contains(out.String(), "copy.db") {
		t.Errorf("printed %q", out.String())
	}

	// Never overwritten, and nothing half-written is left behind.
	sum := func() [32]byte {
		b, err := os.ReadFile(backup)
		if err != nil {
			t.Fatal(err)
		}
		return sha256.Sum256(b)
	}
	first := sum()
	if err := run(context.Background(), []string{"backup", "--db", dbURL, "--to", backup}, &out); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("a second backup onto the copy: %v", err)
	}
	if sum() != first {
		t.Errorf("the copy was overwritten")
	}
	for _, name := range entries(t, dir) {
		if strings.Contains(name, "partial") {
			t.Errorf("left behind: %s", name)
		}
	}

	// A server started from the copy has what was written before the backup.
	second := testkit.StartServer(t, "sqlite:"+backup, testkit.Options{})
	c := testkit.Login(t, second.URL, owner.Email, testkit.TestPassword)
	var msgs []beseda.Message
	c.MustDo("GET", testkit.Path("/api/v1/subscribers/%d/messages?limit=200", v.SubscriberID), nil, 200, &msgs)
	texts := map[string]bool{}
	for _, m := range msgs {
		texts[m.Text] = true
	}
	for i := range 20 {
		if !texts[fmt.Sprintf("before %d", i)] {
			t.Errorf("the copy lacks %q", fmt.Sprintf("before %d", i))
		}
	}
}

// TestBackup_PostgresShowsPgDump: backup refuses PostgreSQL and says which
// pg_dump command to use, without the URL's password.
func TestBackup_PostgresShowsPgDump(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	err := run(context.Background(), []string{"backup", "--db", "postgres://beseda:s3cret@db.internal/beseda", "--to", "beseda.dump"}, &out)
	if err == nil || !strings.Contains(err.Error(), "pg_dump --format=custom --file=beseda.dump 'postgres://beseda:xxxxx@db.internal/beseda'") ||
		strings.Contains(err.Error(), "s3cret") {
		t.Errorf("backup of PostgreSQL: %v", err)
	}
	dir := t.TempDir()
	if err := run(context.Background(), []string{"backup", "--db", "sqlite:" + filepath.Join(dir, "none.db"), "--to", filepath.Join(dir, "x.db")}, &out); err == nil ||
		!strings.Contains(err.Error(), "no database") {
		t.Errorf("backup of a missing database: %v", err)
	}
	if got := entries(t, dir); len(got) != 0 {
		t.Errorf("left %v", got)
	}
}

// TestREADME_Backups runs the README's backup command as printed against a
// running `serve --demo`, then starts the README's restore command's server
// from the copy and signs in to the demo.
func TestREADME_Backups(t *testing.T) {
	t.Parallel()
	root, err := testkit.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	const restore = "go run ./cmd/beseda serve --db sqlite:beseda-backup.db"
	if !strings.Contains(string(readme), restore) {
		t.Fatalf("the README's Backups section lacks %q", restore)
	}
	script := shellBlocks(t, string(readme), "## Backups", "\n## ")
	dir := t.TempDir()
	testkit.StartProcess(t, dir, testkit.FreePort(t), nil, "--demo")
	script = strings.ReplaceAll(script, "go run ./cmd/beseda", testkit.Binary(t))
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the README's backup: %v\n%s", err, out)
	}
	args := strings.Fields(strings.TrimPrefix(restore, "go run ./cmd/beseda serve"))
	p := testkit.StartProcess(t, dir, testkit.FreePort(t), nil, args...)
	c := testkit.Login(t, p.URL, "admin@example.com", "demo")
	var subs []beseda.Subscriber
	c.MustDo("GET", "/api/v1/subscribers", nil, 200, &subs)
	if len(subs) == 0 {
		t.Errorf("the restored demo has no clients")
	}
}
