package ratelimit_test

import (
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/beseda/beseda/internal/ratelimit"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func TestH4_WindowBlocksUntilItEnds(t *testing.T) {
	w := &ratelimit.Window{Max: 3, Length: 15 * time.Minute}
	for i := range 3 {
		if _, _, ok := w.Reserve("a", t0.Add(time.Duration(i)*time.Minute)); !ok {
			t.Fatalf("blocked after %d", i)
		}
	}
	_, wait, ok := w.Reserve("a", t0.Add(5*time.Minute))
	if ok || wait != 10*time.Minute {
		t.Errorf("after 3: ok=%v wait=%v", ok, wait)
	}
	if _, _, ok := w.Reserve("b", t0.Add(5*time.Minute)); !ok {
		t.Errorf("another key is blocked")
	}
	if _, _, ok := w.Reserve("a", t0.Add(15*time.Minute)); !ok { // a new window
		t.Errorf("blocked after the window")
	}
	if _, _, ok := w.Reserve("a", t0.Add(16*time.Minute)); !ok {
		t.Errorf("the new window counts the old failures")
	}
}

// TestH4_WindowReservesAtomically: of many callers at once, exactly Max get
// a reservation; a refund lets one more in; a refund from an ended window
// does not lower the new one's count.
func TestH4_WindowReservesAtomically(t *testing.T) {
	w := &ratelimit.Window{Max: 10, Length: 15 * time.Minute}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var got []ratelimit.Reservation
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r, _, ok := w.Reserve("a", t0); ok {
				mu.Lock()
				got = append(got, r)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(got) != 10 {
		t.Fatalf("%d reservations of 100 at once, want 10", len(got))
	}
	w.Refund(got[0])
	if _, _, ok := w.Reserve("a", t0.Add(time.Minute)); !ok {
		t.Errorf("a refund did not make room")
	}
	if _, _, ok := w.Reserve("a", t0.Add(time.Minute)); ok {
		t.Errorf("a refund made room twice")
	}
	r, _, _ := w.Reserve("a", t0.Add(15*time.Minute)) // a new window, 1 counted
	for range 9 {
		w.Reserve("a", t0.Add(16*time.Minute))
	}
	w.Refund(got[1]) // of the old window: changes nothing
	if _, _, ok := w.Reserve("a", t0.Add(17*time.Minute)); ok {
		t.Errorf("a refund of an ended window made room in the new one")
	}
	w.Refund(r)
	if _, _, ok := w.Reserve("a", t0.Add(17*time.Minute)); !ok {
		t.Errorf("a refund of this window made no room")
	}
}

func TestH4_BucketsRefillAtTheRate(t *testing.T) {
	b := &ratelimit.Buckets{PerMinute: 20, Burst: 20}
	for i := range 20 {
		if _, ok := b.Take("a", t0); !ok {
			t.Fatalf("burst refused at %d", i)
		}
	}
	wait, ok := b.Take("a", t0)
	if ok || wait != 3*time.Second {
		t.Errorf("past the burst: ok=%v wait=%v", ok, wait)
	}
	if _, ok := b.Take("a", t0.Add(2*time.Second)); ok {
		t.Errorf("a token after 2 s at 20/min")
	}
	if _, ok := b.Take("a", t0.Add(3*time.Second)); !ok {
		t.Errorf("no token after 3 s at 20/min")
	}
	if _, ok := b.Take("b", t0); !ok {
		t.Errorf("another key shares the bucket")
	}
	for i := range 20 {
		if _, ok := b.Take("a", t0.Add(time.Hour)); !ok {
			t.Fatalf("an idle bucket is not full again at %d", i)
		}
	}
}

func TestH4_AddrKeyGroupsIPv6By64(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"2001:db8:1:2::1", "2001:db8:1:2:ffff::9"},
		{"::ffff:192.0.2.1", "192.0.2.1"},
	} {
		if ratelimit.AddrKey(netip.MustParseAddr(tc.a)) != ratelimit.AddrKey(netip.MustParseAddr(tc.b)) {
			t.Errorf("%s and %s are counted apart", tc.a, tc.b)
		}
	}
	if ratelimit.AddrKey(netip.MustParseAddr("192.0.2.1")) == ratelimit.AddrKey(netip.MustParseAddr("192.0.2.2")) {
		t.Errorf("two IPv4 hosts are counted as one")
	}
}
