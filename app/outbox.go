package app

import (
	"context"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/outbox"
	"github.com/beseda/beseda/store"
)

// Outbox returns where outgoing messages are produced; the delivery engine
// is built on it.
func (a *App) Outbox() *outbox.Outbox[*store.Tx] { return a.out }

// SetDelivery connects the delivery engine; the server does it once at start.
func (a *App) SetDelivery(w outbox.Waker) { a.out.SetWaker(w) }

// ConfirmSent records a platform's report that it took a message Beseda
// sent (outbox.Outbox.ConfirmSent).
func (a *Delivery) ConfirmSent(ctx context.Context, ch *beseda.Channel, rep beseda.SentReport) error {
	return a.db.Update(ctx, func(tx *store.Tx) error { return a.out.ConfirmSent(ctx, tx, ch, rep) })
}

// outboxEvents is what the outbox's news means for the rest of the product:
// live events for the consoles, and a message that failed for good told to
// integrations (a rating form that could not go out also on its dialog).
type outboxEvents struct{ *core }

var _ outbox.Events[*store.Tx] = outboxEvents{}

func (a outboxEvents) Stored(ctx context.Context, tx *store.Tx, m *beseda.Message) error {
	return a.emit(ctx, tx, m.WorkspaceID, nil, beseda.LiveMessageCreated, m)
}

func (a outboxEvents) Changed(ctx context.Context, tx *store.Tx, c outbox.Change) error {
	return a.emit(ctx, tx, c.WorkspaceID, nil, beseda.LiveMessagesUpdated,
		messagesUpdate{SubscriberIDs: c.SubscriberIDs, IDs: c.IDs, Status: c.Status, Reason: c.Reason})
}

func (a outboxEvents) Failed(ctx context.Context, tx *store.Tx, m *beseda.Message, reason string) error {
	m.Status, m.Reason, m.NextAttemptAt, m.SendingAt = beseda.MessageFailed, reason, nil, nil
	return a.app.Delivery.messageFailed(ctx, tx, m)
}

func (a outboxEvents) BroadcastProgress(ctx context.Context, tx *store.Tx, workspaceID, broadcastID int64, produced int) error {
	return a.emit(ctx, tx, workspaceID, nil, beseda.LiveBroadcastProgress,
		map[string]any{"broadcast_id": broadcastID, "produced": produced})
}
