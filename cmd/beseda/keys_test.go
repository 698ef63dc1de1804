package main

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/server"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// runEnv runs the real binary in dir with env added to the test's; a
// PostgreSQL database's data directory is in dir, as testkit.StartProcess
// has it.
func runEnv(t *testing.T, dir string, env []string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(testkit.Binary(t), args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "XDG_DATA_HOME="+filepath.Join(dir, ".local", "share")), env...)
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

func wantAll(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(got, want) {
			t.Errorf("%s lacks %q:\n%s", what, want, got)
		}
	}
}

// TestKeys_ALostKeyDoesNotStrandTheDatabase: a server started with another
// data directory (its key file elsewhere) refuses to start and says which
// key the database needs, which it has, where it looked and the ways out;
// it leaves no useless key file behind. `beseda keys list` shows what the
// lost key sealed, `beseda keys forget` drops it — saying what each channel
// and webhook lost —, and the server starts: the channel is off and says
// which settings it needs, the webhook signs with a new secret.
func TestKeys_ALostKeyDoesNotStrandTheDatabase(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		dir := t.TempDir()
		keyless := []string{"BESEDA_SECRET_KEY=", "BESEDA_ALLOW_PRIVATE_WEBHOOKS=1"}
		// ./beseda-data: where a PostgreSQL database's files were by default before.
		old := filepath.Join(dir, "beseda-data")
		testkit.CreateWorkspace(t, dbURL, "Acme", "owner@acme.test", "a long secret")
		p := testkit.StartProcess(t, dir, testkit.FreePort(t), keyless, "--db", dbURL, "--data-dir", old)
		owner := testkit.Login(t, p.URL, "owner@acme.test", "a long secret")
		var tg testkit.ChannelInfo
		owner.MustDo("POST", "/api/v1/channels", map[string]any{"kind": "telegram", "name": "Support bot",
			"config": map[string]string{"bot_token": "123456:TEST-token_abcdefghijklmnop", "webhook_secret": "s3cret"}}, 201, &tg)
		var hook struct{ ID int64 }
		owner.MustDo("POST", "/api/v1/webhooks", map[string]any{"url": "http://127.0.0.1:9/hook",
			"events": []string{"dialog.created"}, "secret": "the receiver's secret"}, 201, &hook)
		// Signing in's secrets: a manager's two-factor key, single sign-on's client secret.
		var me beseda.User
		owner.MustDo("GET", "/api/v1/me", nil, 200, &me)
		var e struct{ Secret string }
		owner.MustDo("POST", "/api/v1/me/totp", nil, 200, &e)
		totpCode, _ := totp.GenerateCode(e.Secret, time.Now())
		owner.MustDo("POST", "/api/v1/me/totp/confirm", map[string]any{"code": totpCode}, 200, nil)
		owner.MustDo("PUT", "/api/v1/settings/oidc", map[string]any{"issuer": "http://127.0.0.1:9/idp", "client_id": "beseda",
			"client_secret": "idp secret", "password_login": true}, 200, nil)
		if err := p.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		oldKeys, err := server.LoadKeys("", old, false)
		if err != nil {
			t.Fatal(err)
		}
		oldID := oldKeys.Ring.IDs()[0]

		lost := filepath.Join(dir, "elsewhere")
		hint := server.DBHint(dbURL) + " --data-dir " + lost
		_, stderr, code := runEnv(t, dir, keyless, "serve", "--addr", "127.0.0.1:0", "--db", dbURL, "--data-dir", lost)
		if code != 1 {
			t.Fatalf("serve without the key: exit %d\n%s", code, stderr)
		}
		wantAll(t, "the start-up error", stderr,
			"beseda: the database's secrets are sealed with key "+oldID+", which this server does not have.\n",
			"  The database uses:  "+oldID+"\n",
			"  This server has:    no key\n",
			"  It looked in:       BESEDA_SECRET_KEY (not set), then the key file "+lost+"/secret.key (there is none)\n",
			"  - set BESEDA_SECRET_KEY to the keys in base64, the one to seal with first (BESEDA_SECRET_KEY=NEW,OLD)\n",
			"  - or put the key file that holds it at "+lost+"/secret.key (or start with --data-dir DIR, DIR holding the key file)\n",
			"  - the key file "+old+"/secret.key holds "+oldID+": start with --data-dir "+old+" (or move that directory to "+lost+")\n",
			"`beseda keys list "+hint+"` shows what each key sealed",
			"`beseda keys forget --key-id "+oldID+" "+hint+"` drops those secrets (channel settings, webhook secrets)",
		)
		if _, err := os.Stat(filepath.Join(lost, server.SecretKeyFile)); err == nil {
			t.Error("a refused start left a key file that opens nothing")
		}

		stdout, stderr, code := runEnv(t, dir, keyless, "keys", "list", "--db", dbURL, "--data-dir", lost)
		if code != 0 {
			t.Fatalf("keys list: exit %d %s", code, stderr)
		}
		wantAll(t, "keys list", stdout,
			"has secrets sealed with:\n  key "+oldID+"   MISSING: this server does not have it\n",
			fmt.Sprintf("      channel %d \"Support bot\" (Telegram, workspace 1): its settings\n", tg.ID),
			fmt.Sprintf("      webhook %d http://127.0.0.1:9/hook (workspace 1): its signing secret\n", hook.ID),
			"      the installation's signing secret (rating buttons, file links)\n",
			fmt.Sprintf("      user %d owner@acme.test (workspace 1): the two-factor sign-in key\n", me.ID),
			"      workspace 1: the single sign-on client secret of http://127.0.0.1:9/idp\n",
			"This server has no keys: secret key: there is no key file at "+lost+"/secret.key and BESEDA_SECRET_KEY is not set\n",
			"  beseda keys forget --key-id ID "+hint+"\n",
		)
		if strings.Contains(stdout, `"Web chat"`) {
			t.Errorf("the web chat, which has no settings, is listed as sealed:\n%s", stdout)
		}

		stdout, stderr, code = runEnv(t, dir, keyless, "keys", "forget", "--key-id", oldID, "--db", dbURL, "--data-dir", lost)
		if code != 0 {
			t.Fatalf("keys forget: exit %d %s", code, stderr)
		}
		wantAll(t, "keys forget", stdout,
			"Forgotten with key "+oldID+":\n",
			fmt.Sprintf("  - channel %d \"Support bot\" (Telegram, workspace 1): its settings are gone (bot_token, webhook_secret, api_base_url); "+
				"it is switched off until an owner or admin enters bot_token again in Settings → Channels (or PATCH /api/v1/channels/%d) and switches it on\n", tg.ID, tg.ID),
			fmt.Sprintf("  - webhook %d http://127.0.0.1:9/hook (workspace 1): its signing secret is gone; it signs with a new one now: ", hook.ID),
			"  - the installation's signing_secret: the server makes a new one at its next start; rating buttons already sent and file links already handed out no longer work\n",
			fmt.Sprintf("  - user %d owner@acme.test (workspace 1): two-factor sign-in is off; they set it up again", me.ID),
			"  - workspace 1: the single sign-on client secret of http://127.0.0.1:9/idp is gone; sign-in with it fails until an owner enters it again",
			"A new key file was made at "+lost+"/secret.key: keep a copy apart from the database's backups.\n",
		)

		p = testkit.StartProcess(t, dir, testkit.FreePort(t), keyless, "--db", dbURL, "--data-dir", lost)
		owner = testkit.Login(t, p.URL, "owner@acme.test", "a long secret") // no code: two-factor sign-in is off
		var sso struct {
			Issuer    string
			SecretSet bool `json:"client_secret_set"`
		}
		owner.MustDo("GET", "/api/v1/settings/oidc", nil, 200, &sso)
		if sso.Issuer == "" || sso.SecretSet {
			t.Errorf("single sign-on after forgetting: %+v", sso)
		}
		var channels []struct {
			ID              int64
			Kind            string
			Enabled         bool
			SecretsSet      []string `json:"secrets_set"`
			MissingSettings []string `json:"missing_settings"`
		}
		owner.MustDo("GET", "/api/v1/channels", nil, 200, &channels)
		if len(channels) != 2 || channels[0].Kind != "web" || !channels[0].Enabled || len(channels[0].MissingSettings) != 0 ||
			channels[1].Kind != "telegram" || channels[1].Enabled || len(channels[1].SecretsSet) != 0 ||
			strings.Join(channels[1].MissingSettings, ",") != "bot_token" {
			t.Errorf("channels after forgetting: %+v", channels)
		}
		page := testkit.ConsoleLogin(t, p.URL, "owner@acme.test", "a long secret").Get("/settings/channels")
		if !bytes.Contains(page.Body, []byte(fmt.Sprintf(`id="channel-%d-missing"`, tg.ID))) || !bytes.Contains(page.Body, []byte("<code>bot_token</code>")) {
			t.Errorf("the console does not say what the channel needs:\n%s", page.Body)
		}
		res := owner.WantError("PATCH", testkit.Path("/api/v1/channels/%d", tg.ID), map[string]any{"enabled": true}, 400, "invalid_input")
		if !bytes.Contains(res.Body, []byte("the channel needs its settings before it is switched on: bot_token")) {
			t.Errorf("switching on a channel without its settings: %s", res.Body)
		}
		owner.MustDo("PATCH", testkit.Path("/api/v1/channels/%d", tg.ID), map[string]any{
			"config": map[string]string{"bot_token": "654321:TEST-token_abcdefghijklmnop", "webhook_secret": "new-secret"}}, 200, nil)
		owner.MustDo("PATCH", testkit.Path("/api/v1/channels/%d", tg.ID), map[string]any{"enabled": true}, 200, nil)
		var hooks []struct{ ID int64 }
		owner.MustDo("GET", "/api/v1/webhooks", nil, 200, &hooks)
		if len(hooks) != 1 || hooks[0].ID != hook.ID {
			t.Errorf("webhooks after forgetting: %+v", hooks)
		}
		if err := p.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		newKeys, err := server.LoadKeys("", lost, false)
		if err != nil {
			t.Fatal(err)
		}
		stdout, _, _ = runEnv(t, dir, keyless, "keys", "list", "--db", dbURL, "--data-dir", lost)
		wantAll(t, "keys list after forgetting", stdout, "  key "+newKeys.Ring.IDs()[0]+"   this server has it (it seals)\n")
		if strings.Contains(stdout, "MISSING") || strings.Contains(stdout, oldID) {
			t.Errorf("keys list after forgetting:\n%s", stdout)
		}
	})
}

// TestKeys_Reseal: `beseda keys reseal` seals every secret with the first
// key and says the others can go; `keys list` says which key seals nothing.
// On SQLite it does not run beside a server.
func TestKeys_Reseal(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		dir := t.TempDir()
		k1 := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, store.KeySize))
		k2 := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{2}, store.KeySize))
		id1, id2 := store.KeyID(bytes.Repeat([]byte{1}, store.KeySize)), store.KeyID(bytes.Repeat([]byte{2}, store.KeySize))
		testkit.CreateWorkspace(t, dbURL, "Acme", "owner@acme.test", "a long secret")
		p := testkit.StartProcess(t, dir, testkit.FreePort(t), []string{"BESEDA_SECRET_KEY=" + k1}, "--db", dbURL)
		owner := testkit.Login(t, p.URL, "owner@acme.test", "a long secret")
		owner.MustDo("POST", "/api/v1/channels", map[string]any{"kind": "telegram", "name": "Bot",
			"config": map[string]string{"bot_token": "123456:TEST-token_abcdefghijklmnop", "webhook_secret": "s3cret"}}, 201, nil)
		if strings.HasPrefix(dbURL, "sqlite:") {
			_, stderr, code := runEnv(t, dir, []string{"BESEDA_SECRET_KEY=" + k2 + "," + k1}, "keys", "reseal", "--db", dbURL)
			path := strings.TrimPrefix(dbURL, "sqlite:")
			if code != 1 || !strings.Contains(stderr, "database "+path+" is in use by beseda serve, listening on "+strings.TrimPrefix(p.URL, "http://")) {
				t.Errorf("keys reseal beside a server: exit %d %s", code, stderr)
			}
		}
		if err := p.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		both := []string{"BESEDA_SECRET_KEY=" + k2 + "," + k1}
		stdout, stderr, code := runEnv(t, dir, both, "keys", "reseal", "--db", dbURL)
		if code != 0 {
			t.Fatalf("keys reseal: exit %d %s", code, stderr)
		}
		wantAll(t, "keys reseal", stdout,
			"2 secrets sealed again with key "+id2+" (from BESEDA_SECRET_KEY).\n",
			"The database's secrets are sealed with key "+id2+" only; the other keys of BESEDA_SECRET_KEY can go.\n")
		stdout, _, _ = runEnv(t, dir, both, "keys", "list", "--db", dbURL)
		wantAll(t, "keys list", stdout, "  key "+id2+"   this server has it (it seals)\n",
			"This server's keys, from BESEDA_SECRET_KEY: "+id2+" (seals), "+id1+" (seals nothing here: it can go)\n")
		// A key this server has is not forgotten: nothing is lost.
		_, stderr, code = runEnv(t, dir, both, "keys", "forget", "--key-id", id2, "--db", dbURL)
		wantAll(t, "keys forget of a key the server has", stderr,
			"keys forget: this server has key "+id2+" (from BESEDA_SECRET_KEY): nothing is lost, and nothing is forgotten.")
		if code != 1 {
			t.Errorf("keys forget of a key the server has: exit %d", code)
		}
		// Now the old key alone is not enough, and the start says so.
		_, stderr, code = runEnv(t, dir, []string{"BESEDA_SECRET_KEY=" + k1}, "serve", "--addr", "127.0.0.1:0", "--db", dbURL)
		wantAll(t, "serve with the old key only", stderr,
			"sealed with key "+id2+", which this server does not have.",
			"  This server has:    "+id1+", from BESEDA_SECRET_KEY\n")
		if code != 1 {
			t.Errorf("serve with the old key only: exit %d", code)
		}
	})
}

// TestDataDir_PostgresDoesNotDependOnTheWorkingDirectory: the same
// PostgreSQL database started from two directories finds its key file (and
// attachments) in one place, named after the server and the database.
func TestDataDir_PostgresDoesNotDependOnTheWorkingDirectory(t *testing.T) {
	if testkit.PostgresURL() == "" {
		t.Skip("no PostgreSQL server")
	}
	dbURL := testkit.NewDatabase(t, store.Postgres)
	testkit.CreateWorkspace(t, dbURL, "Acme", "owner@acme.test", "a long secret")
	shared := t.TempDir()
	env := []string{"BESEDA_SECRET_KEY=", "XDG_DATA_HOME=" + shared}
	u, _ := url.Parse(dbURL)
	want := filepath.Join(shared, "beseda", u.Hostname()+"-"+strings.TrimPrefix(u.Path, "/"))
	for i, dir := range []string{t.TempDir(), t.TempDir()} {
		p := testkit.StartProcess(t, dir, testkit.FreePort(t), env, "--db", dbURL)
		owner := testkit.Login(t, p.URL, "owner@acme.test", "a long secret")
		if i == 0 {
			owner.MustDo("POST", "/api/v1/channels", map[string]any{"kind": "telegram", "name": "Bot",
				"config": map[string]string{"bot_token": "123456:TEST-token_abcdefghijklmnop", "webhook_secret": "s3cret"}}, 201, nil)
		} else {
			owner.MustDo("GET", "/api/v1/channels", nil, 200, nil)
		}
		if err := p.Signal(syscall.SIGTERM); err != nil {
			t.Fatalf("start %d: %v\n%s", i+1, err, p.Output())
		}
		if !strings.Contains(p.Output(), `msg="data directory" path=`+want+" ") {
			t.Errorf("start %d does not say its data directory is %s:\n%s", i+1, want, p.Output())
		}
		if _, err := os.Stat(filepath.Join(dir, "beseda-data")); err == nil {
			t.Errorf("start %d made beseda-data in its working directory", i+1)
		}
	}
	if _, err := os.Stat(filepath.Join(want, server.SecretKeyFile)); err != nil {
		t.Errorf("the key file: %v", err)
	}
}
