package app

import (
	"context"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/store"
)

// InboundEvent is what a messenger reported about a client: a message, or a
// tap on a button (postback).
type InboundEvent struct {
	ExternalUserID string // the messenger's id of the client (Telegram chat, Messenger PSID)
	Name           string // how to call a client seen for the first time
	UpdateKey      string // the messenger's id of the update, to act on it once
	Text           string // a message's text
	Postback       bool   // a button tap, with Payload
	Payload        string
}

// ReceiveInbound acts on one update of a messenger channel, once: a client
// seen for the first time becomes a subscriber; a message goes to the chat
// (W4); a tap is handled as a postback (R3). Updates delivered again are
// ignored. Bad taps are refused with EINVALID. Text is cleaned before it is
// stored (H1): a messenger's update is never refused for its bytes.
func (a *App) ReceiveInbound(ctx context.Context, ch *beseda.Channel, ev InboundEvent) error {
	for _, s := range []*string{&ev.ExternalUserID, &ev.Name, &ev.UpdateKey, &ev.Text, &ev.Payload} {
		*s = beseda.SanitizeText(*s)
	}
	if ev.ExternalUserID == "" {
		return beseda.Errorf(beseda.EINVALID, "the update names no client")
	}
	return a.db.Update(ctx, func(tx *store.Tx) error {
		if ev.UpdateKey != "" {
			fresh, err := tx.RecordInbound(ctx, ch.ID, ev.UpdateKey, a.now())
			if err != nil || !fresh {
				return err
			}
		}
		sub := &beseda.Subscriber{WorkspaceID: ch.WorkspaceID, ChannelID: ch.ID, ExternalID: ev.ExternalUserID,
			Name: ev.Name, CreatedAt: a.now()}
		if err := tx.CreateSubscriber(ctx, sub); err != nil {
			return err
		}
		locked, err := tx.LockSubscriber(ctx, ch.WorkspaceID, sub.ID)
		if err != nil {
			return err
		}
		if ev.Postback {
			return a.receivePostback(ctx, tx, locked, ev.Payload)
		}
		_, err = a.receiveMessage(ctx, tx, locked, ev.Text)
		return err
	})
}
