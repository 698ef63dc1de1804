package outbox_test

import (
	"strings"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// TestRetriesBackOffAndGiveUp: how a message fares when Telegram refuses it,
// attempt by attempt on the fake clock. A failure that retrying cannot help
// fails it at once; others are retried after an exponential backoff with
// jitter, up to 8 attempts; a rate limit waits exactly retry_after and is not
// counted as an attempt. The reason of a failure is on the message.
func TestRetriesBackOffAndGiveUp(t *testing.T) {
	t.Parallel()
	type answer struct {
		status     int
		desc       string
		retryAfter int
	}
	badGateway := answer{502, "Bad Gateway", 0}
	for _, tc := range []struct {
		name         string
		answers      []answer // before Telegram accepts, if it does
		wantStatus   beseda.MessageStatus
		wantReason   string
		wantAttempts int
	}{{
		name:         "blocked by the user: failed at once",
		answers:      []answer{{403, "Forbidden: bot was blocked by the user", 0}},
		wantStatus:   beseda.MessageFailed,
		wantReason:   "telegram: Forbidden: bot was blocked by the user",
		wantAttempts: 1,
	}, {
		name:         "server errors: backed off, then sent",
		answers:      []answer{badGateway, badGateway, badGateway},
		wantStatus:   beseda.MessageSent,
		wantAttempts: 3,
	}, {
		name:         "server errors: given up after 8 attempts",
		answers:      []answer{badGateway, badGateway, badGateway, badGateway, badGateway, badGateway, badGateway, badGateway},
		wantStatus:   beseda.MessageFailed,
		wantReason:   "gave up after 8 attempts: telegram: Bad Gateway",
		wantAttempts: 8,
	}, {
		name:         "rate limits: waited out, not attempts",
		answers:      []answer{{429, "Too Many Requests: retry after 3", 3}, {429, "Too Many Requests: retry after 40", 40}},
		wantStatus:   beseda.MessageSent,
		wantAttempts: 0,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			testkit.Each(t, func(t *testing.T, dbURL string) {
				b := newBot(t, dbURL, beseda.Pacing{})
				ivan := b.client(t, 1001, "Ivan")
				for _, a := range tc.answers {
					b.api.FailNext(a.status, a.desc, a.retryAfter)
				}
				m := b.produce(t, ivan, beseda.SourceBroadcast, "hello")
				failed := 0
				last := b.clock.Now()
				for i, a := range tc.answers {
					at := b.clock.Now() // when attempt i+1 is made
					var got beseda.Message
					testkit.Eventually(t, 20*time.Second, "attempt recorded", func() bool {
						got = b.message(t, ivan, m.ID)
						return got.Status != beseda.MessagePending || (got.NextAttemptAt != nil && got.NextAttemptAt.After(at))
					})
					if got.Status != beseda.MessagePending {
						break
					}
					if !strings.HasPrefix(got.Reason, "telegram: ") {
						t.Errorf("attempt %d: reason %q", i+1, got.Reason)
					}
					wait := got.NextAttemptAt.Sub(at)
					if a.retryAfter > 0 {
						if want := time.Duration(a.retryAfter) * time.Second; wait != want {
							t.Errorf("attempt %d: tried again after %v, want retry_after %v", i+1, wait, want)
						}
					} else {
						failed++
						// Exponential with jitter: between half and all of 2^n s.
						full := time.Duration(1<<failed) * time.Second
						if wait < full/2 || wait > full {
							t.Errorf("after %d failures: tried again after %v, want %v to %v", failed, wait, full/2, full)
						}
					}
					if got.Attempts != failed {
						t.Errorf("attempt %d: %d attempts counted, want %d", i+1, got.Attempts, failed)
					}
					// A moment before the wait is over, the engine waits for
					// the very moment …
					b.clock.Set(got.NextAttemptAt.Add(-time.Millisecond))
					b.clock.WaitFor(t, *got.NextAttemptAt)
					calls := len(b.api.Requested())
					// … and makes the next attempt then.
					b.clock.Set(*got.NextAttemptAt)
					last = *got.NextAttemptAt
					testkit.Eventually(t, 20*time.Second, "the next attempt", func() bool {
						return len(b.api.Requested()) == i+2 || b.message(t, ivan, m.ID).Status != beseda.MessagePending
					})
					if n := len(b.api.Requested()); n > i+2 || calls != i+1 {
						t.Errorf("attempt %d: %d requests before the wait was over, %d after", i+2, calls, n)
					}
				}
				var got beseda.Message
				testkit.Eventually(t, 20*time.Second, "the outcome", func() bool {
					got = b.message(t, ivan, m.ID)
					return got.Status != beseda.MessagePending
				})
				if got.Status != tc.wantStatus || got.Reason != tc.wantReason || got.Attempts != tc.wantAttempts {
					t.Errorf("%s %q after %d attempts, want %s %q after %d", got.Status, got.Reason, got.Attempts,
						tc.wantStatus, tc.wantReason, tc.wantAttempts)
				}
				wantRequests := len(tc.answers)
				if tc.wantStatus == beseda.MessageSent {
					wantRequests++
					if !got.SentAt.Equal(last) {
						t.Errorf("sent at %v, want at the end of the last wait, %v", got.SentAt, last)
					}
				}
				if n := len(b.api.Requested()); n != wantRequests {
					t.Errorf("%d requests to Telegram, want %d", n, wantRequests)
				}
			})
		})
	}
}
