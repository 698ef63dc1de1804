package app

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

// TestDemoLogIsQuiet: while the demo is seeded, the use cases' INFO lines
// go to DEBUG; warnings and errors stay what they are.
func TestDemoLogIsQuiet(t *testing.T) {
	for _, level := range []slog.Level{slog.LevelInfo, slog.LevelDebug} {
		var out bytes.Buffer
		log := slog.New(demoted{slog.NewTextHandler(&out, &slog.HandlerOptions{Level: level})})
		log.Info("web-chat visitor started")
		log.Warn("something to see")
		got := out.String()
		if level == slog.LevelInfo && strings.Contains(got, "visitor started") {
			t.Errorf("at INFO an INFO line of the seed shows:\n%s", got)
		}
		if level == slog.LevelDebug && !strings.Contains(got, `level=DEBUG msg="web-chat visitor started"`) {
			t.Errorf("at DEBUG the seed's line is not there as DEBUG:\n%s", got)
		}
		if !strings.Contains(got, `level=WARN msg="something to see"`) {
			t.Errorf("a warning is lost at %s:\n%s", level, got)
		}
	}
}
