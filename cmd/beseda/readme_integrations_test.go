package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/beseda/beseda/internal/testkit"
)

// TestREADME_Webhooks runs the README's webhook example as printed: its Go
// receiver (go run), the real binary with BESEDA_ALLOW_PRIVATE_WEBHOOKS=1
// and --demo, and its curl commands; the receiver verifies the signatures
// of the test event and of the client's message. Then the API document's
// command.
func TestREADME_Webhooks(t *testing.T) {
	t.Parallel()
	root, err := testkit.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(readme)
	section := doc[strings.Index(doc, "## Outgoing webhooks"):]
	section = section[:strings.Index(section[3:], "\n## ")+3]
	goStart := strings.Index(section, "```go\n")
	if goStart < 0 {
		t.Fatal("no receiver in the README")
	}
	receiver := section[goStart+len("```go\n"):]
	receiver = receiver[:strings.Index(receiver, "```")]

	// The receiver on a free port instead of 9000, which may be taken.
	recvAddr := testkit.FreePort(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "receiver.go"), []byte(strings.ReplaceAll(receiver, "127.0.0.1:9000", recvAddr)), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	recv := exec.CommandContext(ctx, "go", "run", "receiver.go")
	recv.Dir = dir
	recv.Env = append(os.Environ(), "GOFLAGS=")
	recv.Cancel = func() error { return recv.Process.Signal(syscall.SIGTERM) }
	recv.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// The receiver writes while the test reads.
	recvOut := &lockedBuffer{}
	recv.Stdout, recv.Stderr = recvOut, recvOut
	if err := recv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { syscall.Kill(-recv.Process.Pid, syscall.SIGKILL); recv.Wait() }()

	p := testkit.StartProcess(t, t.TempDir(), testkit.FreePort(t), []string{"BESEDA_ALLOW_PRIVATE_WEBHOOKS=1"}, "--demo")
	testkit.Eventually(t, 2*time.Minute, "the receiver to listen", func() bool {
		c := exec.Command("bash", "-c", "exec 3<>/dev/tcp/"+strings.Replace(recvAddr, ":", "/", 1))
		return c.Run() == nil
	})
	script := shellBlocks(t, doc, "## Outgoing webhooks", "\n## ") + shellBlocks(t, doc, "## The API document", "\n## ")
	script = strings.ReplaceAll(strings.ReplaceAll(script, "http://localhost:8080", p.URL), "127.0.0.1:9000", recvAddr)
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("the README's webhook commands failed: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{`"type":"test"`, `"status":"delivered"`, `"type":"message.received"`, `"openapi":"3.1.0"`} {
		if !strings.Contains(got, want) {
			t.Errorf("the commands' output lacks %s:\n%s", want, got)
		}
	}
	testkit.Eventually(t, 10*time.Second, "the receiver to verify both events", func() bool {
		return strings.Contains(recvOut.String(), "verified test evt_") && strings.Contains(recvOut.String(), "verified message.received evt_")
	})
	if strings.Contains(recvOut.String(), "bad signature") {
		t.Errorf("receiver: %s", recvOut.String())
	}
}

// lockedBuffer is a buffer a child process writes to (through exec's copying
// goroutine) while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
