package beseda_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/beseda/beseda"
)

var always = func() *beseda.Schedule {
	h := beseda.BusinessHours{}
	s, _ := h.Schedule()
	return s
}()

func policy(first, next, resolution int) *beseda.SLAPolicy {
	p := &beseda.SLAPolicy{ID: 1, Name: "P", FirstResponseMinutes: first, NextResponseMinutes: next, ResolutionMinutes: resolution}
	if err := p.Validate(); err != nil {
		panic(err)
	}
	return p
}

var t0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC) // a Monday

func wantAt(t *testing.T, what string, got *time.Time, want time.Time) {
	t.Helper()
	if got == nil || !got.Equal(want) {
		t.Errorf("%s = %v, want %s", what, got, want)
	}
}

// TestT2_PauseStopsTheClock: a paused dialog's clock stands still; its due
// instants move by the time it was paused, which is counted.
func TestT2_PauseStopsTheClock(t *testing.T) {
	c := beseda.NewSLAClock(policy(30, 0, 60), always, t0)
	wantAt(t, "resolution due", c.ResolutionDue, t0.Add(time.Hour))
	c.Pause(always, t0.Add(20*time.Minute))
	if c.ResolutionDue != nil || c.FirstDue != nil || c.NextAt != nil {
		t.Fatalf("a paused clock has due instants: %+v", c.View())
	}
	if alerts := c.Due(always, t0.Add(5*time.Hour)); len(alerts) != 0 {
		t.Fatalf("a paused clock fired %v", alerts)
	}
	c.Resume(always, t0.Add(2*time.Hour))
	wantAt(t, "resolution due after the pause", c.ResolutionDue, t0.Add(2*time.Hour+40*time.Minute))
	wantAt(t, "first response due after the pause", c.FirstDue, t0.Add(2*time.Hour+10*time.Minute))
	if v := c.View(); v.PausedSeconds != 100*60 || !v.Running {
		t.Errorf("paused %d s, running %v; want 6000 s and running", v.PausedSeconds, v.Running)
	}
}

// TestT2_OnlyWorkingTimeCounts: targets are working time: a dialog opened
// late on Friday is due on Monday.
func TestT2_OnlyWorkingTimeCounts(t *testing.T) {
	s := schedule(t, beseda.BusinessHours{TimeZone: "Europe/Berlin", Periods: weekdays("09:00", "17:00")})
	created := local(t, "Europe/Berlin", "2026-03-06 16:00")
	c := beseda.NewSLAClock(policy(120, 0, 0), s, created)
	wantAt(t, "first response due", c.FirstDue, local(t, "Europe/Berlin", "2026-03-09 10:00"))
	wantAt(t, "its warning (80 %)", c.NextAt, local(t, "Europe/Berlin", "2026-03-09 09:36"))
}

// TestT3_FirstResponse: the first manager reply meets the first-response
// target; a late one is recorded as missed.
func TestT3_FirstResponse(t *testing.T) {
	c := beseda.NewSLAClock(policy(30, 0, 0), always, t0)
	if !c.ManagerReplied(always, t0.Add(10*time.Minute)) {
		t.Fatal("the first reply changed nothing")
	}
	if c.FirstDue != nil || c.NextAt != nil || len(c.BreachedTargets()) != 0 {
		t.Fatalf("after a reply in time: %+v", c.View())
	}
	wantAt(t, "first response at", c.FirstResponseAt, t0.Add(10*time.Minute))
	if c.ManagerReplied(always, t0.Add(20*time.Minute)) {
		t.Error("a second reply changed the clock")
	}

	late := beseda.NewSLAClock(policy(30, 0, 0), always, t0)
	late.ManagerReplied(always, t0.Add(31*time.Minute))
	if got := late.BreachedTargets(); !reflect.DeepEqual(got, []beseda.SLATarget{beseda.SLAFirstResponse}) {
		t.Errorf("a late first response: breached %v", got)
	}
}

// TestT3_NextResponse: after the first response, the first client message
// nobody answered starts the next-response target; more messages do not
// move it; a reply meets it; before the first response, client messages
// start nothing.
func TestT3_NextResponse(t *testing.T) {
	c := beseda.NewSLAClock(policy(30, 15, 0), always, t0)
	if c.ClientWrote(always, t0.Add(time.Minute)) {
		t.Error("a client message before the first response started the next-response target")
	}
	c.ManagerReplied(always, t0.Add(5*time.Minute))
	if !c.ClientWrote(always, t0.Add(10*time.Minute)) {
		t.Fatal("the client's message started nothing")
	}
	wantAt(t, "next response due", c.NextDue, t0.Add(25*time.Minute))
	c.ClientWrote(always, t0.Add(20*time.Minute))
	wantAt(t, "next response due after a second message", c.NextDue, t0.Add(25*time.Minute))
	c.ManagerReplied(always, t0.Add(24*time.Minute))
	if c.NextDue != nil || c.NextAt != nil || len(c.BreachedTargets()) != 0 {
		t.Fatalf("after the reply: %+v", c.View())
	}
}

// TestT4_CompletionEndsTheClock: a completed dialog has no due instants and
// fires nothing; a resolution later than its target is recorded as missed.
func TestT4_CompletionEndsTheClock(t *testing.T) {
	c := beseda.NewSLAClock(policy(30, 0, 60), always, t0)
	c.Complete(always, t0.Add(61*time.Minute))
	if c.FirstDue != nil || c.ResolutionDue != nil || c.NextAt != nil {
		t.Fatalf("a completed clock has due instants: %+v", c.View())
	}
	if alerts := c.Due(always, t0.Add(10*time.Hour)); len(alerts) != 0 {
		t.Fatalf("a completed clock fired %v", alerts)
	}
	if got := c.BreachedTargets(); !reflect.DeepEqual(got, []beseda.SLATarget{beseda.SLAResolution}) {
		t.Errorf("breached %v, want the resolution only (the first response is not counted as missed)", got)
	}
	c.Resume(always, t0.Add(11*time.Hour))
	if c.ResolutionDue != nil {
		t.Error("a completed clock started again")
	}
}

// TestT5_WarningsAndBreachesFireOnce: at the warning point the warning falls
// due, once; at the target the breach, once; a target reached with its
// warning unfired fires the breach alone.
func TestT5_WarningsAndBreachesFireOnce(t *testing.T) {
	c := beseda.NewSLAClock(policy(10, 0, 100), always, t0)
	wantAt(t, "first action", c.NextAt, t0.Add(8*time.Minute))
	if got := c.Due(always, t0.Add(7*time.Minute)); len(got) != 0 {
		t.Fatalf("before the warning: %v", got)
	}
	if got := c.Due(always, t0.Add(8*time.Minute)); !reflect.DeepEqual(got, []beseda.SLAAlert{{Target: beseda.SLAFirstResponse}}) {
		t.Fatalf("at 80 %%: %v", got)
	}
	if got := c.Due(always, t0.Add(9*time.Minute)); len(got) != 0 {
		t.Fatalf("the warning fired again: %v", got)
	}
	wantAt(t, "next action", c.NextAt, t0.Add(10*time.Minute))
	if got := c.Due(always, t0.Add(90*time.Minute)); !reflect.DeepEqual(got, []beseda.SLAAlert{
		{Target: beseda.SLAFirstResponse, Breach: true}, {Target: beseda.SLAResolution}}) {
		t.Fatalf("later: %v", got)
	}
	if got := c.Due(always, t0.Add(200*time.Minute)); !reflect.DeepEqual(got, []beseda.SLAAlert{{Target: beseda.SLAResolution, Breach: true}}) {
		t.Fatalf("at the resolution target: %v", got)
	}
	if got := c.Due(always, t0.Add(300*time.Minute)); len(got) != 0 || c.NextAt != nil {
		t.Fatalf("after every breach: %v, next at %v", got, c.NextAt)
	}
	if got := c.BreachedTargets(); len(got) != 2 {
		t.Errorf("breached %v", got)
	}
}

// TestT5_InvalidPolicies: what a policy refuses.
func TestT5_InvalidPolicies(t *testing.T) {
	for name, p := range map[string]beseda.SLAPolicy{
		"no name":     {FirstResponseMinutes: 5},
		"no target":   {Name: "P"},
		"negative":    {Name: "P", FirstResponseMinutes: -1},
		"warn 100":    {Name: "P", FirstResponseMinutes: 5, WarnPercent: 100},
		"over a year": {Name: "P", ResolutionMinutes: beseda.MaxSLAMinutes + 1},
	} {
		if err := p.Validate(); beseda.ErrorCode(err) != beseda.EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
}
