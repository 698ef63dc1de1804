package telegram_test

import (
	"strings"
	"testing"

	"github.com/beseda/beseda/internal/testkit"
)

// TestH1_TelegramLongTextIsStoredShortened: a client's text longer than
// Telegram's 4,096 units (an emoji counts 2) is stored cut at a character,
// within the limit, with "… [message shortened: N characters more]" —
// never dropped.
func TestH1_TelegramLongTextIsStoredShortened(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		b := newBot(t, dbURL, testkit.Options{})
		text := "Привет! " + strings.Repeat("😀", 3000) // 8 + 6,000 units
		b.say(t, 1, 901, text)
		msgs := b.messages(t, b.subscriber(t).ID)
		if len(msgs) != 1 {
			t.Fatalf("%d messages stored", len(msgs))
		}
		// 8 units of greeting and 2,023 emoji of 2 leave 42 for the note.
		want := "Привет! " + strings.Repeat("😀", 2023) + "… [message shortened: 977 characters more]"
		if got := msgs[0].Text; got != want {
			t.Errorf("stored %d characters ending %q, want ending %q", len([]rune(got)), got[max(0, len(got)-60):], want[len(want)-60:])
		}
	})
}
