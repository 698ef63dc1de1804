package beseda

import (
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"
)

// SLAPolicy sets a dialog type's targets (TypeID nil: the workspace's
// default, for types without one of their own), in minutes of working time
// (T1); 0 means no target of that kind. WarnPercent is how much of a target
// may pass before its managers are warned.
type SLAPolicy struct {
	ID                   int64     `json:"id"`
	Name                 string    `json:"name"`
	TypeID               *int64    `json:"type_id"`
	FirstResponseMinutes int       `json:"first_response_minutes"`
	NextResponseMinutes  int       `json:"next_response_minutes"`
	ResolutionMinutes    int       `json:"resolution_minutes"`
	WarnPercent          int       `json:"warn_percent"`
	CreatedAt            time.Time `json:"created_at"`
}

// Bounds of a policy.
const (
	MaxSLAMinutes      = 366 * 24 * 60
	DefaultWarnPercent = 80
)

// ESLAPOLICYEXISTS: a type (or the default) has a policy already.
const ESLAPOLICYEXISTS = "sla_policy_exists"

// Validate normalises the policy and reports what is wrong with it.
func (p *SLAPolicy) Validate() error {
	p.Name = strings.TrimSpace(p.Name)
	if n := utf8.RuneCountInString(p.Name); n == 0 || n > MaxCatalogNameLength {
		return Errorf(EINVALID, "name must be 1 to %d characters", MaxCatalogNameLength)
	}
	for _, m := range []int{p.FirstResponseMinutes, p.NextResponseMinutes, p.ResolutionMinutes} {
		if m < 0 || m > MaxSLAMinutes {
			return Errorf(EINVALID, "targets must be 0 to %d minutes", MaxSLAMinutes)
		}
	}
	if p.FirstResponseMinutes == 0 && p.NextResponseMinutes == 0 && p.ResolutionMinutes == 0 {
		return Errorf(EINVALID, "a policy needs at least one target")
	}
	if p.WarnPercent == 0 {
		p.WarnPercent = DefaultWarnPercent
	}
	if p.WarnPercent < 1 || p.WarnPercent > 99 {
		return Errorf(EINVALID, "warn_percent must be 1 to 99")
	}
	return nil
}

// SLATarget is one of a dialog's targets.
type SLATarget string

const (
	SLAFirstResponse SLATarget = "first_response"
	SLANextResponse  SLATarget = "next_response"
	SLAResolution    SLATarget = "resolution"
)

// SLATargets are the targets in the order they are shown.
var SLATargets = []SLATarget{SLAFirstResponse, SLANextResponse, SLAResolution}

func (t SLATarget) bit() uint8 {
	switch t {
	case SLAFirstResponse:
		return 1
	case SLANextResponse:
		return 2
	}
	return 4
}

// SLAClock is a dialog's SLA clock (T2–T5): the targets of the policy it
// got when it was created, and how much working time has passed while it
// was active. Worked time W is the dialog's own clock: it runs only while
// the dialog is active and within business hours, so every target is a
// point on it — first response at FirstResponse, the next response at the
// W of the unanswered client message plus NextResponse, resolution at
// Resolution — and its due instant follows from the schedule while the
// dialog is active. Its methods change it as things happen and say which
// warnings and breaches are due; the store keeps it as a whole.
type SLAClock struct {
	PolicyID      int64         `json:"policy_id"`
	FirstResponse time.Duration `json:"first"` // 0: no target
	NextResponse  time.Duration `json:"next"`
	Resolution    time.Duration `json:"resolution"`
	WarnPercent   int           `json:"warn"`

	Worked      time.Duration `json:"worked"`       // W at ActiveSince, or when it stopped
	ActiveSince *time.Time    `json:"active_since"` // nil: the clock is stopped
	PausedAt    *time.Time    `json:"paused_at"`
	Paused      time.Duration `json:"paused"` // real time spent paused

	FirstResponseAt     *time.Time     `json:"first_response_at"`
	FirstResponseWorked *time.Duration `json:"first_response_worked"`
	NextMark            *time.Duration `json:"next_mark"` // W of the unanswered client message
	ResolvedWorked      *time.Duration `json:"resolved_worked"`

	Warned   uint8 `json:"warned"`   // warnings fired in the current cycle of each target
	Breached uint8 `json:"breached"` // breaches fired in the current cycle
	Missed   uint8 `json:"missed"`   // targets ever missed, for the record

	// Due instants while the clock runs (nil when stopped or met), and the
	// next instant at which a warning or breach falls due (the sweep's
	// index).
	FirstDue      *time.Time `json:"first_due"`
	NextDue       *time.Time `json:"next_due"`
	ResolutionDue *time.Time `json:"resolution_due"`
	NextAt        *time.Time `json:"next_at"`
}

// NewSLAClock starts the clock of a dialog created at `at` under policy p.
func NewSLAClock(p *SLAPolicy, s *Schedule, at time.Time) *SLAClock {
	c := &SLAClock{PolicyID: p.ID, FirstResponse: time.Duration(p.FirstResponseMinutes) * time.Minute,
		NextResponse: time.Duration(p.NextResponseMinutes) * time.Minute,
		Resolution:   time.Duration(p.ResolutionMinutes) * time.Minute, WarnPercent: p.WarnPercent}
	c.ActiveSince = &at
	c.refresh(s)
	return c
}

// worked is W at now.
func (c *SLAClock) worked(s *Schedule, now time.Time) time.Duration {
	if c.ActiveSince == nil {
		return c.Worked
	}
	return c.Worked + s.Between(*c.ActiveSince, now)
}

// restart moves the running clock's start to now, so that later changes of
// the business hours count from here.
func (c *SLAClock) restart(s *Schedule, now time.Time) {
	if c.ActiveSince != nil && now.After(*c.ActiveSince) {
		c.Worked = c.worked(s, now)
		c.ActiveSince = &now
	}
}

// Pause stops the clock (T2).
func (c *SLAClock) Pause(s *Schedule, now time.Time) {
	if c.ActiveSince == nil {
		return
	}
	c.Worked, c.ActiveSince, c.PausedAt = c.worked(s, now), nil, &now
	c.refresh(s)
}

// Resume starts the stopped clock again (T2).
func (c *SLAClock) Resume(s *Schedule, now time.Time) {
	if c.ResolvedWorked != nil || c.ActiveSince != nil {
		return
	}
	if c.PausedAt != nil {
		c.Paused += now.Sub(*c.PausedAt)
		c.PausedAt = nil
	}
	c.ActiveSince = &now
	c.refresh(s)
}

// Complete ends the clock: the resolution is met, and an unmet first or next
// response can no longer be (T4).
func (c *SLAClock) Complete(s *Schedule, now time.Time) {
	if c.ResolvedWorked != nil {
		return
	}
	if c.PausedAt != nil {
		c.Paused += now.Sub(*c.PausedAt)
		c.PausedAt = nil
	}
	w := c.worked(s, now)
	c.Worked, c.ActiveSince, c.ResolvedWorked = w, nil, &w
	if c.Resolution > 0 && w > c.Resolution {
		c.Missed |= SLAResolution.bit()
	}
	c.NextMark = nil
	c.refresh(s)
}

// ManagerReplied records a manager's message to the client in the dialog:
// the first one is the first response, and any answers the client's
// unanswered message (T3).
func (c *SLAClock) ManagerReplied(s *Schedule, now time.Time) bool {
	w := c.worked(s, now)
	changed := false
	if c.FirstResponseAt == nil {
		c.FirstResponseAt, c.FirstResponseWorked = &now, &w
		if c.FirstResponse > 0 && w > c.FirstResponse {
			c.Missed |= SLAFirstResponse.bit()
		}
		changed = true
	}
	if c.NextMark != nil {
		if w-*c.NextMark > c.NextResponse {
			c.Missed |= SLANextResponse.bit()
		}
		c.NextMark = nil
		c.Warned &^= SLANextResponse.bit()
		c.Breached &^= SLANextResponse.bit()
		changed = true
	}
	if changed {
		c.restart(s, now)
		c.refresh(s)
	}
	return changed
}

// ClientWrote records a client's message in the dialog: after the first
// response, the first message that nobody has answered yet starts the
// next-response target (T3).
func (c *SLAClock) ClientWrote(s *Schedule, now time.Time) bool {
	if c.NextResponse == 0 || c.FirstResponseAt == nil || c.NextMark != nil || c.ResolvedWorked != nil {
		return false
	}
	w := c.worked(s, now)
	c.NextMark = &w
	c.restart(s, now)
	c.refresh(s)
	return true
}

// point is a target's position on W, and whether it is pending.
func (c *SLAClock) point(t SLATarget) (time.Duration, bool) {
	switch t {
	case SLAFirstResponse:
		return c.FirstResponse, c.FirstResponse > 0 && c.FirstResponseAt == nil && c.ResolvedWorked == nil
	case SLANextResponse:
		if c.NextMark == nil || c.NextResponse == 0 {
			return 0, false
		}
		return *c.NextMark + c.NextResponse, c.ResolvedWorked == nil
	}
	return c.Resolution, c.Resolution > 0 && c.ResolvedWorked == nil
}

// warnPoint is where on W a target's warning falls.
func (c *SLAClock) warnPoint(t SLATarget) time.Duration {
	end, _ := c.point(t)
	var length time.Duration
	switch t {
	case SLAFirstResponse:
		length = c.FirstResponse
	case SLANextResponse:
		length = c.NextResponse
	default:
		length = c.Resolution
	}
	return end - length + length*time.Duration(c.WarnPercent)/100
}

// at is the instant the running clock reaches w (nil when it is stopped,
// or when the schedule has no working time left).
func (c *SLAClock) at(s *Schedule, w time.Duration) *time.Time {
	if c.ActiveSince == nil {
		return nil
	}
	t := s.Add(*c.ActiveSince, w-c.Worked)
	if t.IsZero() {
		return nil
	}
	return &t
}

// refresh computes the due instants and the next one to act on.
func (c *SLAClock) refresh(s *Schedule) {
	dues := [3]*time.Time{}
	c.NextAt = nil
	for i, t := range SLATargets {
		end, pending := c.point(t)
		if !pending {
			continue
		}
		dues[i] = c.at(s, end)
		next := dues[i]
		if c.Breached&t.bit() != 0 {
			next = nil
		} else if c.Warned&t.bit() == 0 {
			next = c.at(s, c.warnPoint(t))
		}
		if next != nil && (c.NextAt == nil || next.Before(*c.NextAt)) {
			c.NextAt = next
		}
	}
	c.FirstDue, c.NextDue, c.ResolutionDue = dues[0], dues[1], dues[2]
}

// SLAAlert is a warning or breach that fell due.
type SLAAlert struct {
	Target SLATarget
	Breach bool // else a warning
}

// Due returns the warnings and breaches due at now that have not been
// fired, and records them as fired (T5): a breach due at once with its
// warning fires alone.
func (c *SLAClock) Due(s *Schedule, now time.Time) []SLAAlert {
	var out []SLAAlert
	w := c.worked(s, now)
	for _, t := range SLATargets {
		end, pending := c.point(t)
		if !pending || c.Breached&t.bit() != 0 {
			continue
		}
		switch {
		case w >= end:
			c.Breached |= t.bit()
			c.Warned |= t.bit()
			c.Missed |= t.bit()
			out = append(out, SLAAlert{Target: t, Breach: true})
		case c.Warned&t.bit() == 0 && w >= c.warnPoint(t):
			c.Warned |= t.bit()
			out = append(out, SLAAlert{Target: t})
		}
	}
	c.restart(s, now)
	c.refresh(s)
	return out
}

// Reschedule recomputes the due instants after the business hours changed.
func (c *SLAClock) Reschedule(s *Schedule) { c.refresh(s) }

// BreachedTargets lists the targets missed so far.
func (c *SLAClock) BreachedTargets() []SLATarget {
	out := []SLATarget{}
	for _, t := range SLATargets {
		if c.Missed&t.bit() != 0 {
			out = append(out, t)
		}
	}
	return out
}

// DialogSLA is a dialog's SLA as the API shows it.
type DialogSLA struct {
	PolicyID             int64       `json:"policy_id"`
	FirstResponseDueAt   *time.Time  `json:"first_response_due_at"`
	NextResponseDueAt    *time.Time  `json:"next_response_due_at"`
	ResolutionDueAt      *time.Time  `json:"resolution_due_at"`
	FirstResponseAt      *time.Time  `json:"first_response_at"`
	PausedSeconds        int64       `json:"paused_seconds"`
	Breached             []SLATarget `json:"breached"`
	FirstResponseMinutes int         `json:"first_response_minutes"`
	NextResponseMinutes  int         `json:"next_response_minutes"`
	ResolutionMinutes    int         `json:"resolution_minutes"`
	// Running: the clock runs (the dialog is active); while it is stopped
	// the due instants are null.
	Running bool `json:"running"`
}

// View is the clock as the API shows it.
func (c *SLAClock) View() *DialogSLA {
	return &DialogSLA{PolicyID: c.PolicyID, FirstResponseDueAt: c.FirstDue, NextResponseDueAt: c.NextDue,
		ResolutionDueAt: c.ResolutionDue, FirstResponseAt: c.FirstResponseAt, PausedSeconds: int64(c.Paused / time.Second),
		Breached: c.BreachedTargets(), FirstResponseMinutes: int(c.FirstResponse / time.Minute),
		NextResponseMinutes: int(c.NextResponse / time.Minute), ResolutionMinutes: int(c.Resolution / time.Minute),
		Running: c.ActiveSince != nil}
}

// NextDueAt is the earliest due instant of the running clock, nil if none.
func (v *DialogSLA) NextDueAt() *time.Time {
	var out *time.Time
	for _, t := range []*time.Time{v.FirstResponseDueAt, v.NextResponseDueAt, v.ResolutionDueAt} {
		if t != nil && (out == nil || t.Before(*out)) {
			out = t
		}
	}
	return out
}

// EncodeSLAClock and DecodeSLAClock are the clock as the store keeps it.
func EncodeSLAClock(c *SLAClock) (string, error) {
	b, err := json.Marshal(c)
	return string(b), err
}

func DecodeSLAClock(s string) (*SLAClock, error) {
	var c SLAClock
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		return nil, err
	}
	return &c, nil
}
