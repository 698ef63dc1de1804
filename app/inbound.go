package app

import (
	"context"
	"strings"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/store"
)

// ReceiveInbound acts on one event of a messenger channel, once: a client
// seen for the first time becomes a subscriber; a message goes to the chat
// (W4); a tap is handled as a postback (R3). Events delivered again (the same
// Key) are ignored. Bad taps are refused with EINVALID. Text is cleaned before
// it is stored (H1), a long name is cut, and a text longer than the channel
// takes is stored shortened with a note saying so (TextLimit.Shorten): a
// messenger's event is never refused for its bytes. The message's files are fetched from the platform
// and stored with it (see fetchMedia). Any other error means the event was
// not stored and may be tried again (see RecordInboundFailure).
func (a *Inbox) ReceiveInbound(ctx context.Context, ch *beseda.Channel, ev beseda.InboundEvent) error {
	if ev.Template != nil {
		return a.app.Templates.templateChanged(ctx, ch, *ev.Template)
	}
	if ev.Sent != nil || ev.Status != nil {
		return a.app.Delivery.ReceiveReport(ctx, ch, ev)
	}
	for _, s := range []*string{&ev.ExternalUserID, &ev.Name, &ev.Key, &ev.Text, &ev.Payload} {
		*s = beseda.SanitizeText(*s)
	}
	if ev.ExternalUserID == "" {
		return beseda.Errorf(beseda.EINVALID, "the update names no client")
	}
	ev.Name = beseda.CutName(ev.Name)
	if text := strings.TrimSpace(ev.Text); text != "" {
		if ev.Text = a.textLimit(ch.Kind).Shorten(text); ev.Text != text {
			a.log.Info("client text shortened to the channel's limit", "workspace", ch.WorkspaceID, "channel", ch.ID,
				"kind", ch.Kind, "event", ev.Key)
		}
	}
	files, err := a.fetchMedia(ctx, ch, &ev)
	if err != nil {
		return err
	}
	kept := false // the files fetched are the message's
	var routed *beseda.Subscriber
	defer func() {
		if !kept {
			a.removeFetched(files)
		}
	}()
	err = a.db.Update(ctx, func(tx *store.Tx) error {
		kept = false
		if ev.Key != "" {
			fresh, err := tx.RecordInbound(ctx, ch.ID, ev.Key, a.now())
			if err != nil || !fresh {
				return err
			}
		}
		sub := &beseda.Subscriber{WorkspaceID: ch.WorkspaceID, ChannelID: ch.ID, ExternalID: ev.ExternalUserID,
			Name: ev.Name, Locale: beseda.ClientLanguage(ev.Locale), CreatedAt: a.now()}
		if err := tx.CreateSubscriber(ctx, sub); err != nil {
			return err
		}
		locked, err := tx.LockSubscriber(ctx, ch.WorkspaceID, sub.ID)
		if err != nil {
			return err
		}
		if err := a.noteLanguage(ctx, tx, locked, ev.Locale); err != nil {
			return err
		}
		if ev.Postback {
			// A late tap on a rating form answers nothing new: the
			// platform's buttons cannot be switched off (R3).
			_, err := a.receivePostback(ctx, tx, locked, ev.Payload)
			return err
		}
		ids, err := a.storeFetched(ctx, tx, locked, files)
		if err != nil {
			return err
		}
		_, err = a.app.Messages.receiveFiles(ctx, tx, locked, beseda.MessageInput{Text: ev.Text, AttachmentIDs: ids})
		kept = err == nil && len(ids) > 0
		routed = locked
		return err
	})
	kept = kept && err == nil
	if err == nil {
		a.routeAfterInbound(ctx, routed)
	}
	return err
}

// ReceivePostback handles a client's tap on a button (see receivePostback);
// late reports a tap on a rating form the client had answered already.
// language is the client's as their browser reports it, if it says.
func (a *Inbox) ReceivePostback(ctx context.Context, sub *beseda.Subscriber, payload, language string) (late bool, err error) {
	err = a.db.Update(ctx, func(tx *store.Tx) error {
		locked, err := tx.LockSubscriber(ctx, sub.WorkspaceID, sub.ID)
		if err != nil {
			return err
		}
		if err := a.noteLanguage(ctx, tx, locked, language); err != nil {
			return err
		}
		late, err = a.receivePostback(ctx, tx, locked, payload)
		return err
	})
	return late, err
}

// receivePostback handles a tap, in any channel: a rating button records the
// client's rating (R3), or, on a form answered before, changes nothing and
// reports late; any other button the client was sent becomes a client
// message with its caption. Payloads the client was not sent are refused.
func (a *Inbox) receivePostback(ctx context.Context, tx *store.Tx, sub *beseda.Subscriber, payload string) (late bool, err error) {
	payload = beseda.SanitizeText(payload)
	if payload == "" || len(payload) > 1000 {
		return false, beseda.Errorf(beseda.EINVALID, "payload must be 1 to 1000 bytes")
	}
	if beseda.IsRatingPayload(payload) {
		return a.app.Ratings.rateByClient(ctx, tx, sub, payload)
	}
	b, err := tx.FindButton(ctx, sub.ID, payload)
	if err != nil {
		return false, err
	}
	_, err = a.app.Messages.receiveMessage(ctx, tx, sub, b.Title)
	return false, err
}

// noteLanguage keeps the language the client's app or browser reports (a
// BCP 47 tag; nothing when it says nothing), for the standard messages they
// get: a write only when it changed.
func (a *core) noteLanguage(ctx context.Context, tx *store.Tx, sub *beseda.Subscriber, reported string) error {
	lang := beseda.ClientLanguage(reported)
	if lang == "" || lang == sub.Locale {
		return nil
	}
	sub.Locale = lang
	return tx.SetSubscriberLanguage(ctx, sub.ID, lang)
}

// Retrying an event that could not be stored: after 30 s, then twice as long
// each time up to an hour, for about a day.
const (
	inboundFirstRetry  = 30 * time.Second
	inboundMaxBackoff  = time.Hour
	inboundMaxAttempts = 30
)

func inboundBackoff(attempts int) time.Duration {
	return min(inboundFirstRetry<<min(attempts-1, 20), inboundMaxBackoff)
}

// RecordInboundFailure keeps an event that could not be stored (SPEC H7): it
// is recorded with its channel, as the platform sent it and why, logged at
// ERROR, and a job tries it again later with backoff, so that a passing
// database failure loses no message or rating tap.
func (a *Inbox) RecordInboundFailure(ctx context.Context, ch *beseda.Channel, ev beseda.InboundEvent, cause error) error {
	now := a.now()
	next := now.Add(inboundBackoff(1))
	f := &store.InboundFailure{ChannelID: ch.ID, Event: ev, Raw: string(ev.Raw), LastError: cause.Error(), Attempts: 1,
		ReceivedAt: now, NextAttemptAt: &next}
	fresh := false
	err := a.db.Update(ctx, func(tx *store.Tx) error {
		var err error
		if fresh, err = tx.CreateInboundFailure(ctx, f); err != nil || !fresh || a.jobs == nil {
			return err
		}
		return a.jobs.RetryInbound(ctx, tx, f.ID, next)
	})
	if err != nil {
		return err
	}
	if !fresh {
		a.log.Warn("webhook event not stored again; it waits for its retry", "workspace", ch.WorkspaceID,
			"channel", ch.ID, "kind", ch.Kind, "event", ev.Key, "err", cause)
		return nil
	}
	a.log.Error("webhook event not stored; recorded to try again", "workspace", ch.WorkspaceID, "channel", ch.ID,
		"kind", ch.Kind, "failure", f.ID, "event", ev.Key, "err", cause)
	return nil
}

// RetryInboundFailure tries a recorded event again, when it is due; wait is
// how long until it is (the job checks again then). An event stored or
// refused for good is settled; one that fails again waits longer, until the
// attempts run out.
func (a *Inbox) RetryInboundFailure(ctx context.Context, id int64) (wait time.Duration, err error) {
	f, err := a.db.FindInboundFailure(ctx, id)
	if beseda.ErrorCode(err) == beseda.ENOTFOUND {
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	now := a.now()
	if f.SettledAt != nil || f.NextAttemptAt == nil {
		return 0, nil
	}
	if now.Before(*f.NextAttemptAt) {
		return f.NextAttemptAt.Sub(now), nil
	}
	ch, err := a.db.FindChannel(ctx, f.ChannelID)
	if err != nil {
		return 0, err
	}
	attempts := f.Attempts + 1
	log := a.log.With("workspace", ch.WorkspaceID, "channel", ch.ID, "failure", f.ID, "event", f.Event.Key, "attempts", attempts)
	rerr := a.ReceiveInbound(ctx, ch, f.Event)
	switch code := beseda.ErrorCode(rerr); {
	case rerr == nil:
		log.Info("recorded webhook event stored")
		return 0, a.db.Update(ctx, func(tx *store.Tx) error {
			return tx.SettleInboundFailure(ctx, f.ID, attempts, store.InboundStored, f.LastError, now)
		})
	case code == beseda.EINVALID:
		log.Info("recorded webhook event refused", "reason", beseda.ErrorMessage(rerr))
		return 0, a.db.Update(ctx, func(tx *store.Tx) error {
			return tx.SettleInboundFailure(ctx, f.ID, attempts, store.InboundRefused, beseda.ErrorMessage(rerr), now)
		})
	case attempts >= inboundMaxAttempts:
		log.Error("recorded webhook event given up", "err", rerr)
		return 0, a.db.Update(ctx, func(tx *store.Tx) error {
			return tx.SettleInboundFailure(ctx, f.ID, attempts, store.InboundGaveUp, rerr.Error(), now)
		})
	}
	next := now.Add(inboundBackoff(attempts))
	log.Warn("recorded webhook event failed again", "next", next, "err", rerr)
	return 0, a.db.Update(ctx, func(tx *store.Tx) error {
		if err := tx.RetryInboundLater(ctx, f.ID, attempts, rerr.Error(), next); err != nil {
			return err
		}
		if a.jobs == nil {
			return nil
		}
		return a.jobs.RetryInbound(ctx, tx, f.ID, next)
	})
}

// ChannelByKey finds a channel by the public key in its widget or webhook URL: where
// a webhook or a visitor came to.
func (a *Inbox) ChannelByKey(ctx context.Context, key string) (*beseda.Channel, error) {
	if beseda.CheckText("key", key) != nil {
		return nil, beseda.NotFound("channel") // no key holds such bytes; PostgreSQL would fail on them (H2)
	}
	return a.db.FindChannelByKey(ctx, key)
}
