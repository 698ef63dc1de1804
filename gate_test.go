package beseda_test

import (
	"testing"

	"github.com/beseda/beseda"
)

func TestG1_GateDecision(t *testing.T) {
	for _, tc := range []struct {
		source beseda.Source
		active bool
		want   beseda.MessageStatus
	}{
		{beseda.SourceFunnel, true, beseda.MessageHeld},
		{beseda.SourceBroadcast, true, beseda.MessageHeld},
		{beseda.SourceAISupport, true, beseda.MessageDropped},
		{beseda.SourceManager, true, beseda.MessagePending},
		{beseda.SourceSystem, true, beseda.MessagePending},
		{beseda.SourceFunnel, false, beseda.MessagePending},
		{beseda.SourceBroadcast, false, beseda.MessagePending},
		{beseda.SourceAISupport, false, beseda.MessagePending},
		{beseda.SourceManager, false, beseda.MessagePending},
	} {
		got, reason := beseda.Gate(tc.source, tc.active)
		if got != tc.want {
			t.Errorf("%s with active=%v: %s, want %s", tc.source, tc.active, got, tc.want)
		}
		if (got == beseda.MessageDropped) != (reason != "") {
			t.Errorf("%s: reason %q for status %s", tc.source, reason, got)
		}
	}
}
