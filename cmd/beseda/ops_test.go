package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// TestSQLite_OneProcessPerDatabase: a second `beseda serve` on an SQLite
// database another one serves is refused, naming the file and the other
// process; a killed first process (SIGKILL: no chance to clean up) does not
// keep the second out.
func TestSQLite_OneProcessPerDatabase(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "beseda.db")
	first := testkit.FreePort(t)
	p := testkit.StartProcess(t, dir, first, nil, "--db", "sqlite:"+path)
	_, stderr, code := runBinary(t, dir, "serve", "--addr", testkit.FreePort(t), "--db", "sqlite:"+path)
	want := fmt.Sprintf("beseda: database %s is in use by beseda serve, listening on %s (pid %d, since ", path, first, p.Cmd.Process.Pid)
	if code != 1 || !strings.Contains(stderr, want) ||
		!strings.Contains(stderr, "on SQLite one process at a time serves a database (the lock is "+store.LockFile(path)+"). "+
			"Stop that one first, or run several processes on PostgreSQL\n") {
		t.Errorf("a second server: exit %d\n%s\nwant %s…", code, stderr, want)
	}
	if err := p.Signal(syscall.SIGKILL); err == nil {
		t.Fatal("SIGKILL: the process exited cleanly")
	}
	if _, err := os.Stat(store.LockFile(path)); err != nil {
		t.Fatalf("the lock file: %v", err)
	}
	second := testkit.StartProcess(t, dir, testkit.FreePort(t), nil, "--db", "sqlite:"+path)
	if err := second.Signal(syscall.SIGTERM); err != nil {
		t.Errorf("the second server: %v\n%s", err, second.Output())
	}
}

// TestServe_FileMistakesNameThePath: a database or data directory this user
// may not write is named with its path, the cause and the fix — not
// "unable to open database file (14)" nor a word about the secret key — and
// a data directory that cannot be used stops the start before a database is
// made. As root (who may write anywhere) the binary runs as nobody.
func TestServe_FileMistakesNameThePath(t *testing.T) {
	base, err := os.MkdirTemp("", "beseda-perm-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		filepath.Walk(base, func(p string, info os.FileInfo, err error) error {
			if err == nil && info.IsDir() {
				os.Chmod(p, 0o755)
			}
			return nil
		})
		os.RemoveAll(base)
	})
	// The binary, where another user may run it.
	bin := filepath.Join(base, "bin", "beseda")
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(testkit.Binary(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	writable := filepath.Join(base, "w")
	readOnlyData := filepath.Join(base, "ro-data")
	for _, d := range []string{writable, readOnlyData} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	readOnlyDB := filepath.Join(writable, "ro.db")
	if err := os.WriteFile(readOnlyDB, nil, 0o444); err != nil {
		t.Fatal(err)
	}
	for d, mode := range map[string]os.FileMode{writable: 0o777, readOnlyData: 0o555, base: 0o555} {
		if err := os.Chmod(d, mode); err != nil {
			t.Fatal(err)
		}
	}
	fix := "; give --data-dir (or BESEDA_DATA_DIR) a directory this user may write\n"
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--db", "sqlite:" + filepath.Join(base, "beseda.db"), "--data-dir", filepath.Join(writable, "data")},
			"beseda: database " + filepath.Join(base, "beseda.db") + ": cannot create it: permission denied (the directory " + base + " must be writable by this user)\n"},
		{[]string{"--db", "sqlite:" + readOnlyDB, "--data-dir", filepath.Join(writable, "data")},
			"beseda: database " + readOnlyDB + ": cannot open it for writing: permission denied\n"},
		{[]string{"--db", "sqlite:" + filepath.Join(writable, "a.db"), "--data-dir", filepath.Join(base, "data")},
			"beseda: data directory " + filepath.Join(base, "data") + ": cannot create it: permission denied" + fix},
		{[]string{"--db", "sqlite:" + filepath.Join(writable, "b.db"), "--data-dir", readOnlyData},
			"beseda: data directory " + readOnlyData + ": this user may not write in it: permission denied" + fix},
		{[]string{"--db", "sqlite:" + filepath.Join(base, "c.db")},
			"beseda: data directory " + filepath.Join(base, "beseda-data") + ": cannot create it: permission denied" + fix},
	} {
		cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, tc.args...)...)
		cmd.Dir = writable
		cmd.Env = append(os.Environ(), "BESEDA_SECRET_KEY=", "HOME="+writable)
		if os.Getuid() == 0 {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		}
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = io.Discard, &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 {
			t.Errorf("%v: %v", tc.args, err)
		}
		if got := lastLine(stderr.String()); got != tc.want {
			t.Errorf("%v:\n got %q\nwant %q", tc.args, got, tc.want)
		}
	}
	for _, name := range []string{"a.db", "b.db"} {
		if _, err := os.Stat(filepath.Join(writable, name)); err == nil {
			t.Errorf("%s was made although the data directory cannot be used", name)
		}
	}
}

func lastLine(s string) string {
	lines := strings.SplitAfter(strings.TrimRight(s, "\n")+"\n", "\n")
	return lines[len(lines)-2]
}

// TestServe_QuietStart: `serve --demo` says what an operator needs — the
// configuration, the database, the data directory, the key, the address —
// in a few lines, then the banner with the URLs, last; no line per seeded
// client, no "signed in" of the banner's own doing. A missing database
// directory is made, and said.
func TestServe_QuietStart(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		dir := t.TempDir()
		if strings.HasPrefix(dbURL, "sqlite:") {
			dbURL = "sqlite:" + filepath.Join(dir, "new", "beseda.db")
		}
		p := testkit.StartProcess(t, dir, testkit.FreePort(t), nil, "--demo", "--db", dbURL)
		rule := strings.Repeat("─", 72)
		testkit.Eventually(t, 10*time.Second, "the banner", func() bool { return strings.Count(p.Output(), rule) == 2 })
		time.Sleep(200 * time.Millisecond) // room for a line after it, were there one
		out := p.Output()
		if !strings.HasSuffix(out, "  Stop it with Ctrl+C (SIGINT) or SIGTERM.\n"+rule+"\n\n") {
			t.Errorf("the banner is not last:\n%s", out)
		}
		before, banner, _ := strings.Cut(out, rule)
		logs := strings.Split(strings.TrimSpace(before), "\n")
		if len(logs) > 8 {
			t.Errorf("%d lines before the banner, want at most 8:\n%s", len(logs), before)
		}
		for _, want := range []string{`msg="beseda starting" version=`, "msg=database dialect=", `msg="data directory" path=`,
			"msg=\"secret keys\" from=BESEDA_SECRET_KEY", `msg="demo data seeded"`, "msg=listening addr=" + strings.TrimPrefix(p.URL, "http://")} {
			if !strings.Contains(before, want) {
				t.Errorf("the start does not say %s:\n%s", want, before)
			}
		}
		if strings.HasPrefix(dbURL, "sqlite:") && !strings.Contains(before, "made_directory="+filepath.Join(dir, "new")) {
			t.Errorf("the start does not say it made the database's directory:\n%s", before)
		}
		for _, unwanted := range []string{"signed in", "visitor started", "client rated"} {
			if strings.Contains(out, unwanted) {
				t.Errorf("the start logs %q:\n%s", unwanted, out)
			}
		}
		for _, want := range []string{"Beseda demo is running.", "Console:   " + p.URL + "/", "owner   admin@example.com / demo",
			"Web chat:  " + p.URL + "/widget/", "API:       " + p.URL + "/api/v1"} {
			if !strings.Contains(banner, want) {
				t.Errorf("the banner lacks %q:\n%s", want, banner)
			}
		}
		if err := p.Signal(syscall.SIGTERM); err != nil {
			t.Error(err)
		}
	})
}
