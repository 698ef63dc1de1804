package app

import (
	"context"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/store"
)

// ListSubscribers returns the clients of the actor's workspace, most recently
// active first.
func (a *Subscribers) ListSubscribers(ctx context.Context, actor *beseda.User, f beseda.SubscriberFilter) ([]*beseda.Subscriber, error) {
	f.WorkspaceID, f.ReaderID = actor.WorkspaceID, actor.ID
	return a.db.FindSubscribers(ctx, f)
}

// GetSubscriber returns a client of the actor's workspace, with the actor's
// read mark of the chat and their platform's window now.
func (a *Subscribers) GetSubscriber(ctx context.Context, actor *beseda.User, id int64) (*beseda.Subscriber, error) {
	sub, err := a.db.FindSubscriberFor(ctx, actor.WorkspaceID, id, actor.ID)
	if err != nil {
		return nil, err
	}
	if a.cfg.Channels.Known(sub.ChannelKind) {
		sub.Window = a.cfg.Channels.Of(sub.ChannelKind).Window().State(sub.LastInboundAt, a.now())
	}
	return sub, nil
}

// ListChats returns the workspace's chats for the chat list: clients, most
// recently active first, with the actor's read marks and the last message
// each client could see.
func (a *Subscribers) ListChats(ctx context.Context, actor *beseda.User, f beseda.SubscriberFilter) ([]beseda.ChatSummary, error) {
	subs, err := a.ListSubscribers(ctx, actor, f)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(subs))
	for i, s := range subs {
		ids[i] = s.ID
	}
	last, err := a.db.LastMessages(ctx, actor.WorkspaceID, ids)
	if err != nil {
		return nil, err
	}
	out := make([]beseda.ChatSummary, len(subs))
	for i, s := range subs {
		out[i] = beseda.ChatSummary{Subscriber: s, LastMessage: last[s.ID]}
	}
	return out, nil
}

// MarkChatRead records that the actor opened a client's chat: the chat is
// read for them, still unread for the other managers.
func (a *Subscribers) MarkChatRead(ctx context.Context, actor *beseda.User, subscriberID int64) error {
	return a.db.Update(ctx, func(tx *store.Tx) error {
		return tx.MarkChatRead(ctx, actor.WorkspaceID, actor.ID, subscriberID, a.now())
	})
}
