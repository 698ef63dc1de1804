package app

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/store"
)

// Delivery: messages are persisted first (status pending) and delivered
// after, by one deliverer per channel at a time (the lease in
// delivery_queues), in id order within every chat. The message row is the
// source of truth: pending → sent, or failed with a reason.

const (
	leaseTTL       = 30 * time.Second
	maxAttempts    = 8
	webBatch       = 200
	headsPerPass   = 200
	maxBackoff     = 5 * time.Minute
	inFlightReason = "unconfirmed: the server stopped while sending; not sent again"
)

// Deliver works through a channel's queue for up to budget, as holder of its
// lease. more=false means the queue is empty and nothing is left for this
// holder; otherwise the caller runs it again after the returned wait.
func (a *App) Deliver(ctx context.Context, channelID int64, holder string, budget time.Duration) (wait time.Duration, more bool, err error) {
	acquired, previous, err := a.db.AcquireDelivery(ctx, channelID, holder, a.now(), a.now().Add(leaseTTL))
	if err != nil || !acquired {
		return 0, false, err
	}
	ch, err := a.db.FindChannel(ctx, channelID)
	if err != nil {
		return 0, false, err
	}
	sender := a.cfg.Senders[ch.Kind]
	if ch.Kind != beseda.ChannelWeb && sender == nil {
		return 0, false, fmt.Errorf("deliver: no sender for %s channels", ch.Kind)
	}
	if previous != holder && sender != nil {
		// Whoever held the lease before us stopped; a send it had in flight
		// may have reached the client, so it is failed, not repeated.
		err := a.db.Update(ctx, func(tx *store.Tx) error {
			n, err := tx.FailInFlight(ctx, ch.ID, inFlightReason)
			if n > 0 {
				a.log.Warn("in-flight messages failed after a restart", "channel", ch.ID, "count", n)
			}
			return err
		})
		if err != nil {
			return 0, false, err
		}
	}
	p := a.pacers.get(ch.ID, a.cfg.Pacing[ch.Kind])
	deadline := time.Now().Add(budget)
	for time.Now().Before(deadline) {
		if ok, err := a.db.RenewDelivery(ctx, ch.ID, holder, a.now().Add(leaseTTL)); err != nil || !ok {
			return 0, false, err // lost the lease: its new holder carries on
		}
		var progressed bool
		var next time.Duration
		if sender == nil {
			progressed, err = a.deliverWebBatch(ctx, ch, p)
		} else {
			progressed, next, err = a.deliverPaced(ctx, ch, sender, p, deadline)
		}
		if err != nil {
			return 0, true, err
		}
		if progressed {
			continue
		}
		if next == 0 {
			done, err := a.db.FinishDelivery(ctx, ch.ID, holder)
			if err != nil || done {
				return 0, false, err
			}
			continue // new messages came in while we looked
		}
		if next > time.Until(deadline) || next > time.Second {
			return min(next, time.Second), true, nil
		}
		if err := sleep(ctx, next); err != nil {
			return 0, true, nil
		}
	}
	return 0, true, nil
}

// deliverWebBatch makes the oldest pending web-chat messages visible to their
// clients, at the channel's pace. The gate is checked again under the
// clients' locks: automation queued before a dialog began is held, not shown
// during it (G1, G3).
func (a *App) deliverWebBatch(ctx context.Context, ch *beseda.Channel, p *pacer) (bool, error) {
	n := p.take(webBatch)
	msgs, err := a.db.PendingMessages(ctx, ch.ID, n)
	if err != nil || len(msgs) == 0 {
		p.refund(n)
		return false, err
	}
	p.refund(n - len(msgs))
	err = a.db.Update(ctx, func(tx *store.Tx) error {
		subs, err := tx.LockSubscribers(ctx, subscriberIDs(msgs))
		if err != nil {
			return err
		}
		byStatus := map[beseda.MessageStatus][]int64{}
		reasons := map[beseda.MessageStatus]string{}
		for _, m := range msgs {
			status, reason := beseda.Gate(m.Source, subs[m.SubscriberID].ActiveDialogID != nil)
			if status == beseda.MessagePending {
				status = beseda.MessageSent
			}
			byStatus[status] = append(byStatus[status], m.ID)
			reasons[status] = reason
		}
		for status, ids := range byStatus {
			if err := tx.SetStatus(ctx, ids, status, reasons[status], a.now()); err != nil {
				return err
			}
			if err := a.emit(ctx, tx, ch.WorkspaceID, nil, beseda.LiveMessagesUpdated, messagesUpdate{
				SubscriberIDs: subscriberIDs(msgs), IDs: ids, Status: status, Reason: reasons[status]}); err != nil {
				return err
			}
		}
		return nil
	})
	return err == nil, err
}

// deliverPaced sends through a messenger: for every chat its oldest pending
// message, when the chat's and the channel's pace allow. It returns whether a
// message moved, or else how long until one can (0: none is pending).
func (a *App) deliverPaced(ctx context.Context, ch *beseda.Channel, sender Sender, p *pacer, deadline time.Time) (bool, time.Duration, error) {
	heads, err := a.db.NextPendingPerSubscriber(ctx, ch.ID, headsPerPass)
	if err != nil || len(heads) == 0 {
		return false, 0, err
	}
	progressed := false
	soonest := time.Duration(1<<62 - 1)
	for _, m := range heads {
		if time.Now().After(deadline) {
			return true, 0, nil
		}
		if m.NextAttemptAt != nil {
			if d := m.NextAttemptAt.Sub(a.now()); d > 0 {
				soonest = min(soonest, d)
				continue
			}
		}
		if d := p.chatWait(m.SubscriberID); d > 0 {
			soonest = min(soonest, d)
			continue
		}
		if d := p.wait(); d > 0 {
			if err := sleep(ctx, d); err != nil {
				return progressed, 0, err
			}
		}
		moved, err := a.sendOne(ctx, ch, sender, p, m)
		if err != nil {
			return progressed, 0, err
		}
		progressed = progressed || moved
	}
	if progressed {
		return true, 0, nil
	}
	return false, max(soonest, time.Millisecond), nil
}

// sendOne claims one message (re-checking the gate under the client's lock),
// sends it, and records the outcome.
func (a *App) sendOne(ctx context.Context, ch *beseda.Channel, sender Sender, p *pacer, m *beseda.Message) (bool, error) {
	var sub *beseda.Subscriber
	send := false
	err := a.db.Update(ctx, func(tx *store.Tx) error {
		subs, err := tx.LockSubscribers(ctx, []int64{m.SubscriberID})
		if err != nil {
			return err
		}
		sub = subs[m.SubscriberID]
		current, err := tx.FindMessageByID(ctx, m.WorkspaceID, m.ID)
		if err != nil || current.Status != beseda.MessagePending {
			return err
		}
		status, reason := beseda.Gate(m.Source, sub.ActiveDialogID != nil)
		if status != beseda.MessagePending {
			if err := tx.SetStatus(ctx, []int64{m.ID}, status, reason, a.now()); err != nil {
				return err
			}
			return a.emitStatus(ctx, tx, m, status, reason)
		}
		send = true
		return tx.MarkSending(ctx, m.ID, a.now())
	})
	if err != nil || !send {
		return err == nil, err
	}
	p.sent(m.SubscriberID)
	d := Delivery{Channel: ch, Subscriber: sub, Message: m}
	var externalID string
	var sendErr error
	switch mode := beseda.MessengerMode(m.Source, sub.LastInboundAt, a.now()); {
	case ch.Kind == beseda.ChannelMessenger && mode == beseda.MessengerClosed:
		sendErr = &SendError{Reason: beseda.OutsideWindow, Permanent: true}
	default:
		d.HumanAgent = ch.Kind == beseda.ChannelMessenger && mode == beseda.MessengerHumanAgent
		externalID, sendErr = sender.Send(ctx, d)
	}
	return true, a.db.Update(context.WithoutCancel(ctx), func(tx *store.Tx) error {
		if sendErr == nil {
			if err := tx.MarkSent(ctx, m.ID, externalID, a.now()); err != nil {
				return err
			}
			return a.emitStatus(ctx, tx, m, beseda.MessageSent, "")
		}
		var se *SendError
		if !errors.As(sendErr, &se) {
			se = &SendError{Reason: "delivery error", Err: sendErr}
		}
		a.log.Warn("send failed", "workspace", m.WorkspaceID, "channel", ch.ID, "message", m.ID,
			"reason", se.Reason, "permanent", se.Permanent, "err", se.Err)
		fail := func(reason string) error {
			if err := tx.MarkFailed(ctx, m.ID, m.Attempts+1, reason); err != nil {
				return err
			}
			if err := a.emitStatus(ctx, tx, m, beseda.MessageFailed, reason); err != nil {
				return err
			}
			return a.ratingFormFailed(ctx, tx, m.WorkspaceID, m.ID, reason)
		}
		switch {
		case se.Permanent:
			return fail(se.Reason)
		case se.RetryAfter > 0:
			// A rate limit pauses the whole channel; it is not the message's fault.
			p.pause(se.RetryAfter)
			return tx.MarkRetry(ctx, m.ID, m.Attempts, a.now().Add(se.RetryAfter), se.Reason)
		case m.Attempts+1 >= maxAttempts:
			return fail("gave up after " + fmt.Sprint(maxAttempts) + " attempts: " + se.Reason)
		}
		return tx.MarkRetry(ctx, m.ID, m.Attempts+1, a.now().Add(backoff(m.Attempts+1)), se.Reason)
	})
}

// emitStatus tells consoles that a message's status changed.
func (a *App) emitStatus(ctx context.Context, tx *store.Tx, m *beseda.Message, status beseda.MessageStatus, reason string) error {
	return a.emit(ctx, tx, m.WorkspaceID, nil, beseda.LiveMessagesUpdated,
		messagesUpdate{SubscriberIDs: []int64{m.SubscriberID}, IDs: []int64{m.ID}, Status: status, Reason: reason})
}

// backoff is the wait before attempt n+1: exponential with jitter, capped.
func backoff(n int) time.Duration {
	d := min(time.Duration(1<<min(n, 20))*time.Second, maxBackoff)
	return d/2 + rand.N(d/2+1)
}

// SweepDeliveries finds channels whose deliver job was lost (its holder died,
// or it never started) and queues a new one. A periodic job runs it.
func (a *App) SweepDeliveries(ctx context.Context) (int, error) {
	var n int
	err := a.db.Update(ctx, func(tx *store.Tx) error {
		ids, err := tx.StrandedDeliveries(ctx, a.now(), a.now().Add(deliveryGrace))
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := a.jobs.Deliver(ctx, tx, id); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	if n > 0 {
		a.log.Info("stranded deliveries queued again", "channels", n)
	}
	return n, err
}

// ResetDeliveryLeases frees every lease: on SQLite a single process runs, so
// any lease found at start belongs to a previous run of it.
func (a *App) ResetDeliveryLeases(ctx context.Context) error {
	return a.db.ExpireDeliveryLeases(ctx)
}

func subscriberIDs(msgs []*beseda.Message) []int64 {
	seen := map[int64]bool{}
	var ids []int64
	for _, m := range msgs {
		if !seen[m.SubscriberID] {
			seen[m.SubscriberID] = true
			ids = append(ids, m.SubscriberID)
		}
	}
	return ids
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// pacer keeps a channel within its Pacing: a token bucket for the channel and
// the time of the last send to every chat. It lives in memory, shared by the
// channel's successive deliver jobs in this process.
type pacer struct {
	mu       sync.Mutex
	pacing   Pacing
	tokens   float64
	last     time.Time
	paused   time.Time
	lastChat map[int64]time.Time
}

type pacers struct {
	mu        sync.Mutex
	byChannel map[int64]*pacer
}

func (ps *pacers) get(channelID int64, pacing Pacing) *pacer {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	p := ps.byChannel[channelID]
	if p == nil {
		p = &pacer{pacing: pacing, tokens: pacing.PerSecond / 10, last: time.Now(), lastChat: map[int64]time.Time{}}
		ps.byChannel[channelID] = p
	}
	return p
}

// refill adds the tokens earned since the last call; the bucket holds at most
// a tenth of a second's worth, so bursts stay small.
func (p *pacer) refill() {
	now := time.Now()
	if p.pacing.PerSecond <= 0 {
		p.tokens = 1 << 30
		return
	}
	p.tokens = min(p.tokens+now.Sub(p.last).Seconds()*p.pacing.PerSecond, max(p.pacing.PerSecond/10, 1))
	p.last = now
}

// take waits for and takes up to n tokens (at least 1), returning how many.
func (p *pacer) take(n int) int {
	for {
		p.mu.Lock()
		p.refill()
		if p.tokens >= 1 && time.Now().After(p.paused) {
			got := min(n, int(p.tokens))
			p.tokens -= float64(got)
			p.mu.Unlock()
			return got
		}
		wait := time.Duration((1 - p.tokens) / max(p.pacing.PerSecond, 1) * float64(time.Second))
		wait = max(wait, time.Until(p.paused), time.Millisecond)
		p.mu.Unlock()
		time.Sleep(wait)
	}
}

func (p *pacer) refund(n int) {
	if n <= 0 {
		return
	}
	p.mu.Lock()
	p.tokens += float64(n)
	p.mu.Unlock()
}

// wait returns how long until the channel may send one message.
func (p *pacer) wait() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refill()
	if d := time.Until(p.paused); d > 0 {
		return d
	}
	if p.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - p.tokens) / p.pacing.PerSecond * float64(time.Second))
}

// chatWait returns how long until the chat may get its next message.
func (p *pacer) chatWait(subscriberID int64) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pacing.PerChat == 0 {
		return 0
	}
	last, ok := p.lastChat[subscriberID]
	if !ok {
		return 0
	}
	return p.pacing.PerChat - time.Since(last)
}

// sent takes a token and records the chat's send.
func (p *pacer) sent(subscriberID int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refill()
	p.tokens--
	if p.pacing.PerChat > 0 {
		now := time.Now()
		p.lastChat[subscriberID] = now
		if len(p.lastChat) > 10_000 {
			for id, t := range p.lastChat {
				if now.Sub(t) > p.pacing.PerChat {
					delete(p.lastChat, id)
				}
			}
		}
	}
}

// pause stops the channel for d (a rate limit answer).
func (p *pacer) pause(d time.Duration) {
	p.mu.Lock()
	p.paused = time.Now().Add(d)
	p.mu.Unlock()
}
