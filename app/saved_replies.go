package app

import (
	"context"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/store"
)

// ListSavedReplies returns the workspace's saved replies. Every manager may
// read them, to use them in composers.
func (a *Settings) ListSavedReplies(ctx context.Context, actor *beseda.User) ([]*beseda.SavedReply, error) {
	return a.db.FindSavedReplies(ctx, actor.WorkspaceID)
}

// GetSavedReply returns one saved reply of the actor's workspace.
func (a *Settings) GetSavedReply(ctx context.Context, actor *beseda.User, id int64) (*beseda.SavedReply, error) {
	return a.db.FindSavedReply(ctx, actor.WorkspaceID, id)
}

// CreateSavedReply adds a saved reply. Needs saved_replies.edit.
func (a *Settings) CreateSavedReply(ctx context.Context, actor *beseda.User, in beseda.SavedReplyCreate) (*beseda.SavedReply, error) {
	if err := actor.Require(beseda.PermSavedRepliesEdit); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var sr *beseda.SavedReply
	err := a.db.Update(ctx, func(tx *store.Tx) (err error) {
		sr, err = tx.CreateSavedReply(ctx, actor.WorkspaceID, in, a.now())
		return err
	})
	return sr, err
}

// UpdateSavedReply renames a saved reply or changes its text. Needs
// saved_replies.edit.
func (a *Settings) UpdateSavedReply(ctx context.Context, actor *beseda.User, id int64, upd beseda.SavedReplyUpdate) (*beseda.SavedReply, error) {
	if err := actor.Require(beseda.PermSavedRepliesEdit); err != nil {
		return nil, err
	}
	if err := upd.Validate(); err != nil {
		return nil, err
	}
	var sr *beseda.SavedReply
	err := a.db.Update(ctx, func(tx *store.Tx) (err error) {
		if sr, err = tx.FindSavedReply(ctx, actor.WorkspaceID, id); err != nil {
			return err
		}
		if upd.Name != nil {
			sr.Name = *upd.Name
		}
		if upd.Text != nil {
			sr.Text = *upd.Text
		}
		sr.UpdatedAt = a.now()
		return tx.SaveSavedReply(ctx, actor.WorkspaceID, sr)
	})
	return sr, err
}

// DeleteSavedReply removes a saved reply. Needs saved_replies.edit.
func (a *Settings) DeleteSavedReply(ctx context.Context, actor *beseda.User, id int64) error {
	if err := actor.Require(beseda.PermSavedRepliesEdit); err != nil {
		return err
	}
	return a.db.Update(ctx, func(tx *store.Tx) error { return tx.DeleteSavedReply(ctx, actor.WorkspaceID, id) })
}
