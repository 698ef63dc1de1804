// Package ratelimit keeps per-key counts in memory to slow down guessing and
// floods (H4): fixed windows of failures, and token buckets of requests. Time
// is always passed in (the app's clock), so tests move it instead of
// sleeping. State lives in one process; limits that several processes must
// share belong in the database.
package ratelimit

import (
	"net/netip"
	"sync"
	"time"
)

// maxKeys bounds the memory of a limiter: past it, keys whose state has
// expired are dropped, and if that is not enough, all of them (a flood of
// addresses then costs its senders their own counts, nobody else's).
const maxKeys = 100_000

// Window counts events per key in a window that starts with the key's first
// event; a key with Max events is blocked until its window ends. An event
// is counted before the work it limits is done (Reserve), and handed back
// when that work turns out not to count (Refund): checking first and
// counting after would let any number of requests in flight at once pass
// the check together.
type Window struct {
	Max    int
	Length time.Duration

	mu   sync.Mutex
	keys map[string]window
}

type window struct {
	count int
	start time.Time
}

// Reservation is one event counted by Reserve, to hand back with Refund.
type Reservation struct {
	key   string
	start time.Time // of the window it was counted in
}

// Reserve counts one event of key at now, unless key is blocked: then it
// counts nothing and says for how long it is blocked. Of any number of
// callers at once, at most Max get a reservation in a window.
func (w *Window) Reserve(key string, now time.Time) (Reservation, time.Duration, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.keys == nil {
		w.keys = map[string]window{}
	}
	s, ok := w.keys[key]
	if !ok || !now.Before(s.start.Add(w.Length)) {
		if len(w.keys) >= maxKeys {
			w.prune(now)
		}
		s = window{start: now}
	}
	if s.count >= w.Max {
		return Reservation{}, s.start.Add(w.Length).Sub(now), false
	}
	s.count++
	w.keys[key] = s
	return Reservation{key: key, start: s.start}, 0, true
}

// Refund hands back an event Reserve counted (a sign-in that succeeded, or
// one refused for another reason before it was tried). An event of a window
// that has ended since is gone with it.
func (w *Window) Refund(r Reservation) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if s, ok := w.keys[r.key]; ok && s.start.Equal(r.start) && s.count > 0 {
		s.count--
		w.keys[r.key] = s
	}
}

func (w *Window) prune(now time.Time) {
	for k, s := range w.keys {
		if !now.Before(s.start.Add(w.Length)) {
			delete(w.keys, k)
		}
	}
	if len(w.keys) >= maxKeys {
		clear(w.keys)
	}
}

// Buckets are token buckets per key: each holds up to Burst tokens, refilled
// at PerMinute; a request takes one.
type Buckets struct {
	PerMinute float64
	Burst     float64

	mu   sync.Mutex
	keys map[string]bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// Take takes a token of key at now; without one, it says how long until one
// is there.
func (b *Buckets) Take(key string, now time.Time) (time.Duration, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.keys == nil {
		b.keys = map[string]bucket{}
	}
	s, ok := b.keys[key]
	if !ok {
		if len(b.keys) >= maxKeys {
			b.prune(now)
		}
		s = bucket{tokens: b.Burst, at: now}
	}
	s.tokens = b.refill(s, now)
	s.at = now
	if s.tokens < 1 {
		b.keys[key] = s
		return time.Duration((1 - s.tokens) / b.PerMinute * float64(time.Minute)), false
	}
	s.tokens--
	b.keys[key] = s
	return 0, true
}

func (b *Buckets) refill(s bucket, now time.Time) float64 {
	if elapsed := now.Sub(s.at); elapsed > 0 {
		return min(b.Burst, s.tokens+elapsed.Minutes()*b.PerMinute)
	}
	return s.tokens
}

func (b *Buckets) prune(now time.Time) {
	for k, s := range b.keys {
		if b.refill(s, now) >= b.Burst {
			delete(b.keys, k) // full again: as good as new
		}
	}
	if len(b.keys) >= maxKeys {
		clear(b.keys)
	}
}

// AddrKey is the key of a client address: IPv4 addresses one by one, IPv6
// ones by /64, as one host commonly holds a whole /64.
func AddrKey(a netip.Addr) string {
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}
