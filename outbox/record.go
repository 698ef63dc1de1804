package outbox

import (
	"context"
	"time"

	"github.com/beseda/beseda"
)

// now is the outbox's time as the store keeps it.
func (o *Outbox[T]) now() time.Time { return o.clock.Now().UTC().Truncate(time.Millisecond) }

// admit locks the message's client and lets the gate decide again, so
// automation queued before a dialog began is held, not sent during it (G1,
// G3). It returns the client when the message may go; when the gate holds or
// drops it now, it records that and returns nil.
func (o *Outbox[T]) admit(ctx context.Context, tx T, m *beseda.Message) (*beseda.Subscriber, error) {
	subs, err := tx.LockSubscribers(ctx, []int64{m.SubscriberID})
	if err != nil {
		return nil, err
	}
	sub := subs[m.SubscriberID]
	if sub == nil {
		return nil, beseda.NotFound("subscriber")
	}
	status, reason := beseda.Gate(m.Source, sub.ActiveDialogID != nil)
	if status == beseda.MessagePending {
		return sub, nil
	}
	if err := tx.SetStatus(ctx, []int64{m.ID}, status, reason, o.now()); err != nil {
		return nil, err
	}
	return nil, o.changed(ctx, tx, m, status, reason)
}

// record stores the outcome of a send.
func (o *Outbox[T]) record(ctx context.Context, tx T, m *beseda.Message, out Outcome) error {
	switch out.Status {
	case beseda.MessageSent:
		if err := tx.MarkSent(ctx, m.ID, out.ExternalID, out.At); err != nil {
			return err
		}
		if m.Fallback != nil && m.Template != nil {
			// The window was closed: the fallback template went instead.
			if err := tx.UseFallback(ctx, m); err != nil {
				return err
			}
		}
		return o.changed(ctx, tx, m, beseda.MessageSent, "")
	case beseda.MessageFailed:
		if err := tx.MarkFailed(ctx, m.ID, out.Attempts, out.Reason); err != nil {
			return err
		}
		if err := o.changed(ctx, tx, m, beseda.MessageFailed, out.Reason); err != nil {
			return err
		}
		return o.events.Failed(ctx, tx, m, out.Reason)
	}
	return tx.MarkRetry(ctx, m.ID, out.Attempts, out.PartsSent, out.NextAttempt, out.Reason)
}

// show delivers messages of a channel with no remote side (the web chat):
// its widget shows what is sent. These are the messages that queued behind
// older ones when produced (the store's shownStatus); taken in order, each is
// now sent. The gate is checked again under the clients' locks (G1, G3).
func (o *Outbox[T]) show(ctx context.Context, tx T, ch *beseda.Channel, msgs []*beseda.Message) error {
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
		if err := tx.SetStatus(ctx, ids, status, reasons[status], o.now()); err != nil {
			return err
		}
		if err := o.events.Changed(ctx, tx, Change{WorkspaceID: ch.WorkspaceID, SubscriberIDs: subscriberIDs(msgs),
			IDs: ids, Status: status, Reason: reasons[status]}); err != nil {
			return err
		}
	}
	return nil
}

// ConfirmSent records a platform's report that it took a message Beseda
// sent (beseda.SentReport): a send whose outcome a crash hid is thus sent,
// not sent again (D3). A report of a message recorded already changes
// nothing.
func (o *Outbox[T]) ConfirmSent(ctx context.Context, tx T, ch *beseda.Channel, rep beseda.SentReport) error {
	m, err := tx.ConfirmSent(ctx, ch.ID, rep.MessageID, rep.ExternalID, o.now())
	if err != nil || m == nil {
		return err
	}
	o.log.Info("send confirmed by the platform", "workspace", m.WorkspaceID, "channel", ch.ID, "message", m.ID)
	return o.changed(ctx, tx, m, beseda.MessageSent, "")
}

// changed tells that one message's status changed.
func (o *Outbox[T]) changed(ctx context.Context, tx T, m *beseda.Message, status beseda.MessageStatus, reason string) error {
	return o.events.Changed(ctx, tx, Change{WorkspaceID: m.WorkspaceID, SubscriberIDs: []int64{m.SubscriberID},
		IDs: []int64{m.ID}, Status: status, Reason: reason})
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
