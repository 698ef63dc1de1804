package app

import (
	"context"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/outbox"
	"github.com/beseda/beseda/store"
)

// ReceiveReport records a platform's reports on messages Beseda sent (an
// event with Sent or Status, see beseda.InboundEvent), in one transaction:
// a send a crash hid is confirmed first (D3), then the message's delivery
// state moves forward, never back, so that reports delivered again or out
// of order change nothing. Each change reaches consoles live and
// integrations as a webhook event (message.delivered, message.read,
// message.failed). A report on a client Beseda does not know changes
// nothing.
func (a *Delivery) ReceiveReport(ctx context.Context, ch *beseda.Channel, ev beseda.InboundEvent) error {
	return a.db.Update(ctx, func(tx *store.Tx) error {
		if ev.Sent != nil {
			if err := a.out.ConfirmSent(ctx, tx, ch, *ev.Sent); err != nil {
				return err
			}
		}
		rep := ev.Status
		if rep == nil {
			return nil
		}
		var subscriberID int64
		if rep.MessageID == 0 {
			sub, err := tx.FindSubscriberByExternalID(ctx, ch.ID, beseda.SanitizeText(ev.ExternalUserID))
			if beseda.ErrorCode(err) == beseda.ENOTFOUND {
				return nil
			} else if err != nil {
				return err
			}
			subscriberID = sub.ID
		}
		msgs, err := tx.RecordDeliveryState(ctx, ch.ID, subscriberID, *rep, a.now())
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if err := (outboxEvents{a.core}).Changed(ctx, tx, outbox.Change{WorkspaceID: m.WorkspaceID,
				SubscriberIDs: []int64{m.SubscriberID}, IDs: []int64{m.ID}, Status: m.Status, Reason: m.Reason}); err != nil {
				return err
			}
			switch rep.State {
			case beseda.DeliveryDelivered:
				a.webhookEvent(ctx, tx, m.WorkspaceID, beseda.WebhookMessageDelivered, m)
			case beseda.DeliveryRead:
				a.webhookEvent(ctx, tx, m.WorkspaceID, beseda.WebhookMessageRead, m)
			case beseda.DeliveryFailed:
				if err := a.messageFailed(ctx, tx, m); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// messageFailed tells integrations that an outgoing message failed for
// good (message.failed, with its id and reason), so that its producer can
// act (send a template, reach the client elsewhere); a failed rating form
// is noted on its dialog.
func (a *Delivery) messageFailed(ctx context.Context, tx *store.Tx, m *beseda.Message) error {
	a.webhookEvent(ctx, tx, m.WorkspaceID, beseda.WebhookMessageFailed, m)
	return a.app.Ratings.ratingFormFailed(ctx, tx, m.WorkspaceID, m.ID, m.Reason)
}
