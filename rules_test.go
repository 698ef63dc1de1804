package beseda_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestRules_EveryCitedRuleExists: the rules the documentation cites (H4,
// D1–D3…) and the rules tests are named after (TestH4_…) are rules of
// docs/rules.md, and no document points at a specification that is not in
// the repository.
func TestRules_EveryCitedRuleExists(t *testing.T) {
	rulesText, err := os.ReadFile("docs/rules.md")
	if err != nil {
		t.Fatal(err)
	}
	defined := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^- ([CSWGRPLHDT][0-9]+)\. `).FindAllStringSubmatch(string(rulesText), -1) {
		if defined[m[1]] {
			t.Errorf("docs/rules.md defines %s twice", m[1])
		}
		defined[m[1]] = true
	}
	for _, id := range []string{"C1", "S3", "W5", "G3", "R4", "P3", "L3", "H7", "D4"} {
		if !defined[id] {
			t.Fatalf("docs/rules.md does not define %s (it defines %v)", id, defined)
		}
	}

	cited := regexp.MustCompile(`\b([CSWGRPLHDT][0-9]+)\b`)
	docs, _ := filepath.Glob("docs/*.md")
	docs = append(docs, "README.md", "SECURITY.md", "BENCHMARKS.md")
	for _, name := range docs {
		text, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(text), "\n") {
			for _, m := range cited.FindAllStringSubmatch(line, -1) {
				if !defined[m[1]] {
					t.Errorf("%s:%d cites %s, which docs/rules.md does not define", name, i+1, m[1])
				}
			}
			if strings.Contains(line, "SPEC") || strings.Contains(line, "§") {
				t.Errorf("%s:%d points at a specification that is not in the repository: %s", name, i+1, line)
			}
		}
	}

	named := regexp.MustCompile(`(?m)^func (?:Test|Benchmark|Fuzz)([CSWGRPLHDT][0-9]+)_`)
	tests := 0
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return err
		}
		text, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range named.FindAllStringSubmatch(string(text), -1) {
			tests++
			if !defined[m[1]] {
				t.Errorf("%s: a test is named after %s, which docs/rules.md does not define", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if tests < 30 {
		t.Errorf("only %d tests are named after rules: is the pattern still right?", tests)
	}
}
