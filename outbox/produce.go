package outbox

import (
	"context"
	"log/slog"

	"github.com/beseda/beseda"
)

// Outbox is where outgoing messages are produced: one message or a
// broadcast's batch, through the automation gate (G1), held and released in
// order (G2), shown at once where the client sees what is stored (the web
// chat), and handed to the engine after the commit. Every producer of an
// outgoing message comes through here; the engine comes back to it for the
// gate checked again and for the outcomes of sends. T is the store's
// transaction.
type Outbox[T Tx] struct {
	channels *beseda.Registry
	clock    beseda.Clock
	log      *slog.Logger
	events   Events[T]
	waker    Waker
}

// NewOutbox returns the outbox of the channel types, telling events what
// happens.
func NewOutbox[T Tx](channels *beseda.Registry, clock beseda.Clock, log *slog.Logger, events Events[T]) *Outbox[T] {
	return &Outbox[T]{channels: channels, clock: clock, log: log, events: events}
}

// SetWaker connects the engine that delivers what is produced; the server
// does it once at start. Without one, messages wait for a sweep.
func (o *Outbox[T]) SetWaker(w Waker) { o.waker = w }

// Produce stores one outgoing message in a client's chat. The automation gate
// decides its fate (G1) against the dialog status read under the client's
// lock, which the caller holds — so the decision and any status change of the
// client's dialogs are atomic (G3).
func (o *Outbox[T]) Produce(ctx context.Context, tx T, sub *beseda.Subscriber, m *beseda.Message) error {
	m.Status, m.Reason = beseda.Gate(m.Source, sub.ActiveDialogID != nil)
	if m.Status == beseda.MessagePending && o.channels.ShownOnStore(sub.ChannelKind) {
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
	if err := o.events.Stored(ctx, tx, m); err != nil {
		return err
	}
	if m.Status == beseda.MessagePending {
		o.wake(ctx, tx, m.ChannelID)
	}
	return nil
}

// ProduceBroadcast produces the next batch of a broadcast to the clients of
// the workspace's channels, in one statement of the store (no row makes a
// round trip through Go), with the gate's decision for broadcasts from
// beseda.GateFor. It fills in b's Gate and ShownOnStore.
func (o *Outbox[T]) ProduceBroadcast(ctx context.Context, tx T, b beseda.BroadcastBatch, channels []*beseda.Channel) (*beseda.BroadcastProduced, error) {
	b.Gate, b.ShownOnStore = beseda.GateFor(beseda.SourceBroadcast), nil
	for _, ch := range channels {
		if o.channels.ShownOnStore(ch.Kind) {
			b.ShownOnStore = append(b.ShownOnStore, ch.ID)
		}
	}
	batch, err := tx.ProduceBroadcastBatch(ctx, b)
	if err != nil || batch.Recipients == 0 {
		return batch, err
	}
	for _, ch := range batch.PendingChannels {
		o.wake(ctx, tx, ch)
	}
	return batch, o.events.BroadcastProgress(ctx, tx, b.WorkspaceID, b.BroadcastID, batch.Recipients)
}

// wake wakes delivery of the channel once the transaction has committed.
// Producers touch no row shared by the channel's clients (D1); the wake
// costs no SQL while this process delivers the channel already.
func (o *Outbox[T]) wake(ctx context.Context, tx T, channelID int64) {
	if o.waker != nil {
		ctx := context.WithoutCancel(ctx)
		tx.AfterCommit(func() { o.waker.Wake(ctx, channelID) })
	}
}

// ReleaseHeld hands a client's held automation back to delivery, in the order
// it was produced, when their active dialog ends (G2): it joins the chat
// there and then, after everything said during the dialog. It runs in the
// transaction of the status change.
func (o *Outbox[T]) ReleaseHeld(ctx context.Context, tx T, sub *beseda.Subscriber) error {
	now := o.clock.Now()
	n, err := tx.ReleaseHeld(ctx, sub.ID, now)
	if err != nil || n == 0 {
		return err
	}
	// The chat moves up the list: it has something new to show.
	if err := tx.TouchSubscriber(ctx, sub.ID, now, false); err != nil {
		return err
	}
	o.log.Info("held messages released", "workspace", sub.WorkspaceID, "subscriber", sub.ID, "count", n)
	if err := o.events.Changed(ctx, tx, Change{WorkspaceID: sub.WorkspaceID, SubscriberIDs: []int64{sub.ID},
		Status: beseda.MessagePending}); err != nil {
		return err
	}
	o.wake(ctx, tx, sub.ChannelID)
	return nil
}
