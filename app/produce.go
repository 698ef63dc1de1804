package app

import (
	"context"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/store"
)

// produce stores one outgoing message in a client's chat. The automation gate
// decides its fate (G1) against the dialog status read under the client's
// lock, which the caller holds — so the decision and any status change of the
// client's dialogs are atomic (G3). Every producer comes through here, but
// broadcasts, which apply the same gate to a batch of clients in one
// statement (store.ProduceBroadcastBatch).
func (a *core) produce(ctx context.Context, tx *store.Tx, sub *beseda.Subscriber, m *beseda.Message) error {
	m.Status, m.Reason = beseda.Gate(m.Source, sub.ActiveDialogID != nil)
	if m.Status == beseda.MessagePending && a.local(sub.ChannelKind) {
		// A web-chat message is delivered once stored, unless older messages
		// of the client still wait: then it queues behind them.
		if err := tx.CreateMessageUnlessQueued(ctx, m); err != nil {
			return err
		}
	} else if err := tx.CreateMessage(ctx, m); err != nil {
		return err
	}
	// Held and dropped automation is nothing new in the chat (yet): the chat
	// keeps its place in the list.
	if m.Status != beseda.MessageHeld && m.Status != beseda.MessageDropped {
		if err := tx.TouchSubscriber(ctx, sub.ID, m.CreatedAt, false); err != nil {
			return err
		}
	}
	if err := a.emit(ctx, tx, sub.WorkspaceID, nil, beseda.LiveMessageCreated, m); err != nil {
		return err
	}
	if m.Status == beseda.MessagePending {
		return a.queueDelivery(ctx, tx, m.ChannelID)
	}
	return nil
}

// queueDelivery wakes delivery of the channel once the transaction has
// committed. Producers touch no row shared by the channel's clients (D1); the
// wake costs no SQL while this process delivers the channel already.
func (a *core) queueDelivery(ctx context.Context, tx *store.Tx, channelID int64) error {
	if a.waker != nil {
		ctx := context.WithoutCancel(ctx)
		tx.AfterCommit(func() { a.waker.Wake(ctx, channelID) })
	}
	return nil
}

// releaseHeld hands a client's held automation back to delivery, in the order
// it was produced, when their active dialog ends (G2): it joins the chat
// there and then, after everything said during the dialog. It runs in the
// transaction of the status change.
func (a *core) releaseHeld(ctx context.Context, tx *store.Tx, sub *beseda.Subscriber) error {
	now := a.now()
	n, err := tx.ReleaseHeld(ctx, sub.ID, now)
	if err != nil || n == 0 {
		return err
	}
	// The chat moves up the list: it has something new to show.
	if err := tx.TouchSubscriber(ctx, sub.ID, now, false); err != nil {
		return err
	}
	a.log.Info("held messages released", "workspace", sub.WorkspaceID, "subscriber", sub.ID, "count", n)
	if err := a.emit(ctx, tx, sub.WorkspaceID, nil, beseda.LiveMessagesUpdated,
		messagesUpdate{SubscriberIDs: []int64{sub.ID}, Status: beseda.MessagePending}); err != nil {
		return err
	}
	return a.queueDelivery(ctx, tx, sub.ChannelID)
}
