package beseda

import "time"

// Clock tells the time and waits for it. It is injected everywhere time
// matters so that tests of "starts in 5 minutes" or "one message a second"
// move a fake clock instead of sleeping.
type Clock interface {
	Now() time.Time
	// At returns a channel that receives the time once the clock reaches t,
	// at once if it has. A wait names a moment rather than a duration so that
	// it stays right when a fake clock moves between reading the time and
	// starting to wait.
	At(t time.Time) <-chan time.Time
}

// SystemClock is the real clock.
type SystemClock struct{}

func (SystemClock) Now() time.Time { return time.Now() }

func (SystemClock) At(t time.Time) <-chan time.Time { return time.After(time.Until(t)) }
