package store

import (
	"sync"
	"time"
)

// folded runs a piece of background work after something calls for it, at
// most once per gap: calls that arrive while it runs or waits are folded into
// the next run. The work of a burst of commits is done once, off their path.
type folded struct {
	kick chan struct{}
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

func startFolded(gap time.Duration, work func()) *folded {
	f := &folded{kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(f.done)
		for {
			select {
			case <-f.stop:
				return
			case <-f.kick:
			}
			work()
			select {
			case <-f.stop:
				return
			case <-time.After(gap):
			}
		}
	}()
	return f
}

// call asks for a run; it never waits. A nil folded does nothing.
func (f *folded) call() {
	if f == nil {
		return
	}
	select {
	case f.kick <- struct{}{}:
	default: // a run is due already
	}
}

// end stops the runs and waits for one in progress; later calls do nothing.
func (f *folded) end() {
	if f == nil {
		return
	}
	f.once.Do(func() { close(f.stop) })
	<-f.done
}
