package beseda

import "time"

// Clock tells the time. It is injected everywhere time matters so that tests of
// "starts in 5 minutes" move a fake clock instead of sleeping.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock.
type SystemClock struct{}

func (SystemClock) Now() time.Time { return time.Now() }
