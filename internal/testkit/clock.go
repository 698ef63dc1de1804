package testkit

import (
	"sync"
	"testing"
	"time"
)

// Clock is a fake clock that moves only when told to. Waits on it (At) end
// when a test moves it past their moment, never by themselves: a test of
// "one message a second" advances the clock and sees the next message go.
type Clock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []waiter
}

type waiter struct {
	at time.Time
	ch chan time.Time
}

// NewClock returns a clock stopped at a fixed moment.
func NewClock() *Clock {
	return &Clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
}

func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// At returns a channel that receives the clock's time once it reaches t.
func (c *Clock) At(t time.Time) <-chan time.Time {
	ch := make(chan time.Time, 1)
	c.mu.Lock()
	defer c.mu.Unlock()
	if !t.After(c.now) {
		ch <- c.now
		return ch
	}
	c.waiters = append(c.waiters, waiter{at: t, ch: ch})
	return ch
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.fire()
	c.mu.Unlock()
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.fire()
	c.mu.Unlock()
}

// fire ends the waits whose moment has come.
func (c *Clock) fire() {
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if w.at.After(c.now) {
			kept = append(kept, w)
			continue
		}
		w.ch <- c.now
	}
	clear(c.waiters[len(kept):])
	c.waiters = kept
}

// WaitFor polls (see Eventually) until something waits for the
// clock to reach t, so that a test moves the clock once the code under test
// has started to wait for that moment.
func (c *Clock) WaitFor(tb testing.TB, t time.Time) {
	tb.Helper()
	Eventually(tb, 20*time.Second, "a wait for "+t.Format(time.RFC3339Nano), func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		for _, w := range c.waiters {
			if w.at.Equal(t) {
				return true
			}
		}
		return false
	})
}
