package testkit

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Timed runs op b.N times and reports the median and 99th percentile of one
// run, besides the mean that ns/op gives.
func Timed(b *testing.B, op func(i int)) {
	durations := make([]time.Duration, 0, b.N)
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		op(i)
		durations = append(durations, time.Since(start))
	}
	slices.Sort(durations)
	b.ReportMetric(float64(durations[len(durations)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(durations[len(durations)*99/100].Microseconds())/1000, "p99-ms")
}

// ResetPeakRSS makes the kernel forget this process's peak resident set.
func ResetPeakRSS(tb testing.TB) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		tb.Logf("cannot reset peak RSS: %v", err)
	}
}

// PeakRSS is this process's peak resident set (VmHWM) in bytes.
func PeakRSS(tb testing.TB) int64 { return procStatus(tb, "self", "VmHWM:") }

// RSS is a process's resident set (VmRSS) in bytes.
func RSS(tb testing.TB, pid int) int64 { return procStatus(tb, fmt.Sprint(pid), "VmRSS:") }

func procStatus(tb testing.TB, pid, field string) int64 {
	data, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		tb.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, field); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
