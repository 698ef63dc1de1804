package beseda_test

import (
	"strings"
	"testing"

	"github.com/beseda/beseda"
)

func TestH1_TextRule(t *testing.T) {
	for _, tc := range []struct {
		in, clean string
		ok        bool
	}{
		{"plain", "plain", true},
		{"Привет 👋", "Привет 👋", true},
		{`a\u0000b`, `a\u0000b`, true}, // the six characters, not a NUL
		{"a\x00b", "ab", false},
		{"\x00", "", false},
		{" \x00\t\x00 ", " \t ", false},
		{"bad \xff\xfe utf-8", "bad \uFFFD utf-8", false},
		{"both \x00\xc3", "both \uFFFD", false},
	} {
		// A text the cleaning leaves blank has nothing to say: a parser
		// stands its placeholder for it rather than have it refused.
		if has := beseda.HasText(tc.in); has != (strings.TrimSpace(tc.clean) != "") {
			t.Errorf("HasText(%q) = %v", tc.in, has)
		}
		err := beseda.CheckText("text", tc.in)
		if (err == nil) != tc.ok || (err != nil && beseda.ErrorCode(err) != beseda.EINVALID) {
			t.Errorf("CheckText(%q) = %v", tc.in, err)
		}
		got := beseda.SanitizeText(tc.in)
		if got != tc.clean {
			t.Errorf("SanitizeText(%q) = %q, want %q", tc.in, got, tc.clean)
		}
		if beseda.CheckText("text", got) != nil {
			t.Errorf("SanitizeText(%q) = %q is not storable", tc.in, got)
		}
	}
}
