package testkit

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A test waits for what it needs (a page's element, a message sent, an event
// on a stream) by watching for it, never by sleeping, and gives up only after
// a bound no working code comes near even on a machine busy with other work:
// a test that fails because the machine is slow is a bug. The bounds below
// are that rule in one place.

// StepTimeout bounds one step of a test that waits in real time: one browser
// action (a navigation, a wait for an element, a click, an evaluation), one
// wait for a condition or an event. It is generous on purpose, and each step
// has its own: a test of many steps never shares one budget.
const StepTimeout = time.Minute

// timeoutScale is BESEDA_TEST_TIMEOUT_SCALE (default 1): every real-time
// bound of the tests is multiplied by it, for very slow machines.
var timeoutScale = sync.OnceValue(func() float64 {
	v := os.Getenv("BESEDA_TEST_TIMEOUT_SCALE")
	if v == "" {
		return 1
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f <= 0 {
		panic("BESEDA_TEST_TIMEOUT_SCALE must be a positive number, not " + strconv.Quote(v))
	}
	return f
})

// Timeout is how long a test waits in real time for something that takes
// about d on an idle machine: at least StepTimeout, times
// BESEDA_TEST_TIMEOUT_SCALE. A longer bound only makes a failing test take
// longer to say so; it never lets a wrong result pass.
func Timeout(d time.Duration) time.Duration {
	return time.Duration(float64(max(d, StepTimeout)) * timeoutScale())
}

// Bar is a latency a test holds the product to (the notification arrives
// within a second, C2), for this machine as it is now: d on an idle machine,
// stretched by the load beyond the machine's cores (the 1-minute load
// average over the number of CPUs, when above 1), and by
// BESEDA_TEST_TIMEOUT_SCALE. Work that is late because the machine is busy
// with other work is not late; work that waits for a timer or a poll instead
// of being woken is still late on an idle machine, where the bar is d.
func Bar(d time.Duration) time.Duration {
	return time.Duration(float64(d) * timeoutScale() * max(1, loadPerCPU()))
}

// loadPerCPU is the 1-minute load average per CPU, or 0 if unknown.
func loadPerCPU() float64 {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(data))
	if len(fields) == 0 {
		return 0
	}
	load, err := strconv.ParseFloat(fields[0], 64)
	if err != nil {
		return 0
	}
	return load / float64(runtime.NumCPU())
}
