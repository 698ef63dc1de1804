package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/beseda/beseda/internal/testkit"
)

// goBuild builds cmd/beseda into a temporary directory with extra flags.
func goBuild(t *testing.T, flags ...string) string {
	t.Helper()
	root, err := testkit.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "beseda")
	cmd := exec.Command("go", append(append([]string{"build", "-o", bin}, flags...), "./cmd/beseda")...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %v: %v\n%s", flags, err, out)
	}
	return bin
}

func versionOf(t *testing.T, bin string) string {
	t.Helper()
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("%s --version: %v\n%s", bin, err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestVersion_FromLinkFlags: the values scripts/build-release links in are
// what --version prints.
func TestVersion_FromLinkFlags(t *testing.T) {
	bin := goBuild(t, "-ldflags", "-X main.version=v1.4.0 -X main.commit=0a5c6e3f0a5c6e3f0a5c6e3f0a5c6e3f0a5c6e3f "+
		"-X main.buildDate=2026-11-02T10:00:00Z")
	want := "beseda v1.4.0, commit 0a5c6e3f0a5c6e3f0a5c6e3f0a5c6e3f0a5c6e3f, built 2026-11-02T10:00:00Z, " +
		runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
	if got := versionOf(t, bin); got != want {
		t.Errorf("--version:\n got %s\nwant %s", got, want)
	}
}

// TestVersion_WithoutLinkFlags: a plain go build says what it knows: the
// toolchain's VCS stamp when it made one, else that the commit is unknown
// and how to get it — never a bare "(devel)".
func TestVersion_WithoutLinkFlags(t *testing.T) {
	got := versionOf(t, goBuild(t))
	if !strings.HasPrefix(got, "beseda ") || !strings.Contains(got, runtime.Version()) {
		t.Errorf("--version: %s", got)
	}
	if !regexp.MustCompile(`, commit [0-9a-f]{40}(?: with local changes)?, committed \d{4}-`).MatchString(got) &&
		!strings.Contains(got, "commit unknown (built without version control information, as go run does; scripts/build-release records it)") {
		t.Errorf("--version names neither a commit nor why it cannot: %s", got)
	}
}

// TestVersion_VCSStampStandsIn: without link flags the toolchain's record of
// the checkout gives the commit, its time and local changes.
func TestVersion_VCSStampStandsIn(t *testing.T) {
	info := &debug.BuildInfo{GoVersion: "go1.99.1", Main: debug.Module{Version: "v0.0.0-20261102100000-0a5c6e3f0a5c"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0a5c6e3f0a5c6e3f0a5c6e3f0a5c6e3f0a5c6e3f"},
			{Key: "vcs.time", Value: "2026-11-02T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	want := "beseda v0.0.0-20261102100000-0a5c6e3f0a5c, commit 0a5c6e3f0a5c6e3f0a5c6e3f0a5c6e3f0a5c6e3f with local changes, " +
		"committed 2026-11-02T10:00:00Z, go1.99.1 " + runtime.GOOS + "/" + runtime.GOARCH
	if got := buildOf(info, true).String(); got != want {
		t.Errorf("\n got %s\nwant %s", got, want)
	}
	if got := buildOf(nil, false).String(); !strings.HasPrefix(got, "beseda (devel), commit unknown (") {
		t.Errorf("no build information: %s", got)
	}
}

// TestVersion_BuildRelease: scripts/build-release (make build, the
// Dockerfile) records the checkout's commit and the build's date.
func TestVersion_BuildRelease(t *testing.T) {
	root, err := testkit.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	head, err := exec.Command("git", "-C", root, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skip("not a git checkout")
	}
	out := t.TempDir()
	cmd := exec.Command(filepath.Join(root, "scripts", "build-release"), out)
	cmd.Env = append(os.Environ(), "VERSION=", "COMMIT=", "BUILD_DATE=2026-11-02T10:00:00Z")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build-release: %v\n%s", err, b)
	}
	got := versionOf(t, filepath.Join(out, "beseda"))
	if !regexp.MustCompile(`^beseda \S+, commit ` + strings.TrimSpace(string(head)) +
		`(?: with local changes)?, built 2026-11-02T10:00:00Z, go1\.`).MatchString(got) {
		t.Errorf("--version of the release build: %s (HEAD %s)", got, head)
	}

	// Given values win (the Dockerfile's build arguments, as its context has no .git).
	cmd = exec.Command(filepath.Join(root, "scripts", "build-release"), out)
	cmd.Env = append(os.Environ(), "VERSION=v2.0.0", "COMMIT=abc123", "BUILD_DATE=2026-11-03T00:00:00Z")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build-release: %v\n%s", err, b)
	}
	if got := versionOf(t, filepath.Join(out, "beseda")); !strings.HasPrefix(got, "beseda v2.0.0, commit abc123, built 2026-11-03T00:00:00Z, go1.") {
		t.Errorf("--version with VERSION, COMMIT, BUILD_DATE: %s", got)
	}
}

// TestVersion_DockerfilePassesIt: docker does not run here, so the image's
// build line is read: its context has no .git, so the version and commit
// come as build arguments that reach scripts/build-release, and the README's
// and compose.yaml's builds pass them.
func TestVersion_DockerfilePassesIt(t *testing.T) {
	root, err := testkit.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if !regexp.MustCompile(`(?m)^\.git$`).MatchString(read(".dockerignore")) {
		t.Skip(".git is in the image's context: the script reads it there")
	}
	docker := read("Dockerfile")
	if !regexp.MustCompile(`(?m)^ARG VERSION COMMIT BUILD_DATE$`).MatchString(docker) ||
		!regexp.MustCompile(`(?m)^RUN VERSION="\$VERSION" COMMIT="\$COMMIT" BUILD_DATE="\$BUILD_DATE" scripts/build-release /out$`).MatchString(docker) {
		t.Errorf("the Dockerfile does not hand VERSION, COMMIT and BUILD_DATE to scripts/build-release:\n%s", docker)
	}
	for _, name := range []string{"README.md", "Dockerfile"} {
		if !regexp.MustCompile(`docker build [^\n]*--build-arg VERSION="\$\(git describe --tags --always --dirty\)"`).MatchString(read(name)) ||
			!strings.Contains(read(name), `--build-arg COMMIT="$(git rev-parse HEAD)"`) {
			t.Errorf("%s builds the image without its version and commit", name)
		}
	}
	if c := read("compose.yaml"); !strings.Contains(c, "VERSION: ${BESEDA_VERSION:-}") || !strings.Contains(c, "COMMIT: ${BESEDA_COMMIT:-}") {
		t.Errorf("compose.yaml builds the image without its version and commit")
	}
}
