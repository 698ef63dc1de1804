package archtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/beseda/beseda"

// Patterns name packages as go list does. In the module they start with
// "./": "." is the domain (the root package), "./store" one package,
// "./channel/..." a package and every one below it. Outside the module they
// are import paths, with the same "/..." suffix: "net/http/...".
var (
	adapters = []string{"./httpapi", "./web", "./channel/..."}
	// sql is the database: database/sql and the drivers go.mod brings in.
	sql = []string{"database/sql/...", "modernc.org/sqlite/...", "github.com/jackc/pgx/...", "github.com/lib/pq/...",
		"github.com/riverqueue/river/..."}
	// above are the packages above the domain and the store.
	above = append([]string{"./app", "./outbox", "./jobs", "./live", "./internal/httpx", "./internal/server"}, adapters...)
)

// rule is one line of the table: no package of from (but those of except)
// imports — or, with linked, links through any chain of imports — a package
// of never.
type rule struct {
	name   string
	from   []string
	except []string
	never  []string
	linked bool
	// why is said with every violation.
	why string
	// skip, when set, says why the rule is not enforced yet. A skipped rule
	// must still fail: once it holds, the skip goes and it is enforced.
	skip string
}

var rules = []rule{
	{name: "domain", from: []string{"."}, never: concat(sql, []string{"net/http/...", "./store", "./app", "./live", "./internal/httpx", "./outbox", "./jobs"}, adapters),
		linked: true, why: "the domain imports no SQL, HTTP, store, use case or adapter (STYLE.md)"},
	{name: "adapters point inward", from: adapters, never: []string{"./httpapi", "./web", "./store"},
		why: "adapters point inward (STYLE.md); what the HTTP surfaces share is in internal/httpx"},
	{name: "store", from: []string{"./store/..."}, never: above,
		why: "the store is below the use cases: it imports the domain and the drivers, nothing above it"},
	{name: "outbox", from: []string{"./outbox"}, never: concat([]string{"./app", "./jobs", "./live", "./internal/httpx", "./internal/server", "./store"}, adapters, sql),
		linked: true, why: "the outbox is below the use cases and knows no adapter nor the database: it declares the storage it needs (outbox.Tx, Store, Leases) and tells the rest of the product what happened through its own interface (outbox.Events), implemented by app"},
	{name: "httpx", from: []string{"./internal/httpx"}, never: concat([]string{"./store", "./live", "./app", "./outbox", "./jobs"}, adapters, sql),
		linked: true, why: "the HTTP kit needs nothing of the adapters, the use cases, the live hub or the database (it declares httpx.Subscription)"},
	// channel/webchat calls app, which links the store: see the last rule.
	{name: "no database below the adapters", from: []string{"./live", "./channel/..."}, except: []string{"./channel/webchat"},
		never: concat([]string{"./store"}, sql), linked: true,
		why: "the live hub and the messenger channels link no database (the hub reads through live.Log, channels call the webhook skeleton's interface)"},
	{name: "adapters link no database", from: adapters, never: concat([]string{"./store"}, sql), linked: true,
		why: "adapters link no database",
		skip: "httpapi, web and channel/webchat call app, which imports store: app's services share a core holding *store.DB and run their use cases in a *store.Tx " +
			"(only the rules' decision steps take storage interfaces app declares), and App.DB, App.Outbox, Jobs and the use cases' transactions name store types; " +
			"enabled when app declares all the storage it needs"},
}

func concat(lists ...[]string) []string { return slices.Concat(lists...) }

// graph is every package the module's packages link, with its direct
// imports (test files aside).
type graph map[string][]string

// check returns the violations of r in g, one line each, sorted.
func (r rule) check(g graph) []string {
	var out []string
	for _, pkg := range sortedKeys(g) {
		if !matchesAny(r.from, pkg) || matchesAny(r.except, pkg) {
			continue
		}
		if !r.linked {
			for _, imp := range g[pkg] {
				if matchesAny(r.never, imp) {
					out = append(out, fmt.Sprintf("%s imports %s: %s", short(pkg), short(imp), r.why))
				}
			}
			continue
		}
		// The nearest forbidden package says enough; fixing it shows the next.
		if chain := g.chain(pkg, r.never); chain != nil {
			out = append(out, fmt.Sprintf("%s links %s (%s): %s", short(pkg), short(chain[len(chain)-1]), strings.Join(mapShort(chain), " → "), r.why))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// chain is a shortest chain of imports from pkg to a package matching one
// of patterns, nil if there is none.
func (g graph) chain(pkg string, patterns []string) []string {
	from := map[string]string{pkg: ""}
	queue := []string{pkg}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if p != pkg && matchesAny(patterns, p) {
			var chain []string
			for ; p != ""; p = from[p] {
				chain = append(chain, p)
			}
			slices.Reverse(chain)
			return chain
		}
		imports := slices.Clone(g[p])
		slices.Sort(imports)
		for _, imp := range imports {
			if _, seen := from[imp]; !seen {
				from[imp] = p
				queue = append(queue, imp)
			}
		}
	}
	return nil
}

func matches(pattern, pkg string) bool {
	full := pattern
	if pattern == "." {
		full = module
	} else if rest, ok := strings.CutPrefix(pattern, "./"); ok {
		full = module + "/" + rest
	}
	if base, ok := strings.CutSuffix(full, "/..."); ok {
		return pkg == base || strings.HasPrefix(pkg, base+"/")
	}
	return pkg == full
}

func matchesAny(patterns []string, pkg string) bool {
	return slices.ContainsFunc(patterns, func(p string) bool { return matches(p, pkg) })
}

// short is a package's name in messages: its path in the module, "beseda"
// for the domain.
func short(pkg string) string {
	if pkg == module {
		return "beseda"
	}
	if rest, ok := strings.CutPrefix(pkg, module+"/"); ok {
		return rest
	}
	return pkg
}

func mapShort(pkgs []string) []string {
	out := make([]string, len(pkgs))
	for i, p := range pkgs {
		out[i] = short(p)
	}
	return out
}

func sortedKeys(g graph) []string {
	keys := make([]string, 0, len(g))
	for k := range g {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// loadGraph runs `go list -deps` over the module (with extra arguments such
// as -overlay) and returns its import graph.
func loadGraph(t *testing.T, extra ...string) graph {
	t.Helper()
	root := moduleRoot(t)
	args := append([]string{"list", "-e", "-deps", "-json=ImportPath,Imports,Error"}, extra...)
	cmd := exec.Command(goTool(), append(args, "./...")...)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.Bytes())
	}
	g := graph{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p struct {
			ImportPath string
			Imports    []string
			Error      *struct{ Err string }
		}
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("go list's output: %v", err)
		}
		if p.Error != nil {
			t.Fatalf("go list: %s: %s", p.ImportPath, p.Error.Err)
		}
		g[p.ImportPath] = p.Imports
	}
	if _, ok := g[module+"/internal/server"]; !ok {
		t.Fatalf("go list did not list the module's packages:\n%s", out)
	}
	return g
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}

// goTool is the go command of the toolchain running the test.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

// TestArch_ImportRules: the module's packages keep the table of rules.
func TestArch_ImportRules(t *testing.T) {
	g := loadGraph(t)
	for _, r := range rules {
		t.Run(r.name, func(t *testing.T) {
			bound := 0
			for pkg := range g {
				if matchesAny(r.from, pkg) && !matchesAny(r.except, pkg) {
					bound++
				}
			}
			if bound == 0 {
				t.Fatalf("the rule binds no package: %v", r.from)
			}
			violations := r.check(g)
			if r.skip != "" {
				if len(violations) == 0 {
					t.Fatalf("the rule holds now: remove its skip (%s)", r.skip)
				}
				t.Skipf("not enforced yet: %s. Today:\n%s", r.skip, strings.Join(violations, "\n"))
			}
			for _, v := range violations {
				t.Error(v)
			}
		})
	}
}

// TestArch_RulesOnASyntheticGraph: each kind of rule finds what it forbids,
// says which rule and through which imports, and passes what it allows.
func TestArch_RulesOnASyntheticGraph(t *testing.T) {
	m := func(p string) string { return module + "/" + p }
	g := graph{
		module:                 {"fmt"},
		m("store"):             {module, "modernc.org/sqlite"},
		m("live"):              {module, m("store")},
		m("internal/httpx"):    {module, "net/http", m("live")},
		m("httpapi"):           {module, m("internal/httpx")},
		m("channel/webchat"):   {module, m("httpapi"), m("internal/httpx")},
		m("channel/telegram"):  {module, m("internal/httpx")},
		"modernc.org/sqlite":   {"database/sql"},
		"database/sql":         nil,
		"fmt":                  nil,
		"net/http":             nil,
		m("channel/messenger"): {module, "net/http"},
	}
	inward := rule{from: adapters, never: []string{"./httpapi", "./web", "./store"}, why: "adapters point inward (STYLE.md)"}
	if got, want := inward.check(g), []string{"channel/webchat imports httpapi: adapters point inward (STYLE.md)"}; !slices.Equal(got, want) {
		t.Errorf("direct imports:\n got %q\nwant %q", got, want)
	}
	noDB := rule{from: []string{"./channel/..."}, except: []string{"./channel/webchat"}, never: []string{"./store", "modernc.org/sqlite/..."},
		linked: true, why: "no database"}
	want := []string{"channel/telegram links store (channel/telegram → internal/httpx → live → store): no database"}
	if got := noDB.check(g); !slices.Equal(got, want) {
		t.Errorf("linked packages:\n got %q\nwant %q", got, want)
	}
	// The same graph with the kit no longer importing the hub keeps both rules.
	g[m("internal/httpx")] = []string{module, "net/http"}
	g[m("channel/webchat")] = []string{module, m("internal/httpx")}
	for _, r := range []rule{inward, noDB} {
		if got := r.check(g); len(got) > 0 {
			t.Errorf("a clean graph: %q", got)
		}
	}
}

// TestArch_ImportRulesCatchABrokenImport: the real module, with files added
// through go list's -overlay (nothing on disk changes) that import what
// three rules forbid, fails those rules, and only those.
func TestArch_ImportRulesCatchABrokenImport(t *testing.T) {
	root := moduleRoot(t)
	dir := t.TempDir()
	broken := []struct{ dir, name, imports string }{
		{"channel/webchat", "webchat", module + "/httpapi"},
		{"channel/telegram", "telegram", module + "/store"},
		{"internal/httpx", "httpx", module + "/live"},
	}
	replace := map[string]string{}
	for _, b := range broken {
		src := filepath.Join(dir, b.name+".go")
		if err := os.WriteFile(src, fmt.Appendf(nil, "package %s\n\nimport _ %q\n", b.name, b.imports), 0o600); err != nil {
			t.Fatal(err)
		}
		replace[filepath.Join(root, b.dir, "zz_archtest_broken.go")] = src
	}
	overlay, _ := json.Marshal(map[string]any{"Replace": replace})
	overlayFile := filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(overlayFile, overlay, 0o600); err != nil {
		t.Fatal(err)
	}
	g := loadGraph(t, "-overlay", overlayFile)
	var got []string
	for _, r := range rules {
		if r.skip == "" {
			got = append(got, r.check(g)...)
		}
	}
	for _, want := range []string{
		"channel/webchat imports httpapi: adapters point inward (STYLE.md)",
		"channel/telegram imports store: adapters point inward (STYLE.md)",
		"channel/telegram links store (channel/telegram → store): the live hub and the messenger channels link no database",
		"internal/httpx links live (internal/httpx → live): the HTTP kit needs nothing",
	} {
		if !slices.ContainsFunc(got, func(v string) bool { return strings.HasPrefix(v, want) }) {
			t.Errorf("no violation %q among:\n%s", want, strings.Join(got, "\n"))
		}
	}
	if len(got) != 4 {
		t.Errorf("want the broken imports' violations only, got %d:\n%s", len(got), strings.Join(got, "\n"))
	}
}
