package main

import (
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
