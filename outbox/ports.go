package outbox

import (
	"context"
	"time"

	"github.com/beseda/beseda"
)

// Tx is one transaction of the store as the outbox uses it; store.Tx
// implements it. Producers hand the outbox the transaction of their use
// case, so a message is stored in the same commit as what caused it; the
// engine opens its own through Store.
type Tx interface {
	// AfterCommit runs fn once the transaction has committed.
	AfterCommit(fn func())

	CreateMessage(ctx context.Context, m *beseda.Message) error
	// CreateMessageUnlessQueued stores a pending message to a client who
	// sees it once stored as sent at once, unless older messages of the
	// client still wait: then it stays pending behind them.
	CreateMessageUnlessQueued(ctx context.Context, m *beseda.Message) error
	ProduceBroadcastBatch(ctx context.Context, b beseda.BroadcastBatch) (*beseda.BroadcastProduced, error)
	TouchSubscriber(ctx context.Context, id int64, at time.Time, inbound bool) error
	ReleaseHeld(ctx context.Context, subscriberID int64, at time.Time) (int64, error)

	LockSubscribers(ctx context.Context, ids []int64) (map[int64]*beseda.Subscriber, error)
	SetStatus(ctx context.Context, ids []int64, status beseda.MessageStatus, reason string, at time.Time) error
	HoldsLease(ctx context.Context, lease *beseda.Lease, now time.Time) (bool, error)
	ClaimMessage(ctx context.Context, id int64, at time.Time) (bool, error)
	ResumeInFlight(ctx context.Context, channelID int64, wait time.Duration) ([]*beseda.Message, error)
	MarkSent(ctx context.Context, id int64, externalID string, at time.Time) error
	// UseFallback records that a message went as its fallback template (the
	// window was closed when it was sent).
	UseFallback(ctx context.Context, m *beseda.Message) error
	MarkRetry(ctx context.Context, id int64, attempts, partsSent int, next time.Time, reason string) error
	MarkFailed(ctx context.Context, id int64, attempts int, reason string) error
	ConfirmSent(ctx context.Context, channelID, id int64, externalID string, at time.Time) (*beseda.Message, error)
}

// Store is the store as the engine uses it; store.DB implements it with T
// its *store.Tx.
type Store[T Tx] interface {
	Update(ctx context.Context, fn func(tx T) error) error
	FindChannel(ctx context.Context, id int64) (*beseda.Channel, error)
	// StrandedChannels lists the channels whose messages wait with no live
	// deliverer.
	StrandedChannels(ctx context.Context, now time.Time) ([]int64, error)
	ChannelHasPending(ctx context.Context, channelID int64) (bool, error)
	PendingMessages(ctx context.Context, channelID int64, limit int) ([]*beseda.Message, error)
	NextPendingPerSubscriber(ctx context.Context, channelID int64, limit int) ([]*beseda.Message, error)
	// ResetDeliveryLeases frees every lease: on a store one process alone
	// uses (SQLite), any holder found at start is a previous run of it.
	ResetDeliveryLeases(ctx context.Context) error
}

// Leases takes and keeps one process's delivery leases; store.Leases
// implements it.
type Leases interface {
	// Acquire returns nil when another live holder has the channel.
	Acquire(ctx context.Context, channelID int64, holder string, now, until time.Time) (*beseda.Lease, error)
	Renew(ctx context.Context, lease *beseda.Lease, until time.Time) (bool, error)
	Release(ctx context.Context, lease *beseda.Lease) error
	// Close gives up every lease of the process.
	Close() error
}

// Events is how the outbox tells the rest of the product what became of
// messages (live events, webhooks, a rating form that could not go out);
// app implements it. Each method works in the transaction of the change, so
// what it records commits with it.
type Events[T Tx] interface {
	// Stored: a message was produced, whatever the gate decided.
	Stored(ctx context.Context, tx T, m *beseda.Message) error
	// Changed: messages changed status.
	Changed(ctx context.Context, tx T, c Change) error
	// Failed: a message will not be delivered (after Changed said so).
	Failed(ctx context.Context, tx T, m *beseda.Message, reason string) error
	// BroadcastProgress: a batch of a broadcast was produced.
	BroadcastProgress(ctx context.Context, tx T, workspaceID, broadcastID int64, produced int) error
}

// Change is messages of a workspace that changed status: those of IDs, or,
// without IDs, the held messages of the clients released.
type Change struct {
	WorkspaceID   int64
	SubscriberIDs []int64
	IDs           []int64
	Status        beseda.MessageStatus
	Reason        string
}

// Waker starts delivery of a channel's new pending messages; Engine
// implements it.
type Waker interface {
	Wake(ctx context.Context, channelID int64)
}
