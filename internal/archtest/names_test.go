package archtest

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/channel/webchat"
	"github.com/beseda/beseda/internal/server"
)

// plainKinds are channels named in plain words that Beseda uses everywhere,
// so that their names say nothing of a platform.
var plainKinds = map[beseda.ChannelKind]string{
	webchat.Kind: "the web chat is Beseda's own channel: web, Web chat, Веб-чат are plain words",
}

// plainWords are names of a platform that are also Beseda's words for any
// platform; they are looked for only as the platform's title spells them.
var plainWords = map[string]string{
	"messenger": "Beseda's word for any chat platform (messengers reach the server; the API document's webhooks and their auth kind), " +
		"so the Messenger channel is looked for as Messenger, capitalised",
}

// namingAllowed are the places outside a channel's own package and fake that
// may name its platform, and why.
var namingAllowed = map[string]string{
	// The registration: checked line by line below.
	"internal/server/server.go": "the import and the registration line of each channel",
	// Documentation, like the README and docs/channels.md, says what each
	// platform needs and does.
	"httpapi/openapi.go": "the API document's descriptions (POST /api/v1/channels says what each platform needs)",
	"channel/openapi.go": "the API document's descriptions of the platforms' webhooks",
	"internal/openapi":   "the API document's auth kind Messenger, any platform's webhook",
	// Fakes of a platform's API not named after its kind.
	"internal/testkit/fakegraph": "the fake of the Graph API's Send API, which the Messenger channel calls",
}

// TestArch_PlatformsAreNamedOnlyInTheirPackages: adding a channel takes its
// package, its fake, one registration line and a migration; the rest of
// Beseda knows channels only through the registry, so no other Go file of
// the program names a platform — its kind or its title, for every channel
// the server registers. Tests are another matter: they drive the generic
// paths (delivery, the API, the console, the keys) through a platform's fake,
// as the web chat has no remote side, and name the one they drive.
func TestArch_PlatformsAreNamedOnlyInTheirPackages(t *testing.T) {
	platforms := platformsOf(server.Channels())
	if len(platforms) < 2 {
		t.Fatalf("the registry has too few platforms to check: %v", platforms)
	}
	for _, v := range strayNames(t, moduleRoot(t), platforms) {
		t.Error(v)
	}
}

// TestArch_StrayNamesAreFound: in a tree of files made for it, the check
// finds a platform named in another package, in a comment or in code, by
// kind or by title, and in internal/server beyond the registration; it
// passes the platform's own package and fake, tests, documentation and
// Beseda's plain word for any platform.
func TestArch_StrayNamesAreFound(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"channel/telegram/telegram.go":       "// Telegram's Bot API\n",
		"internal/testkit/faketelegram/f.go": "// a fake Telegram\n",
		"internal/testkit/fakegraph/g.go":    "// Messenger's Send API\n",
		"outbox/engine_test.go":              "// drives telegram through its fake\n",
		"httpapi/openapi.go":                 "// Telegram needs only bot_token\n",
		"README.md":                          "Telegram, Messenger\n",
		"internal/server/server.go": "import (\n\t\"" + module + "/channel/telegram\"\n)\n\ttelegram.New(),\n" +
			"\tif kind == \"telegram\" {\n",
		"app/channels.go": "// a messenger's client writes; messengers reach the server\n" +
			"// Telegram's secret token\n",
		"web/x.go":  "package web\n\nvar k = \"TELEGRAM\"\n",
		"window.go": "// Messenger's is 24 hours\n",
		"text.go":   "// as Телеграм counts\n",
	}
	for name, text := range files {
		path := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	got := strayNames(t, root, platformsOf(server.Channels()))
	want := []string{
		"app/channels.go:2 names telegram outside channel/telegram: // Telegram's secret token",
		`internal/server/server.go:5 names telegram outside channel/telegram: if kind == "telegram" {`,
		"text.go:1 names telegram outside channel/telegram: // as Телеграм counts",
		`web/x.go:3 names telegram outside channel/telegram: var k = "TELEGRAM"`,
		"window.go:1 names messenger outside channel/messenger: // Messenger's is 24 hours",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// platform is how a registered channel's platform is recognised in Go
// source, and where it may be named.
type platform struct {
	kind  beseda.ChannelKind
	words []string // looked for in lower case
	exact []string // looked for as spelt
	own   []string // its package and its fake
}

// platformsOf lists the platforms of a registry, plain kinds aside.
func platformsOf(reg *beseda.Registry) []platform {
	var out []platform
	for _, ct := range reg.All() {
		kind := ct.Kind()
		if _, plain := plainKinds[kind]; plain {
			continue
		}
		p := platform{kind: kind, own: []string{"channel/" + string(kind), "internal/testkit/fake" + string(kind)}}
		for _, w := range []string{string(kind), ct.Title(beseda.LocaleEN), ct.Title(beseda.LocaleRU)} {
			if _, plain := plainWords[strings.ToLower(w)]; plain {
				if w != strings.ToLower(w) {
					p.exact = append(p.exact, w)
				}
			} else if !slices.Contains(p.words, strings.ToLower(w)) {
				p.words = append(p.words, strings.ToLower(w))
			}
		}
		out = append(out, p)
	}
	return out
}

// strayNames returns, sorted, every line of the Go files under root (tests
// aside) that names a platform where it may not.
func strayNames(t *testing.T, root string, platforms []platform) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") || allowedPlace(rel) != "" {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		lines := strings.Split(string(data), "\n")
		for _, p := range platforms {
			if slices.ContainsFunc(p.own, func(dir string) bool { return rel == dir || strings.HasPrefix(rel, dir+"/") }) {
				continue
			}
			for i, line := range lines {
				if !names(line, p.words, p.exact) {
					continue
				}
				if rel == "internal/server/server.go" && registers(line, p.kind) {
					continue
				}
				out = append(out, fmt.Sprintf("%s:%d names %s outside channel/%s: %s", rel, i+1, p.kind, p.kind, strings.TrimSpace(line)))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// allowedPlace is why a file may name platforms, "" if it may not (the
// registration in internal/server is checked line by line).
func allowedPlace(rel string) string {
	for place, why := range namingAllowed {
		if place != "internal/server/server.go" && (rel == place || strings.HasPrefix(rel, place+"/")) {
			return why
		}
	}
	return ""
}

func names(line string, words, exact []string) bool {
	lower := strings.ToLower(line)
	return slices.ContainsFunc(words, func(w string) bool { return strings.Contains(lower, w) }) ||
		slices.ContainsFunc(exact, func(w string) bool { return strings.Contains(line, w) })
}

// registers reports whether a line of internal/server is a channel's import
// or its registration line in Channels().
func registers(line string, kind beseda.ChannelKind) bool {
	k := regexp.QuoteMeta(string(kind))
	return regexp.MustCompile(fmt.Sprintf(`^\s*("%s/channel/%s"|%s\.\w+(\(\)|\{\}),)$`, regexp.QuoteMeta(module), k, k)).MatchString(line)
}
