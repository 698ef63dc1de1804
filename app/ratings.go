package app

import (
	"context"
	"fmt"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/store"
)

// StandardMessages returns the workspace's standard messages in every
// language the product speaks: its own texts, or each language's defaults;
// the flat fields are the workspace language's.
func (a *Ratings) StandardMessages(ctx context.Context, actor *beseda.User) (beseda.StandardTexts, error) {
	return a.standardTexts(ctx, a.db, actor.WorkspaceID)
}

type standardTextsReader interface {
	FindStandardTexts(ctx context.Context, workspaceID int64) (map[beseda.Locale]beseda.StandardMessages, error)
	FindWorkspaceByID(ctx context.Context, id int64) (*beseda.Workspace, error)
}

func (a *Ratings) standardTexts(ctx context.Context, r standardTextsReader, workspaceID int64) (beseda.StandardTexts, error) {
	ws, err := r.FindWorkspaceByID(ctx, workspaceID)
	if err != nil {
		return beseda.StandardTexts{}, err
	}
	own, err := r.FindStandardTexts(ctx, workspaceID)
	if err != nil {
		return beseda.StandardTexts{}, err
	}
	t := beseda.StandardTexts{Locale: ws.Locale, Languages: map[beseda.Locale]beseda.StandardMessages{}}
	for _, l := range beseda.Locales {
		m, ok := own[l]
		if !ok {
			m = beseda.DefaultStandardMessages(l)
		}
		t.Languages[l] = m
	}
	t.StandardMessages = t.Languages[ws.Locale]
	return t, nil
}

// UpdateStandardMessages changes the rating form's texts and the thank-you
// (R2), of the workspace's language (the flat fields) or of any language.
// Needs standard_messages.edit.
func (a *Ratings) UpdateStandardMessages(ctx context.Context, actor *beseda.User, upd beseda.StandardTextsUpdate) (beseda.StandardTexts, error) {
	if err := actor.Require(beseda.PermStandardMessagesEdit); err != nil {
		return beseda.StandardTexts{}, err
	}
	var t beseda.StandardTexts
	err := a.db.Update(ctx, func(tx *store.Tx) error {
		var err error
		if t, err = a.standardTexts(ctx, tx, actor.WorkspaceID); err != nil {
			return err
		}
		before := map[beseda.Locale]beseda.StandardMessages{}
		for l, m := range t.Languages {
			before[l] = m
		}
		changes, err := upd.Split(t.Locale)
		if err != nil {
			return err
		}
		for _, l := range beseda.Locales {
			lu, ok := changes[l]
			if !ok {
				continue
			}
			m, err := lu.Apply(t.Languages[l])
			if err != nil {
				return err
			}
			if err := tx.SaveStandardMessages(ctx, actor.WorkspaceID, l, m, a.now()); err != nil {
				return err
			}
			t.Languages[l] = m
		}
		t.StandardMessages = t.Languages[t.Locale]
		return a.audit(ctx, tx, actor.WorkspaceID, actor, beseda.AuditStandardMessages, AuditTarget{Kind: "settings"},
			beseda.AuditChanges(before, t.Languages))
	})
	return t, err
}

// sendRatingForm sends the client the rating form when a dialog is completed
// (R1, R2): the standard message with three signed buttons, in the client's
// language when the product speaks it, else the workspace's. Outside the
// channel's send window (24 hours, say) the product may not write
// to the client, so then the form is not sent and the dialog says why.
func (a *Ratings) sendRatingForm(ctx context.Context, tx *store.Tx, sub *beseda.Subscriber, d *beseda.Dialog, actor *beseda.User) error {
	texts, err := a.standardTexts(ctx, tx, d.WorkspaceID)
	if err != nil {
		return err
	}
	text, buttons := texts.For(sub.Locale).RatingForm(a.cfg.Secret, d.ID, sub.ID)
	m := &beseda.Message{Text: text, Buttons: buttons}
	window := a.cfg.Channels.Of(sub.ChannelKind).Window()
	if window.Mode(beseda.SourceSystem, sub.LastInboundAt, a.now()) == beseda.SendClosed {
		// Outside the window only the workspace's rating template goes.
		if m, err = a.ratingTemplateForm(ctx, tx, sub, buttons); err != nil {
			return err
		}
		if m == nil {
			d.RatingFormSent, d.RatingFormError = false, beseda.OutsideWindow
			return a.record(ctx, tx, d.ID, actor, beseda.EventRatingFormFailed, beseda.EventData{Reason: beseda.OutsideWindow})
		}
	}
	m.WorkspaceID, m.SubscriberID, m.ChannelID, m.DialogID = sub.WorkspaceID, sub.ID, sub.ChannelID, &d.ID
	m.Direction, m.Source, m.CreatedAt = beseda.DirectionOut, beseda.SourceSystem, a.now()
	if err := a.out.Produce(ctx, tx, sub, m); err != nil {
		return err
	}
	d.RatingFormSent, d.RatingFormError, d.RatingFormMessageID = true, "", &m.ID
	return a.record(ctx, tx, d.ID, actor, beseda.EventRatingFormSent, beseda.EventData{})
}

// rateByClient records the client's tap on the rating form (R3): the first
// tap sets the dialog's client rating and sends the thank-you; later taps
// change nothing and send nothing, and late says so. A payload that was not
// signed for this client is refused.
func (a *Ratings) rateByClient(ctx context.Context, tx *store.Tx, sub *beseda.Subscriber, payload string) (late bool, err error) {
	d, value, late, err := acceptRatingClick(ctx, tx, a.cfg.Secret, sub, payload)
	if d == nil {
		return late, err
	}
	return false, a.rateDialog(ctx, tx, sub, d, value)
}

// dialogFinder reads a dialog; *store.Tx implements it, the rules' tests
// fake it.
type dialogFinder interface {
	FindDialogByID(ctx context.Context, workspaceID, id int64) (*beseda.Dialog, error)
}

// acceptRatingClick decides a client's click on a rating form (R3). A
// payload not signed for this client, or naming a dialog that is not
// theirs, is refused. The first click sets the rating on the dialog it
// returns, to be stored; a later one returns no dialog and late. A failure
// to read is not the click's fault: it is returned, not refused, so that the
// messenger (or the widget) sends the click again rather than it being lost.
func acceptRatingClick(ctx context.Context, dialogs dialogFinder, secret []byte, sub *beseda.Subscriber,
	payload string) (d *beseda.Dialog, value int, late bool, err error) {
	dialogID, value, ok := beseda.ParseRatingPayload(secret, payload, sub.ID)
	if !ok {
		return nil, 0, false, beseda.Errorf(beseda.EINVALID, "this rating button is not valid")
	}
	d, err = dialogs.FindDialogByID(ctx, sub.WorkspaceID, dialogID)
	if beseda.ErrorCode(err) == beseda.ENOTFOUND {
		return nil, 0, false, beseda.Errorf(beseda.EINVALID, "this rating button is not valid")
	} else if err != nil {
		return nil, 0, false, fmt.Errorf("rate dialog %d: %w", dialogID, err)
	}
	if late, err := d.RateByClient(sub.ID, value); late || err != nil {
		return nil, 0, late, err
	}
	return d, value, false, nil
}

// rateDialog records the client's rating of a dialog, already set on d by
// RateByClient, and thanks them.
func (a *Ratings) rateDialog(ctx context.Context, tx *store.Tx, sub *beseda.Subscriber, d *beseda.Dialog, value int) error {
	d.UpdatedAt = a.now()
	if err := tx.SaveDialog(ctx, d); err != nil {
		return err
	}
	if err := a.record(ctx, tx, d.ID, nil, beseda.EventClientRated, beseda.EventData{Rating: value}); err != nil {
		return err
	}
	a.webhookEvent(ctx, tx, d.WorkspaceID, beseda.WebhookDialogClientRated, d)
	if err := a.emitDialog(ctx, tx, d); err != nil {
		return err
	}
	texts, err := a.standardTexts(ctx, tx, d.WorkspaceID)
	if err != nil {
		return err
	}
	a.log.Info("client rated a dialog", "workspace", d.WorkspaceID, "dialog", d.ID, "rating", value)
	return a.out.Produce(ctx, tx, sub, &beseda.Message{WorkspaceID: sub.WorkspaceID, SubscriberID: sub.ID,
		ChannelID: sub.ChannelID, DialogID: &d.ID, Direction: beseda.DirectionOut, Source: beseda.SourceSystem,
		Text: texts.For(sub.Locale).ThankYou, CreatedAt: a.now()})
}

// withAnswers marks, on the rating forms among msgs, the button each
// client chose (R3): one read of the dialogs' ratings, only when a page has
// a form.
func (a *Ratings) withAnswers(ctx context.Context, workspaceID int64, msgs []*beseda.Message) ([]*beseda.Message, error) {
	var dialogs []int64
	for _, m := range msgs {
		if m.IsRatingForm() {
			dialogs = append(dialogs, *m.DialogID)
		}
	}
	if len(dialogs) == 0 {
		return msgs, nil
	}
	ratings, err := a.db.FindClientRatings(ctx, workspaceID, dialogs)
	if err != nil {
		return nil, err
	}
	for _, m := range msgs {
		if rating, ok := ratings[deref(m.DialogID)]; ok && m.IsRatingForm() {
			beseda.MarkRatingChoice(a.cfg.Secret, m, rating)
		}
	}
	return msgs, nil
}

func deref(id *int64) int64 {
	if id == nil {
		return 0
	}
	return *id
}

// ratingFormFailed reports on its dialog that the rating form could not be
// delivered (a messenger refused it).
func (a *Ratings) ratingFormFailed(ctx context.Context, tx *store.Tx, workspaceID, messageID int64, reason string) error {
	dialogID, err := tx.FailRatingForm(ctx, messageID, reason)
	if err != nil || dialogID == 0 {
		return err
	}
	if err := a.record(ctx, tx, dialogID, nil, beseda.EventRatingFormFailed, beseda.EventData{Reason: reason}); err != nil {
		return err
	}
	d, err := tx.FindDialogByID(ctx, workspaceID, dialogID)
	if err != nil {
		return err
	}
	return a.emitDialog(ctx, tx, d)
}
