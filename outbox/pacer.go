package outbox

import (
	"math"
	"sync"
	"time"

	"github.com/beseda/beseda"
)

// pacer keeps a channel within its Pacing: a token bucket for the channel and
// the time of the last send to every chat, on the engine's clock. It lives in
// memory, shared by the channel's successive runs in this process; one
// deliverer per channel means one user at a time.
type pacer struct {
	mu       sync.Mutex
	pacing   beseda.Pacing
	tokens   float64
	last     time.Time
	paused   time.Time // a rate limit answer stops the channel until then
	lastChat map[int64]time.Time
}

func newPacer(p beseda.Pacing, now time.Time) *pacer {
	pc := &pacer{pacing: p, last: now, lastChat: map[int64]time.Time{}}
	pc.tokens = pc.capacity()
	return pc
}

// capacity is the most tokens the bucket holds: a tenth of a second's worth,
// so that bursts stay small.
func (p *pacer) capacity() float64 { return max(p.pacing.PerSecond/10, 1) }

func (p *pacer) unlimited() bool { return p.pacing.PerSecond <= 0 }

// refill adds the tokens earned since the last call.
func (p *pacer) refill(now time.Time) {
	if now.After(p.last) {
		if !p.unlimited() {
			p.tokens = min(p.tokens+now.Sub(p.last).Seconds()*p.pacing.PerSecond, p.capacity())
		}
		p.last = now
	}
}

// rounding keeps a bucket that should hold a whole token from missing it by
// a float's last bit.
const rounding = 1e-9

// ready returns when the channel may send one message: now if it may.
func (p *pacer) ready(now time.Time) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refill(now)
	t := now
	if p.paused.After(t) {
		t = p.paused
	}
	if !p.unlimited() && p.tokens < 1-rounding {
		lack := time.Duration(math.Ceil((1 - p.tokens) / p.pacing.PerSecond * float64(time.Second)))
		if at := now.Add(lack); at.After(t) {
			t = at
		}
	}
	return t
}

// take takes up to n of the tokens there are now, and returns how many (0
// while paused or empty).
func (p *pacer) take(now time.Time, n int) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refill(now)
	if p.paused.After(now) {
		return 0
	}
	if p.unlimited() {
		return n
	}
	got := min(n, int(p.tokens+rounding))
	p.tokens -= float64(got)
	return got
}

// refund gives back tokens taken but not used.
func (p *pacer) refund(n int) {
	if n <= 0 || p.unlimited() {
		return
	}
	p.mu.Lock()
	p.tokens = min(p.tokens+float64(n), p.capacity())
	p.mu.Unlock()
}

// chatReady returns when the chat may get its next message (zero: at once).
func (p *pacer) chatReady(subscriberID int64) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pacing.PerChat <= 0 {
		return time.Time{}
	}
	last, ok := p.lastChat[subscriberID]
	if !ok {
		return time.Time{}
	}
	return last.Add(p.pacing.PerChat)
}

// sent takes a token and records the chat's send.
func (p *pacer) sent(now time.Time, subscriberID int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refill(now)
	if !p.unlimited() {
		p.tokens--
	}
	if p.pacing.PerChat <= 0 {
		return
	}
	p.lastChat[subscriberID] = now
	if len(p.lastChat) > 10_000 {
		for id, t := range p.lastChat {
			if now.Sub(t) > p.pacing.PerChat {
				delete(p.lastChat, id)
			}
		}
	}
}

// pause stops the channel until the moment (a rate limit answer).
func (p *pacer) pause(until time.Time) {
	p.mu.Lock()
	if until.After(p.paused) {
		p.paused = until
	}
	p.mu.Unlock()
}
