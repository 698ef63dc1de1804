package messenger_test

import (
	"strings"
	"testing"

	"github.com/beseda/beseda/internal/testkit"
)

// TestH1_MessengerLongTextIsStoredShortened: a client's text longer than
// Messenger's 2,000 characters is stored cut, within the limit, with
// "… [message shortened: N characters more]" — never dropped.
func TestH1_MessengerLongTextIsStoredShortened(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		p := newPage(t, dbURL)
		p.say(t, "m.long", strings.Repeat("ж", 2500))
		got := p.last(t, p.subscriber(t).ID).Text
		want := strings.Repeat("ж", 1958) + "… [message shortened: 542 characters more]" // 2,000 in all
		if got != want {
			t.Errorf("stored %d characters ending %q", len([]rune(got)), got[max(0, len(got)-60):])
		}
	})
}
