package main

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/server"
)

// TestPaceKindsComeFromTheRegistry: every registered channel type can be
// paced by its kind, starting from its own pace.
func TestPaceKindsComeFromTheRegistry(t *testing.T) {
	t.Parallel()
	for _, ct := range server.Channels().All() {
		got, err := parsePace(string(ct.Kind()) + "=7")
		if err != nil {
			t.Errorf("%s: %v", ct.Kind(), err)
			continue
		}
		want := ct.Pacing()
		want.PerSecond = 7
		if got[ct.Kind()] != want {
			t.Errorf("%s: %+v, want %+v", ct.Kind(), got[ct.Kind()], want)
		}
	}
	got, err := parsePace("telegram=10/2s")
	if err != nil || got["telegram"] != (beseda.Pacing{PerSecond: 10, PerChat: 2 * time.Second}) {
		t.Errorf("telegram=10/2s: %+v %v", got, err)
	}
}

// TestPaceDefaultIsShown: serve --help shows the pace every kind starts
// with, written as --pace reads it, and the README's configuration table
// says the same.
func TestPaceDefaultIsShown(t *testing.T) {
	defaults := server.Channels().Pacing()
	text := formatPace(defaults)
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `--pace` \\| `BESEDA_PACE` \\| `([^`]*)`").FindSubmatch(readme)
	if row == nil || string(row[1]) != text {
		t.Errorf("default pace %q; the README's configuration table says %q", text, row)
	}
	got, err := parsePace(text)
	if err != nil {
		t.Fatal(err)
	}
	for k, p := range defaults {
		if got[k] != p {
			t.Errorf("%s: %+v read back as %+v", k, p, got[k])
		}
	}
	var out strings.Builder
	if err := run(context.Background(), []string{"serve", "--help"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `(default "`+text+`")`) {
		t.Errorf("serve --help does not show the pace's default %q:\n%s", text, out.String())
	}
}
