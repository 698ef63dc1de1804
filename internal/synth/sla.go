package synth

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/store"
)

// SLASetup gives Generate's dialogs SLA clocks (rules T1–T5): the
// workspace's business hours and its policies, as PrepareSLA stored them.
type SLASetup struct {
	Hours    *beseda.BusinessHours
	Policies []*beseda.SLAPolicy // the default (TypeID nil) and per type
}

// PrepareSLA gives the owner's workspace business hours (two periods on
// weekdays, a short Saturday, yearly holidays, a time zone with daylight
// saving) and SLA policies (a default, and a slower one for the second
// dialog type), through the use cases, and sets spec.SLA so that Generate
// gives every dialog a clock.
func PrepareSLA(ctx context.Context, a *app.App, owner *beseda.User, spec *Spec) error {
	hours := beseda.BusinessHours{TimeZone: "Europe/Berlin",
		Holidays: []beseda.Holiday{{Date: "2026-01-01", Yearly: true}, {Date: "2026-05-01", Yearly: true},
			{Date: "2026-12-25", Yearly: true}, {Date: "2026-12-26", Yearly: true}}}
	for wd := 1; wd <= 5; wd++ {
		hours.Periods = append(hours.Periods, beseda.Period{Weekday: wd, Start: "09:00", End: "13:00"},
			beseda.Period{Weekday: wd, Start: "14:00", End: "19:00"})
	}
	hours.Periods = append(hours.Periods, beseda.Period{Weekday: 6, Start: "10:00", End: "16:00"})
	saved, err := a.SLA.UpdateBusinessHours(ctx, owner, hours)
	if err != nil {
		return fmt.Errorf("synth business hours: %w", err)
	}
	setup := &SLASetup{Hours: saved}
	intp := func(v int) *int { return &v }
	str := func(v string) *string { return &v }
	policies := []app.SLAPolicyUpdate{{Name: str("Standard"), FirstResponseMinutes: intp(30), NextResponseMinutes: intp(60),
		ResolutionMinutes: intp(480)}}
	if len(spec.TypeIDs) > 1 {
		policies = append(policies, app.SLAPolicyUpdate{Name: str("Slow lane"), SetType: true, TypeID: &spec.TypeIDs[1],
			FirstResponseMinutes: intp(120), NextResponseMinutes: intp(240), ResolutionMinutes: intp(1440)})
	}
	for _, in := range policies {
		p, err := a.SLA.CreateSLAPolicy(ctx, owner, in)
		if err != nil {
			return fmt.Errorf("synth sla policy: %w", err)
		}
		setup.Policies = append(setup.Policies, p)
	}
	spec.SLA = setup
	return nil
}

// slaPlayer plays each dialog's SLA clock through a life like a support
// team's, with the domain's own clock (so the stored figures are the ones the
// product would have stored): a first response after some working time
// (most within the target, some late, some never), for some a client's
// follow-up and its answer, for some a pause of real time, then completion;
// and at the end of the period the sweep's view of what fell due. It draws
// from a random source of its own, so the dialogs' other fields stay what
// they are without an SLA.
type slaPlayer struct {
	rng      *rand.Rand
	schedule *beseda.Schedule
	policy   map[int64]*beseda.SLAPolicy // by type; 0: the default
	end      time.Time
}

func newSLAPlayer(setup *SLASetup, seed uint64, end time.Time) (*slaPlayer, error) {
	s, err := setup.Hours.Schedule()
	if err != nil {
		return nil, err
	}
	p := &slaPlayer{rng: rand.New(rand.NewPCG(seed^0x51a, seed)), schedule: s, policy: map[int64]*beseda.SLAPolicy{}, end: end}
	for _, pol := range setup.Policies {
		if pol.TypeID == nil {
			p.policy[0] = pol
		} else {
			p.policy[*pol.TypeID] = pol
		}
	}
	return p, nil
}

// work draws minutes of working time: mostly short, with a long tail.
func (p *slaPlayer) work(short, long int) time.Duration {
	n := 1 + p.rng.IntN(short)
	if p.rng.IntN(5) == 0 {
		n += p.rng.IntN(long)
	}
	return time.Duration(n) * time.Minute
}

// play returns the clock of dialog r (nil when its type has no policy and
// there is no default); for a completed dialog it sets r.completed to when
// the clock says it was completed.
func (p *slaPlayer) play(r *dialogRow) *beseda.SLAClock {
	pol := p.policy[r.typ]
	if pol == nil {
		pol = p.policy[0]
	}
	if pol == nil {
		return nil
	}
	s := p.schedule
	created := time.UnixMilli(r.created).UTC()
	c := beseda.NewSLAClock(pol, s, created)
	t := created
	// What has not happened by the end of the period does not happen to a
	// dialog still open; a completed one was completed (the dialog row says so).
	happened := func(at time.Time) bool { return r.status == "completed" || !at.After(p.end) }
	// The first response: 95 % of completed dialogs, 70 % of the others.
	replied := p.rng.IntN(100) < 95
	if r.status != "completed" {
		replied = p.rng.IntN(100) < 70
	}
	if at := s.Add(t, p.work(20, 240)); replied && happened(at) {
		t = at
		c.ManagerReplied(s, t)
		if p.rng.IntN(10) < 3 { // a follow-up from the client, and its answer
			wrote := t.Add(time.Duration(5+p.rng.IntN(120)) * time.Minute)
			if answered := s.Add(wrote, p.work(30, 300)); happened(answered) {
				c.ClientWrote(s, wrote)
				t = answered
				c.ManagerReplied(s, t)
			}
		}
	}
	switch r.status {
	case "completed":
		if p.rng.IntN(100) < 15 { // paused for a while (waiting for the client), then resumed
			t = s.Add(t, p.work(30, 60))
			c.Pause(s, t)
			t = t.Add(time.Duration(30+p.rng.IntN(72*60)) * time.Minute)
			c.Resume(s, t)
		}
		t = s.Add(t, p.work(60, 900))
		c.Complete(s, t)
		r.completed = t.UnixMilli()
	case "paused":
		if at := s.Add(t, p.work(30, 60)); happened(at) {
			c.Pause(s, at)
		} else {
			c.Pause(s, p.end)
		}
		c.Due(s, p.end)
	default:
		c.Due(s, p.end)
	}
	return c
}

// insertSLA stores the clocks of rows, the dialogs from id first on, with
// the columns store.Tx.SaveDialogSLA writes beside the clock.
func insertSLA(ctx context.Context, tx *store.Tx, workspaceID, first int64, rows []dialogRow) error {
	var args []any
	for i, r := range rows {
		c := r.sla
		if c == nil {
			continue
		}
		raw, err := beseda.EncodeSLAClock(c)
		if err != nil {
			return err
		}
		var firstMS, resolvedMS any
		if c.FirstResponseWorked != nil {
			firstMS = c.FirstResponseWorked.Milliseconds()
		}
		if c.ResolvedWorked != nil {
			resolvedMS = c.ResolvedWorked.Milliseconds()
		}
		args = append(args, first+int64(i), workspaceID, raw, msOrNil(c.NextAt), firstMS, resolvedMS, int(c.Missed),
			msOrNil(c.View().NextDueAt()))
	}
	if len(args) == 0 {
		return nil
	}
	return tx.Exec(ctx, `INSERT INTO dialog_sla (dialog_id, workspace_id, clock, next_at, first_response_ms, resolution_ms,
		missed, due_at) VALUES `+tx.Values(len(args)/8, 8), args...)
}

func msOrNil(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMilli()
}
