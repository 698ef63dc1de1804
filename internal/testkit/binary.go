package testkit

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var binary struct {
	once sync.Once
	path string
	err  error
}

// Binary builds cmd/beseda once per test process and returns its path.
func Binary(tb testing.TB) string {
	tb.Helper()
	binary.once.Do(func() {
		root, err := ModuleRoot()
		if err != nil {
			binary.err = err
			return
		}
		dir, err := os.MkdirTemp("", "beseda-bin-")
		if err != nil {
			binary.err = err
			return
		}
		binary.path = filepath.Join(dir, "beseda")
		cmd := exec.Command("go", "build", "-o", binary.path, "./cmd/beseda")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			binary.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binary.err != nil {
		tb.Fatal(binary.err)
	}
	return binary.path
}

// ModuleRoot finds the directory of go.mod above the working directory.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("go.mod not found")
		}
		dir = parent
	}
}

// Process is a `beseda serve` running as a child process.
type Process struct {
	tb     testing.TB
	Cmd    *exec.Cmd
	URL    string
	Stdout *strings.Builder
	mu     *sync.Mutex
	done   chan error
}

// FreePort returns a loopback address with a free port.
func FreePort(tb testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// StartProcess runs the binary with `serve --addr ADDR args...` in dir and
// waits until /healthz answers. It is killed when the test ends.
func StartProcess(tb testing.TB, dir, addr string, env []string, args ...string) *Process {
	tb.Helper()
	cmd := exec.Command(Binary(tb), append([]string{"serve", "--addr", addr}, args...)...)
	cmd.Dir = dir
	// The test key, so that the binary and in-process test servers on one
	// database open each other's sealed secrets; a PostgreSQL database's
	// data directory (XDG_DATA_HOME/beseda/…) in dir, not the user's home;
	// the address rule lifted, for the fakes on 127.0.0.1 (as StartServer
	// does); env may override them all.
	cmd.Env = append(append(os.Environ(), "BESEDA_SECRET_KEY="+TestSecretKey,
		"XDG_DATA_HOME="+filepath.Join(dir, ".local", "share"), "BESEDA_ALLOW_PRIVATE_WEBHOOKS=1"), env...)
	out := &strings.Builder{}
	p := &Process{tb: tb, Cmd: cmd, URL: "http://" + addr, Stdout: out, mu: &sync.Mutex{}, done: make(chan error, 1)}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	go func() {
		r := bufio.NewReader(stdout)
		for {
			line, err := r.ReadString('\n')
			p.mu.Lock()
			out.WriteString(line)
			p.mu.Unlock()
			if err != nil {
				break
			}
		}
		p.done <- cmd.Wait()
	}()
	tb.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-p.done
		}
	})
	deadline := time.Now().Add(Timeout(time.Minute))
	// Each try is bounded too (a server that accepts and never answers);
	// the loop tries again until the deadline.
	probe := &http.Client{Timeout: 10 * time.Second}
	for {
		res, err := probe.Get(p.URL + "/healthz")
		if err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == 200 {
				return p
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("beseda did not start: %s", p.Output())
		}
		select {
		case err := <-p.done:
			tb.Fatalf("beseda exited: %v\n%s", err, p.Output())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Output returns what the process printed so far.
func (p *Process) Output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.Stdout.String()
}

// Signal sends sig and waits for the process to exit, returning its error.
func (p *Process) Signal(sig syscall.Signal) error {
	if err := p.Cmd.Process.Signal(sig); err != nil {
		return err
	}
	select {
	case err := <-p.done:
		return err
	case <-time.After(Timeout(30 * time.Second)):
		return fmt.Errorf("no exit %v after %v", Timeout(30*time.Second), sig)
	}
}

// CreateWorkspace adds a tenant to the database with the binary's
// `workspace create`, as an operator would; extra flags follow.
func CreateWorkspace(tb testing.TB, dbURL, name, ownerEmail, password string, extra ...string) {
	tb.Helper()
	args := append([]string{"workspace", "create", "--name", name, "--owner-email", ownerEmail,
		"--owner-password", password, "--db", dbURL}, extra...)
	if out, err := exec.Command(Binary(tb), args...).CombinedOutput(); err != nil {
		tb.Fatalf("workspace create: %v\n%s", err, out)
	}
}
