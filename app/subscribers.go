package app

import (
	"context"

	"github.com/beseda/beseda"
)

// ListSubscribers returns the clients of the actor's workspace, most recently
// active first.
func (a *App) ListSubscribers(ctx context.Context, actor *beseda.User, f beseda.SubscriberFilter) ([]*beseda.Subscriber, error) {
	f.WorkspaceID = actor.WorkspaceID
	return a.db.FindSubscribers(ctx, f)
}

// GetSubscriber returns a client of the actor's workspace.
func (a *App) GetSubscriber(ctx context.Context, actor *beseda.User, id int64) (*beseda.Subscriber, error) {
	return a.db.FindSubscriberByID(ctx, actor.WorkspaceID, id)
}
