package beseda

import "time"

// SendWindow is when a platform lets a business write to a client, counted
// from the client's last message: anyone may within Standard; after that a
// human agent only (a manager's message, tagged as such) within Human; then
// nobody until the client writes again. The zero window is always open.
// Each channel type says its own (ChannelType.Window), such as 24 hours, and
// 7 days for human agents; the web chat's, and some platforms', is the zero
// window.
type SendWindow struct {
	Standard time.Duration
	Human    time.Duration
}

// SendMode is how a message may go to a client now.
type SendMode int

const (
	SendStandard   SendMode = iota // no window, or within it: as usual
	SendHumanAgent                 // a manager after the window: tagged as a human agent
	SendClosed                     // not allowed: fail with OutsideWindow
)

// OutsideWindow is the reason on a message the platform's window did not
// allow; the console explains it.
const OutsideWindow = "outside_messaging_window"

// ChannelDisabled is the reason on a message not sent because its channel is
// switched off.
const ChannelDisabled = "channel_disabled"

// Open reports whether the window is a window at all.
func (w SendWindow) Open() bool { return w.Standard == 0 }

// Mode decides how a message of the source may be sent, given when the
// client last wrote. Only managers are human agents: automation and the
// product's own messages (the rating form) are never tagged.
func (w SendWindow) Mode(source Source, lastInbound *time.Time, now time.Time) SendMode {
	if w.Open() {
		return SendStandard
	}
	if lastInbound == nil {
		return SendClosed
	}
	age := now.Sub(*lastInbound)
	switch {
	case age <= w.Standard:
		return SendStandard
	case age <= w.Human && source == SourceManager:
		return SendHumanAgent
	}
	return SendClosed
}

// Prepare applies the window to a delivery just before it is sent: outside
// it a manager's message goes as a human agent's where the platform allows
// that; a message template goes at any time (the platform approved it for
// that); a message with a fallback template goes as the template, rendered
// (the message is changed so); anything else fails for good, visibly.
func (w SendWindow) Prepare(d *Delivery, now time.Time) error {
	switch w.Mode(d.Message.Source, d.Subscriber.LastInboundAt, now) {
	case SendClosed:
		m := d.Message
		switch {
		case m.Template != nil:
		case m.Fallback != nil:
			ref := *m.Fallback
			m.Text, ref.Text = ref.Text, ""
			m.Template = &ref
			d.UsedFallback = true
		default:
			return &SendError{Reason: OutsideWindow, Permanent: true}
		}
	case SendHumanAgent:
		d.HumanAgent = true
	}
	return nil
}

// WindowState is a client's window now, as a composer shows it before
// anyone writes: Open while anyone may write (until ClosesAt, nil when the
// client never wrote); after that, until HumanUntil, a manager's message
// still goes (as a human agent's, where the platform has that); then only
// a message template does.
type WindowState struct {
	Open       bool       `json:"open"`
	ClosesAt   *time.Time `json:"closes_at"`
	HumanUntil *time.Time `json:"human_until"`
	// At is the moment the state describes.
	At time.Time `json:"-"`
}

// State is the window of a client who last wrote at lastInbound, now; nil
// for a platform without one.
func (w SendWindow) State(lastInbound *time.Time, now time.Time) *WindowState {
	if w.Open() {
		return nil
	}
	st := &WindowState{At: now}
	if lastInbound == nil {
		return st
	}
	closes := lastInbound.Add(w.Standard)
	st.ClosesAt, st.Open = &closes, !now.After(closes)
	if w.Human > w.Standard {
		human := lastInbound.Add(w.Human)
		st.HumanUntil = &human
	}
	return st
}

// ManagerMayWrite reports whether a manager's free text goes: within the
// window, or as a human agent's after it.
func (s *WindowState) ManagerMayWrite() bool {
	return s == nil || s.Open || (s.HumanUntil != nil && !s.At.After(*s.HumanUntil))
}

// Left is how long the window stays open (0 when closed).
func (s *WindowState) Left() time.Duration {
	if s == nil || !s.Open || s.ClosesAt == nil {
		return 0
	}
	return s.ClosesAt.Sub(s.At)
}
