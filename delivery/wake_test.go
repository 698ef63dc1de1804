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

// TestWakeStartsOneDelivererNotOnePerMessage: while this process delivers a
// channel, producing for it only signals the deliverer: one goroutine works
// the channel, and nothing is queued in River, where a job of a process that
// died could block the channel (D3).
func TestWakeStartsOneDelivererNotOnePerMessage(t *testing.T) {
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
		if jobs != 0 {
			t.Errorf("%d deliver jobs for %d messages, want none", jobs, n)
		}
		if d := b.w.Srv.Deliveries.Deliverers(); d != 1 {
			t.Errorf("%d deliverers of one channel, want 1", d)
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
