package ratelimit_test

import (
	"net/netip"
	"testing"
	"time"

	"github.com/beseda/beseda/internal/ratelimit"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func TestH4_WindowBlocksUntilItEnds(t *testing.T) {
	w := &ratelimit.Window{Max: 3, Length: 15 * time.Minute}
	for i := range 3 {
		if _, blocked := w.Blocked("a", t0.Add(time.Duration(i)*time.Minute)); blocked {
			t.Fatalf("blocked after %d", i)
		}
		w.Add("a", t0.Add(time.Duration(i)*time.Minute))
	}
	wait, blocked := w.Blocked("a", t0.Add(5*time.Minute))
	if !blocked || wait != 10*time.Minute {
		t.Errorf("after 3: blocked=%v wait=%v", blocked, wait)
	}
	if _, blocked := w.Blocked("b", t0.Add(5*time.Minute)); blocked {
		t.Errorf("another key is blocked")
	}
	if _, blocked := w.Blocked("a", t0.Add(15*time.Minute)); blocked {
		t.Errorf("blocked after the window")
	}
	w.Add("a", t0.Add(15*time.Minute)) // a new window
	if _, blocked := w.Blocked("a", t0.Add(16*time.Minute)); blocked {
		t.Errorf("the new window counts the old failures")
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
