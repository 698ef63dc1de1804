package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/beseda/beseda/internal/testkit"
)

// TestREADME_WalkThrough runs the README's curl walk-through, as printed,
// against the real binary started with `serve --demo`, and stops it with
// SIGTERM.
func TestREADME_WalkThrough(t *testing.T) {
	t.Parallel()
	root, err := testkit.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	script := shellBlocks(t, string(readme), "## API walk-through", "\n## ")
	dir := t.TempDir()
	addr := testkit.FreePort(t)
	p := testkit.StartProcess(t, dir, addr, nil, "--demo")
	// The port is taken before the database is opened, so /healthz may answer
	// before the pipe has carried what --demo printed: wait for it.
	testkit.Eventually(t, 10*time.Second, "--demo prints where to go", func() bool {
		out := p.Output()
		return strings.Contains(out, "admin@example.com") && strings.Contains(out, "/widget/")
	})
	if _, err := os.Stat(filepath.Join(dir, "beseda.db")); err != nil {
		t.Errorf("the default database is not ./beseda.db: %v", err)
	}

	script = strings.ReplaceAll(script, "http://localhost:8080", p.URL)
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("walk-through failed: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		`"email":"admin@example.com"`,
		`"title":"Cannot log in"`,
		`"code":"active_dialog_exists"`,
		`"code":"general_chat_locked"`,
		`"text":"erik@example.com"`,
		`"status":"paused"`,
		`"status":"completed"`,
		`"account_rating":3`,
		`"code":"dialog_completed"`,
		`"status":"held"`,
		`"status":"dropped"`,
		`"text":"Spring sale: 20% off"`,
		`"kind":"participant_added"`,
		`"client_rating":3`,
		`"rating_form_sent":true`,
		`"already_answered":true`,                    // the second tap
		`"released_at":`,                             // the broadcast, released when the dialog was paused
		`"average_client_rating":`,                   // the demo's months of ratings, and Erik's
		`"content_type":"text/plain; charset=utf-8"`, // the checklist, attached
		"Tried: password reset, another browser.",    // and fetched by the client
		`"internal":true`,

		"id,title,client_id,client,type",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("walk-through output lacks %s", want)
		}
	}
	if strings.Count(got, `"text":"Spring sale: 20% off"`) < 2 || strings.Count(got, "Try resetting your password.") != 1 {
		t.Errorf("the held broadcast did not reach the client, or the dropped AI reply did")
	}
	if strings.Contains(got, `"code":"invalid_input"`) || strings.Contains(got, `"code":"unauthorized"`) {
		t.Errorf("a walk-through step was refused:\n%s", got)
	}
	if t.Failed() {
		t.Logf("output:\n%s", got)
	}
	if err := p.Signal(syscall.SIGTERM); err != nil {
		t.Errorf("graceful shutdown: %v\n%s", err, p.Output())
	}
	if !strings.Contains(p.Output(), "shutting down") {
		t.Errorf("no graceful shutdown:\n%s", p.Output())
	}
}

// shellBlocks joins the ```sh blocks of the section starting at heading.
func shellBlocks(t *testing.T, doc, heading, next string) string {
	start := strings.Index(doc, heading)
	if start < 0 {
		t.Fatalf("README has no %q", heading)
	}
	section := doc[start+len(heading):]
	if end := strings.Index(section, next); end >= 0 {
		section = section[:end]
	}
	var script strings.Builder
	for {
		i := strings.Index(section, "```sh\n")
		if i < 0 {
			break
		}
		section = section[i+len("```sh\n"):]
		j := strings.Index(section, "```")
		script.WriteString(section[:j])
		script.WriteString("\necho\n")
		section = section[j+3:]
	}
	if script.Len() == 0 {
		t.Fatal("no shell blocks")
	}
	return script.String()
}

func TestCLI_WorkspaceCreate(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		var out bytes.Buffer
		err := run(ctx, []string{"workspace", "create", "--name", "Acme", "--owner-email", "Owner@Acme.test",
			"--owner-password", "a long secret", "--locale", "ru", "--db", dbURL}, &out)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), `"Acme" created; owner owner@acme.test`) {
			t.Errorf("printed %q", out.String())
		}
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		c := testkit.Login(t, srv.URL, "owner@acme.test", "a long secret")
		res := c.MustDo("GET", "/api/v1/settings/dialog-types", nil, 200, nil)
		if !strings.Contains(string(res.Body), "Поддержка") {
			t.Errorf("ru workspace types: %s", res.Body)
		}
		// The email is taken now; bad input is refused with a clear error.
		err = run(ctx, []string{"workspace", "create", "--name", "Acme 2", "--owner-email", "owner@acme.test",
			"--owner-password", "another long one", "--db", dbURL}, &out)
		if err == nil || !strings.Contains(err.Error(), "already exists") {
			t.Errorf("duplicate owner: %v", err)
		}
		err = run(ctx, []string{"workspace", "create", "--name", "", "--owner-email", "a@b.c", "--owner-password", "x", "--db", dbURL}, &out)
		if err == nil || !strings.Contains(err.Error(), "name") {
			t.Errorf("empty name: %v", err)
		}
	})
}

func TestCLI_UnknownCommand(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := run(context.Background(), []string{"frobnicate"}, &out); err == nil || !strings.Contains(err.Error(), "Usage") {
		t.Errorf("unknown command: %v", err)
	}
}
