package delivery_test

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// TestWakeStartsOneJobNotOnePerMessage: while this process delivers a
// channel, producing for it only signals the deliverer; River gets a job
// when delivery starts, not one per message.
func TestWakeStartsOneJobNotOnePerMessage(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		// One message a second to the chat, on a clock that stands still:
		// the deliverer stays at work after the first message.
		b := newBot(t, dbURL, beseda.Pacing{PerChat: time.Second})
		ivan := b.client(t, 1001, "Ivan")
		const n = 20
		for i := range n {
			b.produce(t, ivan, beseda.SourceSystem, fmt.Sprintf("m%02d", i))
		}
		testkit.Eventually(t, 20*time.Second, "the first message sent", func() bool { return len(b.api.Sent()) == 1 })
		raw, err := sql.Open(driver(dbURL), strings.TrimPrefix(dbURL, "sqlite:"))
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		var jobs int
		if err := raw.QueryRow(`SELECT count(*) FROM river_job WHERE kind = 'deliver'`).Scan(&jobs); err != nil {
			t.Fatal(err)
		}
		// A second one may follow the first if a producer woke the channel
		// while the first job had begun but not yet taken the channel.
		if jobs < 1 || jobs > 2 {
			t.Errorf("%d deliver jobs for %d messages, want 1 (2 at most)", jobs, n)
		}
		// The rest go, one a second, in order.
		for i := 2; i <= n; i++ {
			b.clock.Advance(time.Second)
			testkit.Eventually(t, 20*time.Second, "the next second's message", func() bool { return len(b.api.Sent()) == i })
		}
		for i, s := range b.api.Sent() {
			if want := fmt.Sprintf("m%02d", i); s.Text != want {
				t.Fatalf("message %d is %q, want %q", i, s.Text, want)
			}
		}
	})
}
