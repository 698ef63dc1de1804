package outbox

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/beseda/beseda"
)

var (
	errLost    = errors.New("delivery lease lost")
	errStopped = errors.New("delivery engine stopping")
)

// Run delivers a channel's pending messages for up to the engine's budget, as
// the holder of its lease. more=false means nothing is left for this run:
// the queue is empty, or another deliverer has the channel. Otherwise the
// caller runs it again after wait.
func (e *Engine[T]) Run(ctx context.Context, channelID int64) (more bool, wait time.Duration, err error) {
	more, at, err := e.runUntil(ctx, channelID)
	if !at.IsZero() {
		wait = max(at.Sub(e.clock.Now()), 0)
	}
	return more, wait, err
}

// runUntil is Run with the moment to run again (zero: at once). A moment,
// not a wait: the clock may move between the run's look at it and the
// caller's, and a wait added to the later time would miss the moment the
// run named (a retry's back-off, D2).
func (e *Engine[T]) runUntil(ctx context.Context, channelID int64) (bool, time.Time, error) {
	more, at, err := e.run(ctx, channelID)
	if more && e.stopped() {
		at = e.clock.Now().Add(maxWait) // in another process, or after the restart
	}
	return more, at, err
}

func (e *Engine[T]) run(ctx context.Context, channelID int64) (bool, time.Time, error) {
	if e.stopped() {
		return true, time.Time{}, nil
	}
	s := e.claimSlot(channelID)
	if s == nil {
		return false, time.Time{}, nil // another run of this process is at it
	}
	defer e.freeSlot(channelID, s)
	ch, err := e.db.FindChannel(ctx, channelID)
	if err != nil {
		return false, time.Time{}, fmt.Errorf("deliver: %w", err)
	}
	t := e.cfg.Channels.Of(ch.Kind)
	r := &run[T]{e: e, ch: ch, slot: s, sender: t.Sender(), window: t.Window(), pacer: e.pacer(ch)}
	r.deadline = e.clock.Now().Add(e.cfg.Budget)
	defer r.release(ctx)
	return r.work(ctx)
}

// run is one Run of a channel.
type run[T Tx] struct {
	e        *Engine[T]
	ch       *beseda.Channel
	slot     *slot
	sender   beseda.Sender // nil: the channel has no remote side
	window   beseda.SendWindow
	pacer    *pacer
	lease    *beseda.Lease
	renewed  time.Time
	deadline time.Time
}

// pass is what one look at the queue found.
type pass struct {
	progressed bool      // a message moved
	idle       bool      // nothing is pending
	next       time.Time // else when something may move (zero: unknown)
}

func (p *pass) later(t time.Time) {
	if p.next.IsZero() || t.Before(p.next) {
		p.next = t
	}
}

func (r *run[T]) work(ctx context.Context) (bool, time.Time, error) {
	if err := r.acquire(ctx); err != nil || r.lease == nil {
		return false, time.Time{}, err
	}
	for {
		now := r.e.clock.Now()
		if r.e.stopped() {
			return true, time.Time{}, nil
		}
		if !now.Before(r.deadline) {
			return true, time.Time{}, nil
		}
		r.e.mu.Lock()
		r.slot.woken = false
		r.e.mu.Unlock()
		var p pass
		err := r.keep(ctx)
		if err == nil {
			if r.sender == nil {
				p, err = r.showPass(ctx)
			} else {
				p, err = r.sendPass(ctx)
			}
		}
		switch {
		case errors.Is(err, errLost):
			return false, time.Time{}, nil // its new holder carries on; the release gives up what is left of it
		case errors.Is(err, errStopped) || (err != nil && ctx.Err() != nil):
			return true, time.Time{}, nil // to be run again
		case err != nil:
			return false, time.Time{}, err
		case p.progressed:
			continue
		case p.idle:
			done, err := r.finish(ctx)
			if done || err != nil {
				return false, time.Time{}, err
			}
			continue
		}
		next := p.next
		if next.IsZero() || next.After(now.Add(maxWait)) {
			next = now.Add(maxWait)
		}
		if next.After(r.deadline) {
			return true, next, nil
		}
		if err := r.wait(ctx, next, true); err != nil {
			return !errors.Is(err, errLost), time.Time{}, nil
		}
	}
}

// acquire takes the channel's lease, and puts back in the queue what a
// previous holder left in flight (it died mid-send): such a send is recorded
// as sent when the platform reports it took it (ConfirmWait), else sent
// again, so that no message is lost (D3).
func (r *run[T]) acquire(ctx context.Context) error {
	now := r.e.clock.Now()
	holder := fmt.Sprintf("%s/%d", r.e.instance, r.e.runs.Add(1))
	lease, err := r.e.leases.Acquire(ctx, r.ch.ID, holder, now, now.Add(LeaseTTL))
	if err != nil || lease == nil {
		return err
	}
	r.lease, r.renewed = lease, now
	if r.sender == nil {
		return nil // nothing is ever in flight to a web chat
	}
	wait := r.e.cfg.Channels.ConfirmWait(r.ch.Kind)
	return r.e.db.Update(ctx, func(tx T) error {
		msgs, err := tx.ResumeInFlight(ctx, r.ch.ID, wait)
		if err == nil && len(msgs) > 0 {
			r.e.log.Warn("sends cut off by a stop resumed", "channel", r.ch.ID, "count", len(msgs),
				"wait_for_platform", wait)
		}
		return err
	})
}

// release gives the lease up. After a loss it gives up what is left: on
// PostgreSQL the lock, when the session that took it is still there.
func (r *run[T]) release(ctx context.Context) {
	if r.lease == nil {
		return
	}
	if err := r.e.leases.Release(context.WithoutCancel(ctx), r.lease); err != nil {
		r.e.log.Warn("delivery lease not released", "channel", r.ch.ID, "err", err)
	}
	r.lease = nil
}

// keep renews the lease when it is due; errLost if it is gone.
func (r *run[T]) keep(ctx context.Context) error {
	now := r.e.clock.Now()
	if now.Before(r.renewed.Add(renewEvery)) {
		return nil
	}
	ok, err := r.e.leases.Renew(ctx, r.lease, now.Add(LeaseTTL))
	if err != nil {
		r.e.log.Warn("delivery lease not renewed", "channel", r.ch.ID, "err", err)
	}
	if !ok {
		return errLost
	}
	r.renewed = now
	return nil
}

// wait waits until the moment, in slices of at most maxWait with the lease
// renewed between them. A wakeable wait also ends when a producer wakes the
// channel, and after one slice, so that the caller looks at the queue again.
func (r *run[T]) wait(ctx context.Context, until time.Time, wakeable bool) error {
	for {
		now := r.e.clock.Now()
		if !until.After(now) {
			return nil
		}
		var wake chan struct{}
		if wakeable {
			wake = r.slot.wake
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-r.e.stopping:
			return errStopped
		case <-wake:
			return r.keep(ctx)
		case <-r.e.clock.At(earliest(until, now.Add(maxWait))):
		}
		if err := r.keep(ctx); err != nil || wakeable {
			return err
		}
	}
}

// finish ends the run when nothing is pending. It gives the lease up first
// and looks again after: a producer whose deliverer could not take the lease
// because this run still held it committed before that, so its messages show
// now, and this run carries on.
func (r *run[T]) finish(ctx context.Context) (bool, error) {
	r.e.mu.Lock()
	woken := r.slot.woken
	r.e.mu.Unlock()
	if woken {
		return false, nil
	}
	r.release(ctx)
	pending, err := r.e.db.ChannelHasPending(ctx, r.ch.ID)
	if err != nil {
		return true, err
	}
	r.e.mu.Lock()
	if !pending && !r.slot.woken {
		// From here on a Wake starts a new run.
		delete(r.e.active, r.ch.ID)
		r.e.mu.Unlock()
		return true, nil
	}
	r.e.mu.Unlock()
	if err := r.acquire(ctx); err != nil || r.lease == nil {
		return true, err
	}
	return false, nil
}

// showPass delivers the oldest pending messages of a channel with no remote
// side, as many as its pace allows now.
func (r *run[T]) showPass(ctx context.Context) (pass, error) {
	now := r.e.clock.Now()
	n := r.pacer.take(now, webBatch)
	if n == 0 {
		return pass{next: r.pacer.ready(now)}, nil
	}
	msgs, err := r.e.db.PendingMessages(ctx, r.ch.ID, n)
	r.pacer.refund(n - len(msgs))
	if err != nil || len(msgs) == 0 {
		return pass{idle: true}, err
	}
	err = r.e.db.Update(ctx, func(tx T) error {
		if err := r.holds(ctx, tx); err != nil {
			return err
		}
		return r.e.out.show(ctx, tx, r.ch, msgs)
	})
	return pass{progressed: true}, err
}

// sendPass sends, for every chat, its oldest pending message, when the chat's
// and the channel's pace allow. A chat whose head waits (pacing, a retry)
// keeps its later messages back, while other chats go on.
func (r *run[T]) sendPass(ctx context.Context) (pass, error) {
	// The channel as it is now: switched off or given a new token meanwhile,
	// its next message knows.
	ch, err := r.e.db.FindChannel(ctx, r.ch.ID)
	if err != nil {
		return pass{}, err
	}
	r.ch = ch
	heads, err := r.e.db.NextPendingPerSubscriber(ctx, r.ch.ID, headsPerPass)
	if err != nil || len(heads) == 0 {
		return pass{idle: true}, err
	}
	var p pass
	for _, m := range heads {
		now := r.e.clock.Now()
		if r.e.stopped() || !now.Before(r.deadline) {
			p.progressed = true // the caller stops
			return p, nil
		}
		if m.NextAttemptAt != nil && m.NextAttemptAt.After(now) {
			p.later(*m.NextAttemptAt)
			continue
		}
		if t := r.pacer.chatReady(m.SubscriberID); t.After(now) {
			p.later(t)
			continue
		}
		for t := r.pacer.ready(now); t.After(now); t = r.pacer.ready(now) {
			if t.After(now.Add(maxWait)) || t.After(r.deadline) {
				// A long pause (a rate limit): the caller waits, within its
				// budget, and looks at the queue again.
				p.later(t)
				return p, nil
			}
			// The next token, usually a few milliseconds away.
			if err := r.wait(ctx, t, false); err != nil {
				return p, err
			}
			now = r.e.clock.Now()
		}
		if err := r.keep(ctx); err != nil {
			return p, err
		}
		if err := r.sendOne(ctx, m); err != nil {
			return p, err
		}
		p.progressed = true
	}
	return p, nil
}

// holds checks, in a transaction that moves messages, that the lease is still
// this run's.
func (r *run[T]) holds(ctx context.Context, tx T) error {
	ok, err := tx.HoldsLease(ctx, r.lease, r.e.clock.Now())
	if err == nil && !ok {
		err = errLost
	}
	return err
}

// sendOne claims a message, sends it and records the outcome.
func (r *run[T]) sendOne(ctx context.Context, m *beseda.Message) error {
	now := r.e.clock.Now()
	var sub *beseda.Subscriber
	claimed := false
	err := r.e.db.Update(ctx, func(tx T) error {
		sub, claimed = nil, false
		if err := r.holds(ctx, tx); err != nil {
			return err
		}
		var err error
		if sub, err = r.e.out.admit(ctx, tx, m); err != nil || sub == nil {
			return err
		}
		claimed, err = tx.ClaimMessage(ctx, m.ID, now)
		return err
	})
	if err != nil || !claimed {
		return err
	}
	r.pacer.sent(now, m.SubscriberID)
	d := beseda.Delivery{Channel: r.ch, Subscriber: sub, Message: m, Files: r.e.cfg.Files}
	var externalID string
	var sendErr error
	if !r.ch.Enabled {
		sendErr = &beseda.SendError{Reason: beseda.ChannelDisabled, Permanent: true}
	} else {
		sendErr = r.window.Prepare(&d, now)
	}
	if sendErr == nil {
		externalID, sendErr = r.sender.Send(ctx, d)
	}
	o := r.outcome(m, externalID, sendErr)
	o.At = now // a message was sent when it was handed over
	// The outcome is recorded whatever happens to the run meanwhile: the
	// send took place.
	ctx = context.WithoutCancel(ctx)
	return r.e.db.Update(ctx, func(tx T) error { return r.e.out.record(ctx, tx, m, o) })
}

// outcome applies the retry policy to a send's result.
func (r *run[T]) outcome(m *beseda.Message, externalID string, err error) Outcome {
	now := r.e.clock.Now()
	if err == nil {
		return Outcome{Status: beseda.MessageSent, ExternalID: externalID, Attempts: m.Attempts}
	}
	var se *beseda.SendError
	if !errors.As(err, &se) {
		se = &beseda.SendError{Reason: "delivery error", Err: err, PartsSent: m.PartsSent}
	}
	r.e.log.Warn("send failed", "workspace", m.WorkspaceID, "channel", r.ch.ID, "message", m.ID,
		"reason", se.Reason, "permanent", se.Permanent, "err", se.Err)
	switch {
	case se.Permanent:
		return Outcome{Status: beseda.MessageFailed, Reason: se.Reason, Attempts: m.Attempts + 1}
	case se.RetryAfter > 0:
		// A rate limit pauses the whole channel; it is not the message's fault.
		r.pacer.pause(now.Add(se.RetryAfter))
		return Outcome{Status: beseda.MessagePending, Reason: se.Reason, Attempts: m.Attempts,
			NextAttempt: now.Add(se.RetryAfter), PartsSent: max(se.PartsSent, m.PartsSent)}
	case m.Attempts+1 >= maxAttempts:
		return Outcome{Status: beseda.MessageFailed, Attempts: m.Attempts + 1,
			Reason: fmt.Sprintf("gave up after %d attempts: %s", maxAttempts, se.Reason)}
	}
	return Outcome{Status: beseda.MessagePending, Reason: se.Reason, Attempts: m.Attempts + 1,
		NextAttempt: now.Add(backoff(m.Attempts + 1)), PartsSent: max(se.PartsSent, m.PartsSent)}
}

func earliest(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// backoff is the wait before attempt n+1: exponential with jitter, capped.
func backoff(n int) time.Duration {
	d := min(time.Duration(1<<min(n, 20))*time.Second, maxBackoff)
	return d/2 + rand.N(d/2+1)
}
