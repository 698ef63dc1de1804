package app

import (
	"context"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/outbox"
	"github.com/beseda/beseda/store"
)

// Delivery is the engine's business (package outbox): leases, pacing,
// retries. What a message meets on its way out and what its outcomes mean
// stay here: Delivery is the engine's outbox.Recorder.
var _ outbox.Recorder = (*Delivery)(nil)

// Waker starts delivery of a channel's new pending messages;
// outbox.Engine implements it.
type Waker interface {
	Wake(ctx context.Context, channelID int64)
}

// SetDelivery connects the delivery engine; the server does it once at start.
func (a *App) SetDelivery(w Waker) { a.waker = w }

// AdmitDelivery implements outbox.Recorder: under the client's lock, the
// gate decides again, so automation queued before a dialog began is held,
// not sent during it (G1, G3).
func (a *Delivery) AdmitDelivery(ctx context.Context, tx *store.Tx, m *beseda.Message) (*beseda.Subscriber, error) {
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
	if err := tx.SetStatus(ctx, []int64{m.ID}, status, reason, a.now()); err != nil {
		return nil, err
	}
	return nil, a.emitStatus(ctx, tx, m, status, reason)
}

// RecordDelivery implements outbox.Recorder.
func (a *Delivery) RecordDelivery(ctx context.Context, tx *store.Tx, m *beseda.Message, o outbox.Outcome) error {
	switch o.Status {
	case beseda.MessageSent:
		if err := tx.MarkSent(ctx, m.ID, o.ExternalID, o.At); err != nil {
			return err
		}
		if m.Fallback != nil && m.Template != nil {
			// The window was closed: the fallback template went instead.
			if err := tx.UseFallback(ctx, m); err != nil {
				return err
			}
		}
		return a.emitStatus(ctx, tx, m, beseda.MessageSent, "")
	case beseda.MessageFailed:
		if err := tx.MarkFailed(ctx, m.ID, o.Attempts, o.Reason); err != nil {
			return err
		}
		if err := a.emitStatus(ctx, tx, m, beseda.MessageFailed, o.Reason); err != nil {
			return err
		}
		m.Status, m.Reason, m.NextAttemptAt, m.SendingAt = beseda.MessageFailed, o.Reason, nil, nil
		return a.messageFailed(ctx, tx, m)
	}
	return tx.MarkRetry(ctx, m.ID, o.Attempts, o.PartsSent, o.NextAttempt, o.Reason)
}

// ShowDelivered implements outbox.Recorder for the web chat: its widget
// shows what is sent. The gate is checked again under the clients' locks (G1,
// G3).
func (a *Delivery) ShowDelivered(ctx context.Context, tx *store.Tx, ch *beseda.Channel, msgs []*beseda.Message) error {
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
}

// ConfirmSent records a platform's report that it took a message Beseda
// sent (beseda.SentReport): a send whose outcome a crash hid is thus sent,
// not sent again (D3). A report of a message recorded already changes
// nothing.
func (a *Delivery) ConfirmSent(ctx context.Context, ch *beseda.Channel, rep beseda.SentReport) error {
	return a.db.Update(ctx, func(tx *store.Tx) error { return a.confirmSent(ctx, tx, ch, rep) })
}

func (a *Delivery) confirmSent(ctx context.Context, tx *store.Tx, ch *beseda.Channel, rep beseda.SentReport) error {
	m, err := tx.ConfirmSent(ctx, ch.ID, rep.MessageID, rep.ExternalID, a.now())
	if err != nil || m == nil {
		return err
	}
	a.log.Info("send confirmed by the platform", "workspace", m.WorkspaceID, "channel", ch.ID, "message", m.ID)
	return a.emitStatus(ctx, tx, m, beseda.MessageSent, "")
}

// emitStatus tells consoles that a message's status changed.
func (a *Delivery) emitStatus(ctx context.Context, tx *store.Tx, m *beseda.Message, status beseda.MessageStatus, reason string) error {
	return a.emit(ctx, tx, m.WorkspaceID, nil, beseda.LiveMessagesUpdated,
		messagesUpdate{SubscriberIDs: []int64{m.SubscriberID}, IDs: []int64{m.ID}, Status: status, Reason: reason})
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
