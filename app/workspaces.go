package app

import (
	"context"
	"fmt"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/store"
)

// CreateWorkspace adds a tenant with its owner, the default request types (P1)
// and a channel of each type that needs no settings (the web chat), so that a
// new team can start without a messenger account.
func (a *Users) CreateWorkspace(ctx context.Context, in beseda.WorkspaceCreate) (*beseda.Workspace, *beseda.User, error) {
	if err := in.Validate(); err != nil {
		return nil, nil, err
	}
	hash, err := a.hashPassword(in.OwnerPassword)
	if err != nil {
		return nil, nil, err
	}
	now := a.now()
	ws := &beseda.Workspace{Name: in.Name, Locale: in.Locale, CreatedAt: now}
	owner := &beseda.User{Email: in.OwnerEmail, Name: in.OwnerName, Role: beseda.RoleOwner,
		Permissions: []beseda.Permission{}, Locale: in.Locale, CreatedAt: now}
	err = a.db.Update(ctx, func(tx *store.Tx) error {
		if err := tx.CreateWorkspace(ctx, ws); err != nil {
			return err
		}
		owner.WorkspaceID = ws.ID
		if err := tx.CreateUser(ctx, owner, hash); err != nil {
			return err
		}
		for _, name := range beseda.DefaultDialogTypes(in.Locale) {
			if _, err := tx.AddCatalogItem(ctx, ws.ID, beseda.CatalogTypes, name, now); err != nil {
				return err
			}
		}
		// Channels that need no settings (the web chat) are ready at once.
		for _, t := range a.cfg.Channels.Builtin() {
			c := &beseda.Channel{WorkspaceID: ws.ID, Kind: t.Kind(), Name: t.Title(in.Locale), Key: a.newKey(),
				Enabled: true, CreatedAt: now}
			if err := tx.CreateChannel(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("create workspace: %w", err)
	}
	a.log.Info("workspace created", "workspace", ws.ID, "owner", owner.ID)
	return ws, owner, nil
}

// Workspace returns the actor's workspace.
func (a *Users) Workspace(ctx context.Context, actor *beseda.User) (*beseda.Workspace, error) {
	return a.db.FindWorkspaceByID(ctx, actor.WorkspaceID)
}
