package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beseda/beseda/internal/testkit"
)

// runBinary runs the real binary and returns its stdout, stderr and exit code.
func runBinary(t *testing.T, dir string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(testkit.Binary(t), args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return stdout.String(), stderr.String(), exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), 0
}

// entries lists what a directory holds.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	list, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range list {
		names = append(names, e.Name())
	}
	return names
}

// TestCLI_HelpAndVersion: every way of asking for help prints the right
// usage on stdout and exits 0; --version prints the version.
func TestCLI_HelpAndVersion(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "beseda serve [flags]"},
		{[]string{"help"}, "beseda serve [flags]"},
		{[]string{"-h"}, "beseda serve [flags]"},
		{[]string{"--help"}, "beseda backup --db URL --to FILE"},
		{[]string{"serve", "--help"}, "-metrics-addr"},
		{[]string{"serve", "-h"}, "-widget-sessions-per-minute"},
		{[]string{"workspace", "--help"}, "beseda workspace create --name N"},
		{[]string{"workspace", "create", "--help"}, "-owner-password"},
		{[]string{"backup", "--help"}, "-to"},
		{[]string{"keys", "--help"}, "beseda keys forget --key-id ID"},
		{[]string{"keys", "list", "--help"}, "-data-dir"},
		{[]string{"keys", "forget", "--help"}, "-key-id"},
	} {
		stdout, stderr, code := runBinary(t, dir, tc.args...)
		if code != 0 || !strings.Contains(stdout, tc.want) || !strings.Contains(stdout, "Usage") || stderr != "" {
			t.Errorf("beseda %v: exit %d, stdout %q, stderr %q", tc.args, code, stdout, stderr)
		}
	}
	for _, args := range [][]string{{"--version"}, {"version"}} {
		stdout, stderr, code := runBinary(t, dir, args...)
		if code != 0 || !strings.HasPrefix(stdout, "beseda ") || !strings.Contains(stdout, "go1.") || stderr != "" {
			t.Errorf("beseda %v: exit %d, %q %q", args, code, stdout, stderr)
		}
	}
	if got := entries(t, dir); len(got) != 0 {
		t.Errorf("help created %v", got)
	}
}

// TestCLI_MistakesAreErrors: unknown database schemes, stray arguments,
// unknown commands and short owner passwords exit 1 with a clear message and
// create nothing.
func TestCLI_MistakesAreErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--db", "mysql://root@db/beseda"}, `unknown scheme "mysql"`},
		{[]string{"serve", "--db", "pg://beseda@db/beseda"}, `unknown scheme "pg"`},
		{[]string{"serve", "--db", "postgres:beseda"}, "not a postgres://"},
		{[]string{"serve", "--db", "redis://:hunter2@cache/0"}, "unknown scheme"},
		// libpq's defaults would pick a user and database "root": not a guess but an error.
		{[]string{"serve", "--db", "postgres://"}, `database URL "postgres://" names no host and no database: write postgres://USER@HOST/DATABASE, e.g. postgres://beseda@localhost:5432/beseda`},
		{[]string{"serve", "--db", "postgres://beseda:hunter2@db.internal"}, "names no database: add it after the host"},
		{[]string{"keys", "list", "--db", "postgres:///beseda"}, "names no host"},
		{[]string{"keys", "list", "--db", "sqlite:missing.db"}, "there is no database at missing.db (give its --db)"},
		{[]string{"keys", "reseal", "--db", "sqlite:missing.db"}, "there is no database at missing.db"},
		{[]string{"keys", "forget", "--key-id", "0123abcd", "--db", "sqlite:missing.db"}, "there is no database at missing.db"},
		{[]string{"keys", "forget", "--db", "sqlite:missing.db"}, "keys forget: --key-id ID is required"},
		{[]string{"keys", "forget", "--key-id", "not-an-id"}, `keys forget: --key-id "not-an-id" is not a key id (8 hex digits`},
		{[]string{"keys"}, "keys: a command is needed"},
		{[]string{"keys", "rotate"}, `keys: unknown command "rotate"`},
		{[]string{"workspace", "create", "--name", "A", "--owner-email", "a@b.test", "--owner-password", "long enough",
			"--db", "mysql://root@db/beseda"}, "unknown scheme"},
		{[]string{"serve", "extra"}, `unexpected argument "extra"`},
		{[]string{"serve", "--demo", "extra"}, `unexpected argument "extra"`},
		{[]string{"workspace", "create", "--name", "A", "stray"}, `unexpected argument "stray"`},
		{[]string{"backup", "--to", "x.db", "more"}, `unexpected argument "more"`},
		{[]string{"version", "1"}, "unexpected argument"},
		{[]string{"serve", "--no-such-flag"}, "no-such-flag"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"workspace"}, "Usage"},
		{[]string{"workspace", "delete"}, `unknown command "delete"`},
		{[]string{"workspace", "create", "--name", "A", "--owner-email", "a@b.test", "--owner-password", "abc",
			"--db", "sqlite:w.db"}, "at least 8 characters"},
		{[]string{"workspace", "create", "--name", "", "--owner-email", "a@b.test", "--owner-password", "long enough",
			"--db", "sqlite:w.db"}, "name"},
		{[]string{"serve", "--pprof"}, "--pprof needs --metrics-addr"},
		{[]string{"serve", "--trusted-proxies", "not-an-ip"}, "--trusted-proxies"},
		{[]string{"serve", "--widget-sessions-per-minute", "-1"}, "--widget-sessions-per-minute"},
		// The kinds are the registered channel types'.
		{[]string{"serve", "--pace", "icq=5"}, "with a kind of web, telegram, messenger"},
		{[]string{"serve", "--pace", "telegram=0"}, "the rate must be a positive number"},
		{[]string{"serve", "--max-upload-size", "0"}, "--max-upload-size"},
		{[]string{"serve", "--max-upload-size", "lots"}, "--max-upload-size"},
		{[]string{"serve", "--public-url", "ftp://support.example.com"}, `--public-url "ftp://support.example.com": not an http(s) address like https://support.example.com`},
		{[]string{"serve", "--public-url", "https://"}, "not an http(s) address"},
		{[]string{"serve", "--public-url", "support.example.com"}, "not an http(s) address"},
		{[]string{"serve", "--public-url", "https://support.example.com/?x=1"}, "no query or password"},
	} {
		args := tc.args
		if args[0] == "serve" { // should a mistake slip through, it must not take a shared port
			args = append([]string{"serve", "--addr", "127.0.0.1:0"}, args[1:]...)
		}
		stdout, stderr, code := runBinary(t, dir, args...)
		if code != 1 || !strings.Contains(stderr, tc.want) {
			t.Errorf("beseda %v: exit %d, stderr %q, want %q", tc.args, code, stderr, tc.want)
		}
		if strings.Contains(stderr, "hunter2") || strings.Contains(stdout, "hunter2") {
			t.Errorf("beseda %v shows the password: %s", tc.args, stderr)
		}
	}
	if got := entries(t, dir); len(got) != 0 {
		t.Errorf("mistakes created %v", got)
	}
}

// TestCLI_UnknownLogLevel: a level the server does not know stops it with
// the list of those it knows, rather than quietly logging at info.
func TestCLI_UnknownLogLevel(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(testkit.Binary(t), "serve", "--addr", "127.0.0.1:0")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "BESEDA_LOG_LEVEL=verbose")
	out, err := cmd.CombinedOutput()
	if err == nil || string(out) != "beseda: BESEDA_LOG_LEVEL=verbose is not a log level: use debug, info, warn or error\n" {
		t.Errorf("BESEDA_LOG_LEVEL=verbose: %v %q", err, out)
	}
	if got := entries(t, dir); len(got) != 0 {
		t.Errorf("an unknown log level created %v", got)
	}
	for _, ok := range []string{"DEBUG", "warn"} {
		t.Setenv("BESEDA_LOG_LEVEL", ok)
		if _, err := logLevel(); err != nil {
			t.Errorf("BESEDA_LOG_LEVEL=%s: %v", ok, err)
		}
	}
}

// TestCLI_DatabaseURLForms: the accepted forms of an SQLite database name
// the file they say.
func TestCLI_DatabaseURLForms(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for i, db := range []string{"sqlite:" + filepath.Join(dir, "a.db"), "sqlite://" + filepath.Join(dir, "b.db"), filepath.Join(dir, "c.db")} {
		var out bytes.Buffer
		err := run(context.Background(), []string{"workspace", "create", "--name", "Shop", "--owner-email",
			string(rune('a'+i)) + "@shop.test", "--owner-password", "long enough", "--db", db}, &out)
		if err != nil {
			t.Errorf("%s: %v", db, err)
		}
	}
	if got := strings.Join(entries(t, dir), " "); !strings.Contains(got, "a.db") || !strings.Contains(got, "b.db") || !strings.Contains(got, "c.db") {
		t.Errorf("files: %s", got)
	}
}

// TestCLI_FailedBindChangesNothing: serve binds its address before it opens
// the database, so a taken port leaves no database behind.
func TestCLI_FailedBindChangesNothing(t *testing.T) {
	t.Parallel()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	dir := t.TempDir()
	for _, args := range [][]string{
		{"serve", "--addr", taken.Addr().String(), "--db", "sqlite:" + filepath.Join(dir, "data", "beseda.db"), "--demo"},
		{"serve", "--addr", "127.0.0.1:0", "--metrics-addr", taken.Addr().String(), "--db", "sqlite:" + filepath.Join(dir, "data", "beseda.db")},
	} {
		_, stderr, code := runBinary(t, dir, args...)
		if code != 1 || !strings.Contains(stderr, "address already in use") {
			t.Errorf("%v: exit %d, %q", args, code, stderr)
		}
	}
	if got := entries(t, dir); len(got) != 0 {
		t.Errorf("a failed bind left %v", got)
	}
}
