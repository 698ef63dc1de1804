package beseda

import (
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func TestA4_RoundRobinPicksTheOneAssignedLongestAgo(t *testing.T) {
	cands := []Candidate{
		{UserID: 1, Availability: Online, Capacity: 5, Open: 0, LastAssigned: t0.Add(time.Minute)},
		{UserID: 2, Availability: Online, Capacity: 5, Open: 4, LastAssigned: t0},
		{UserID: 3, Availability: Online, Capacity: 5, Open: 1, LastAssigned: t0.Add(2 * time.Minute)},
	}
	if id, ok := PickAssignee(RoutingRoundRobin, cands); !ok || id != 2 {
		t.Fatalf("round robin picked %d, %v; want 2 (assigned longest ago)", id, ok)
	}
	cands = append(cands, Candidate{UserID: 9, Availability: Online, Capacity: 5})
	if id, _ := PickAssignee(RoutingRoundRobin, cands); id != 9 {
		t.Fatalf("round robin picked %d; want 9 (never assigned)", id)
	}
}

func TestA4_LeastBusyPicksTheFewestOpenChats(t *testing.T) {
	cands := []Candidate{
		{UserID: 1, Availability: Online, Capacity: 5, Open: 3},
		{UserID: 2, Availability: Online, Capacity: 5, Open: 1, LastAssigned: t0.Add(time.Minute)},
		{UserID: 3, Availability: Online, Capacity: 5, Open: 1, LastAssigned: t0},
	}
	if id, ok := PickAssignee(RoutingLeastBusy, cands); !ok || id != 3 {
		t.Fatalf("least busy picked %d, %v; want 3 (fewest open, then assigned longest ago)", id, ok)
	}
}

func TestA4_TiesGoToTheLowerID(t *testing.T) {
	cands := []Candidate{{UserID: 7, Availability: Online, Capacity: 1}, {UserID: 4, Availability: Online, Capacity: 1}}
	for _, p := range []RoutingPolicy{RoutingRoundRobin, RoutingLeastBusy} {
		if id, _ := PickAssignee(p, cands); id != 4 {
			t.Fatalf("%s picked %d; want 4", p, id)
		}
	}
}

func TestA5_NobodyAboveCapacityOrUnavailableIsPicked(t *testing.T) {
	cands := []Candidate{
		{UserID: 1, Availability: Online, Capacity: 2, Open: 2},
		{UserID: 2, Availability: Away, Capacity: 5},
		{UserID: 3, Availability: Offline, Capacity: 5},
		{UserID: 4, Availability: Online, Capacity: 0},
	}
	for _, p := range []RoutingPolicy{RoutingRoundRobin, RoutingLeastBusy} {
		if id, ok := PickAssignee(p, cands); ok {
			t.Fatalf("%s picked %d; want nobody (the chat waits)", p, id)
		}
	}
	cands = append(cands, Candidate{UserID: 5, Availability: Online, Capacity: 3, Open: 2})
	if id, ok := PickAssignee(RoutingLeastBusy, cands); !ok || id != 5 {
		t.Fatalf("picked %d, %v; want 5, the only one free", id, ok)
	}
}

func TestA4_ManualPicksNobody(t *testing.T) {
	if id, ok := PickAssignee(RoutingManual, []Candidate{{UserID: 1, Availability: Online, Capacity: 5}}); ok {
		t.Fatalf("manual picked %d", id)
	}
}

func TestA3_OnlineManagerIdleTooLongIsAway(t *testing.T) {
	after := 15 * time.Minute
	cases := []struct {
		set      Availability
		lastSeen time.Time
		want     Availability
	}{
		{Online, t0.Add(-14 * time.Minute), Online},
		{Online, t0.Add(-15 * time.Minute), Away},
		{Online, time.Time{}, Online},
		{Away, t0, Away},
		{Offline, t0, Offline},
		{"", t0, Offline},
	}
	for _, c := range cases {
		if got := EffectiveAvailability(c.set, c.lastSeen, t0, after); got != c.want {
			t.Errorf("set %q, seen %v ago: %q, want %q", c.set, t0.Sub(c.lastSeen), got, c.want)
		}
	}
}

func TestRoutingSettingsValidate(t *testing.T) {
	for _, s := range []RoutingSettings{{Policy: "fastest", AwayAfterMinutes: 5}, {Policy: RoutingManual}, {Policy: RoutingLeastBusy, AwayAfterMinutes: MaxAwayAfter + 1}} {
		if ErrorCode(s.Validate()) != EINVALID {
			t.Errorf("%+v: want invalid_input", s)
		}
	}
	ok := RoutingSettings{Policy: RoutingRoundRobin, AwayAfterMinutes: 10}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
}
