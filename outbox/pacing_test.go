package outbox_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/channel/telegram"
	"github.com/beseda/beseda/internal/testkit"
)

// TestPacingPerChannelAndPerChat: a channel sends at most its rate, a chat
// gets at most one message per interval, a chat that waits does not hold
// another back, and every chat keeps its order. Times are the fake clock's,
// exactly.
func TestPacingPerChannelAndPerChat(t *testing.T) {
	t.Parallel()
	type send struct {
		text string
		at   time.Duration // after the first send
	}
	for _, tc := range []struct {
		name    string
		pace    beseda.Pacing
		produce []string // "chat:text", in this order
		want    []send   // in the order they go
	}{{
		name:    "one a second per chat",
		pace:    telegram.New().Pacing(), // 30/s, 1 s per chat
		produce: []string{"a:a1", "a:a2", "a:a3", "b:b1", "b:b2"},
		want:    []send{{"a1", 0}, {"b1", 0}, {"a2", time.Second}, {"b2", time.Second}, {"a3", 2 * time.Second}},
	}, {
		name:    "two a second per channel",
		pace:    beseda.Pacing{PerSecond: 2},
		produce: []string{"a:a1", "b:b1", "c:c1", "a:a2"},
		want: []send{{"a1", 0}, {"b1", 500 * time.Millisecond}, {"c1", time.Second},
			{"a2", 1500 * time.Millisecond}},
	}, {
		name:    "a burst of a tenth of a second, then the rate",
		pace:    beseda.Pacing{PerSecond: 20},
		produce: []string{"a:a1", "b:b1", "c:c1", "d:d1"},
		want:    []send{{"a1", 0}, {"b1", 0}, {"c1", 50 * time.Millisecond}, {"d1", 100 * time.Millisecond}},
	}, {
		name:    "both",
		pace:    beseda.Pacing{PerSecond: 1, PerChat: 3 * time.Second},
		produce: []string{"a:a1", "a:a2", "b:b1", "c:c1"},
		want: []send{{"a1", 0}, {"b1", time.Second}, {"c1", 2 * time.Second},
			{"a2", 3 * time.Second}},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			testkit.Each(t, func(t *testing.T, dbURL string) {
				b := newBot(t, dbURL, tc.pace)
				chats := map[string]int64{}
				ids, chatOf := map[string]int64{}, map[string]int64{}
				start := b.clock.Now()
				for _, p := range tc.produce {
					chat, text, _ := strings.Cut(p, ":")
					if chats[chat] == 0 {
						chats[chat] = b.client(t, int64(1000+len(chats)), "Chat "+chat)
					}
					ids[text], chatOf[text] = b.produce(t, chats[chat], beseda.SourceSystem, text).ID, chats[chat]
				}
				// Move the clock to each moment something is due, once what is
				// due before has gone.
				for i, s := range tc.want {
					if i > 0 && s.at == tc.want[i-1].at {
						continue
					}
					b.clock.Set(start.Add(s.at))
					due := 0
					for _, w := range tc.want {
						if w.at <= s.at {
							due++
						}
					}
					testkit.Eventually(t, 20*time.Second, fmt.Sprintf("%d sent by %v", due, s.at), func() bool {
						return len(b.api.Sent()) >= due
					})
				}
				var wantOrder []string
				for _, s := range tc.want {
					wantOrder = append(wantOrder, s.text)
				}
				if got := texts(b.api.Sent()); got != strings.Join(wantOrder, ",") {
					t.Errorf("sent %s, want %s", got, strings.Join(wantOrder, ","))
				}
				for _, s := range tc.want {
					var m beseda.Message
					testkit.Eventually(t, 10*time.Second, s.text+" recorded as sent", func() bool {
						m = b.message(t, chatOf[s.text], ids[s.text])
						return m.Status == beseda.MessageSent
					})
					if got := m.SentAt.Sub(start); got != s.at {
						t.Errorf("%s sent at %v, want %v", s.text, got, s.at)
					}
				}
			})
		})
	}
}
