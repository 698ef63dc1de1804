package whatsapp_test

import (
	"strings"
	"testing"

	"github.com/beseda/beseda/internal/testkit"
)

// TestH1_WhatsAppLongTextIsStoredShortened: a client's text longer than
// WhatsApp's 4,096 characters is stored cut, within the limit, with
// "… [message shortened: N characters more]" — never dropped.
func TestH1_WhatsAppLongTextIsStoredShortened(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		n := newNumber(t, dbURL)
		n.say(t, "wamid.long", strings.Repeat("abc ", 2000))
		got := n.last(t, n.subscriber(t).ID).Text
		// 7,999 characters once trimmed: 4,053 kept and a note of 43, 4,096 in all.
		if got != strings.Repeat("abc ", 1013)+"a… [message shortened: 3946 characters more]" {
			t.Errorf("stored %d characters ending %q", len([]rune(got)), got[max(0, len(got)-60):])
		}
	})
}
