package beseda_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/beseda/beseda"
)

// TestH1_ShortenKeepsWithinTheLimitAndSaysHowMuch: a text over the limit is
// cut at a character, never inside one (emoji counted as Telegram counts
// them), and ends with the note naming how many characters were left out;
// the whole fits the limit; a text that fits is kept as it is.
func TestH1_ShortenKeepsWithinTheLimitAndSaysHowMuch(t *testing.T) {
	for _, tc := range []struct {
		name  string
		limit beseda.TextLimit
		text  string
	}{
		{"characters", beseda.TextLimit{Max: 2000}, strings.Repeat("я", 2500)},
		{"just over", beseda.TextLimit{Max: 2000}, strings.Repeat("a", 2001)},
		{"many more", beseda.TextLimit{Max: 100}, strings.Repeat("b", 123456)},
		{"utf-16 emoji", beseda.TextLimit{Max: 4096, Counting: beseda.CountUTF16}, strings.Repeat("😀", 3000)},
		{"utf-16 mixed", beseda.TextLimit{Max: 4096, Counting: beseda.CountUTF16}, strings.Repeat("a😀", 1400) + strings.Repeat("b", 5)},
		{"spaces at the cut", beseda.TextLimit{Max: 60}, strings.Repeat("word ", 40)},
	} {
		got := tc.limit.Shorten(tc.text)
		if !utf8.ValidString(got) || tc.limit.Len(got) > tc.limit.Max {
			t.Errorf("%s: %d long (limit %d), valid %v", tc.name, tc.limit.Len(got), tc.limit.Max, utf8.ValidString(got))
			continue
		}
		at := strings.LastIndex(got, "… [message shortened: ")
		if at < 0 || !strings.HasSuffix(got, " characters more]") {
			t.Errorf("%s: no note: %q", tc.name, got[max(0, len(got)-60):])
			continue
		}
		kept := got[:at]
		if !strings.HasPrefix(tc.text, kept) || strings.TrimRight(kept, " ") != kept {
			t.Errorf("%s: the kept part is not the text's beginning, trimmed", tc.name)
		}
		more := utf8.RuneCountInString(tc.text) - utf8.RuneCountInString(kept)
		if got[at:] != beseda.ShortenedNote(more) {
			t.Errorf("%s: note %q, want %q", tc.name, got[at:], beseda.ShortenedNote(more))
		}
		// As long as it can be: one more character would not fit.
		next := tc.text[:len(kept)+utf8.RuneLen([]rune(tc.text[len(kept):])[0])]
		if strings.TrimSpace(tc.text[len(kept):len(next)]) != "" && tc.limit.Len(next+beseda.ShortenedNote(more-1)) <= tc.limit.Max {
			t.Errorf("%s: cut shorter than it needs", tc.name)
		}
	}
	if got := (beseda.TextLimit{Max: 10}).Shorten("fits"); got != "fits" {
		t.Errorf("a text that fits: %q", got)
	}
}
