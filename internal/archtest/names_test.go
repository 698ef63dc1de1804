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
	root := moduleRoot(t)
	type platform struct {
		kind  beseda.ChannelKind
		words []string // looked for in lower case
		exact []string // looked for as spelt
		own   []string // its package and its fake
	}
	var platforms []platform
	for _, ct := range server.Channels().All() {
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
		platforms = append(platforms, p)
	}
	if len(platforms) < 2 {
		t.Fatalf("the registry has too few platforms to check: %v", platforms)
	}
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
				t.Errorf("%s:%d names %s outside channel/%s: %s", rel, i+1, p.kind, p.kind, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
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
