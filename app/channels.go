package app

import (
	"context"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/store"
)

// ListChannels returns the channels of the actor's workspace.
func (a *App) ListChannels(ctx context.Context, actor *beseda.User) ([]*beseda.Channel, error) {
	return a.db.FindChannels(ctx, actor.WorkspaceID)
}

// CreateChannel connects the actor's workspace to a messenger. Owners and
// admins only.
func (a *App) CreateChannel(ctx context.Context, actor *beseda.User, in beseda.ChannelCreate) (*beseda.Channel, error) {
	if !actor.IsAdmin() {
		return nil, beseda.Errorf(beseda.EFORBIDDEN, "only an owner or admin can add channels")
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	c := &beseda.Channel{WorkspaceID: actor.WorkspaceID, Kind: in.Kind, Name: in.Name, Key: a.newKey(),
		Config: in.Config, CreatedAt: a.now()}
	if err := a.db.Update(ctx, func(tx *store.Tx) error { return tx.CreateChannel(ctx, c) }); err != nil {
		return nil, err
	}
	a.log.Info("channel created", "workspace", c.WorkspaceID, "channel", c.ID, "kind", c.Kind)
	return c, nil
}

// ChannelByKey finds a channel by the public key in its widget or webhook URL.
func (a *App) ChannelByKey(ctx context.Context, key string) (*beseda.Channel, error) {
	if beseda.CheckText("key", key) != nil {
		return nil, beseda.NotFound("channel") // no key holds such bytes; PostgreSQL would fail on them (H2)
	}
	return a.db.FindChannelByKey(ctx, key)
}
