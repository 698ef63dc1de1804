package app

import (
	"context"
	"encoding/json"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/store"
)

// SetLive connects the live hub: kick is called after a transaction that
// added live events commits.
func (a *App) SetLive(kick func()) { a.kick = kick }

// emit records a live event in the transaction of the change it reports; for
// one manager when userID is set, else for the whole workspace.
func (a *core) emit(ctx context.Context, tx *store.Tx, workspaceID int64, userID *int64, kind string, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return err
	}
	if err := tx.AddLiveEvent(ctx, &beseda.LiveEvent{WorkspaceID: workspaceID, UserID: userID, Kind: kind,
		Data: raw, CreatedAt: a.now()}); err != nil {
		return err
	}
	if a.kick != nil {
		tx.AfterCommit(a.kick)
	}
	tx.AfterCommit(a.db.LiveEventsCommitted)
	return nil
}

// dialogChange is the live event data of a dialog: enough to update a list
// row; a console showing the dialog fetches it whole.
type dialogChange struct {
	ID           int64               `json:"id"`
	SubscriberID int64               `json:"subscriber_id"`
	Title        string              `json:"title"`
	Status       beseda.DialogStatus `json:"status"`
}

func (a *core) emitDialog(ctx context.Context, tx *store.Tx, d *beseda.Dialog) error {
	return a.emit(ctx, tx, d.WorkspaceID, nil, beseda.LiveDialogChanged,
		dialogChange{ID: d.ID, SubscriberID: d.SubscriberID, Title: d.Title, Status: d.Status})
}

// messagesUpdate is the live event data of messages whose status changed.
type messagesUpdate struct {
	SubscriberIDs []int64              `json:"subscriber_ids"`
	IDs           []int64              `json:"ids,omitempty"`
	Status        beseda.MessageStatus `json:"status"`
	Reason        string               `json:"reason,omitempty"`
}

// PruneLiveEvents forgets live events older than keep.
func (a *App) PruneLiveEvents(ctx context.Context, keep time.Duration) error {
	_, err := a.db.PruneLiveEvents(ctx, a.now().Add(-keep))
	return err
}
