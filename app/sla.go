package app

import (
	"context"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/store"
)

// BusinessHours returns the workspace's business hours (T1). Every manager
// may read them.
func (a *App) BusinessHours(ctx context.Context, actor *beseda.User) (*beseda.BusinessHours, error) {
	return a.db.FindBusinessHours(ctx, actor.WorkspaceID)
}

// UpdateBusinessHours replaces the workspace's business hours. Needs
// dialog_settings.edit: the hours are part of how dialogs are handled.
func (a *App) UpdateBusinessHours(ctx context.Context, actor *beseda.User, h beseda.BusinessHours) (*beseda.BusinessHours, error) {
	if err := actor.Require(beseda.PermDialogSettingsEdit); err != nil {
		return nil, err
	}
	if err := h.Normalize(); err != nil {
		return nil, err
	}
	at := a.now()
	h.UpdatedAt = &at
	err := a.db.Update(ctx, func(tx *store.Tx) error {
		return tx.SaveBusinessHours(ctx, actor.WorkspaceID, &h, at)
	})
	if err != nil {
		return nil, err
	}
	return &h, nil
}
