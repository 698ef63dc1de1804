package app

import (
	"context"
	"slices"
	"strings"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/store"
)

// ListTemplates returns a channel's message templates as last synced from
// its platform, those in the language of the client (if given, as a
// subscriber's locale) first. Any manager of the workspace: they pick them.
// Returns ENOTFOUND.
func (a *Templates) ListTemplates(ctx context.Context, actor *beseda.User, channelID int64, clientLanguage string) ([]beseda.MessageTemplate, error) {
	if _, err := a.db.FindChannelByID(ctx, actor.WorkspaceID, channelID); err != nil {
		return nil, err
	}
	ts, err := a.db.FindTemplates(ctx, channelID)
	if err != nil {
		return nil, err
	}
	beseda.SortTemplates(ts, clientLanguage)
	return ts, nil
}

// SyncTemplates reads a channel's templates from its platform now (every
// page) and returns them. Any manager of the workspace. Returns ENOTFOUND,
// EINVALID for a channel whose platform has none; a platform that cannot be
// reached is an error that names it.
func (a *Templates) SyncTemplates(ctx context.Context, actor *beseda.User, channelID int64) ([]beseda.MessageTemplate, error) {
	ch, err := a.db.FindChannelByID(ctx, actor.WorkspaceID, channelID)
	if err != nil {
		return nil, err
	}
	if _, ok := a.cfg.Channels.Of(ch.Kind).(beseda.TemplateChannel); !ok {
		return nil, beseda.Errorf(beseda.EINVALID, "%s channels have no message templates", ch.Kind)
	}
	if err := a.sync(ctx, ch); err != nil {
		return nil, err
	}
	return a.ListTemplates(ctx, actor, channelID, "")
}

// SyncAllTemplates syncs the templates of every enabled channel whose
// platform keeps them (the periodic job); a channel that fails is logged and
// the others go on. It returns how many were synced.
func (a *Templates) SyncAllTemplates(ctx context.Context) (int, error) {
	n := 0
	for _, t := range a.cfg.Channels.All() {
		if _, ok := t.(beseda.TemplateChannel); !ok {
			continue
		}
		channels, err := a.db.FindChannelsOfKind(ctx, t.Kind())
		if err != nil {
			return n, err
		}
		for _, ch := range channels {
			if err := a.sync(ctx, ch); err != nil {
				a.log.Warn("template sync failed", "workspace", ch.WorkspaceID, "channel", ch.ID, "err", err)
				continue
			}
			n++
		}
	}
	return n, nil
}

// syncConnected syncs a channel just connected or given new settings; a
// failure is logged, not the connection's: the next sync tries again.
func (a *core) syncConnected(ctx context.Context, ch *beseda.Channel) {
	if _, ok := a.cfg.Channels.Of(ch.Kind).(beseda.TemplateChannel); !ok {
		return
	}
	if err := a.app.Templates.sync(ctx, ch); err != nil {
		a.log.Warn("template sync failed", "workspace", ch.WorkspaceID, "channel", ch.ID, "err", err)
	}
}

// sync reads the channel's templates from the platform and replaces the
// stored ones.
func (a *Templates) sync(ctx context.Context, ch *beseda.Channel) error {
	tc, ok := a.cfg.Channels.Of(ch.Kind).(beseda.TemplateChannel)
	if !ok {
		return nil
	}
	ts, err := tc.Templates(ctx, ch)
	if err != nil {
		return err
	}
	now := a.now()
	return a.db.Update(ctx, func(tx *store.Tx) error { return tx.ReplaceTemplates(ctx, ch.ID, ts, now) })
}

// templateChanged records a template's new review status from the
// platform's webhook; a template Beseda has not seen yet (just created)
// brings a whole sync.
func (a *Templates) templateChanged(ctx context.Context, ch *beseda.Channel, up beseda.TemplateUpdate) error {
	var known bool
	err := a.db.Update(ctx, func(tx *store.Tx) error {
		var err error
		known, err = tx.SetTemplateStatus(ctx, ch.ID, up.Name, up.Language, up.Status)
		return err
	})
	if err != nil || known {
		return err
	}
	return a.sync(ctx, ch)
}

// resolveTemplate checks a template reference against the client's channel
// (an approved template of its own, with its parameters) and returns it with
// its text rendered. Returns EINVALID.
func (a *core) resolveTemplate(ctx context.Context, tx *store.Tx, sub *beseda.Subscriber, ref beseda.TemplateRef) (*beseda.TemplateRef, error) {
	if err := ref.Validate(); err != nil {
		return nil, err
	}
	if _, ok := a.cfg.Channels.Of(sub.ChannelKind).(beseda.TemplateChannel); !ok {
		return nil, beseda.Errorf(beseda.EINVALID, "the client's channel takes no message templates")
	}
	t, err := tx.FindTemplate(ctx, sub.ChannelID, ref.Name, ref.Language)
	if beseda.ErrorCode(err) == beseda.ENOTFOUND {
		return nil, beseda.Errorf(beseda.EINVALID, "the channel has no template %s in %s (sync its templates?)", ref.Name, ref.Language)
	} else if err != nil {
		return nil, err
	}
	if !t.Approved() {
		return nil, beseda.Errorf(beseda.EINVALID, "template %s is %s, not approved", ref.Name, t.Status)
	}
	if ref.Text, err = t.Render(ref.Parameters); err != nil {
		return nil, err
	}
	return &ref, nil
}

// RatingTemplate returns the template the rating form goes as when the
// client's window is closed, or nil when none is chosen.
func (a *Templates) RatingTemplate(ctx context.Context, actor *beseda.User) (*beseda.TemplateRef, error) {
	return a.db.FindRatingTemplate(ctx, actor.WorkspaceID)
}

// SetRatingTemplate chooses the rating template (nil, or an empty name,
// clears it): an approved template of one of the workspace's template
// channels, with one quick-reply button per rating (the form's 1–3) and no
// parameters, as last synced. The change is in the audit log
// (standard_messages.changed). Needs standard_messages.edit. Returns
// EINVALID for a template no channel has, or one that does not fit (the
// choice stays as it was).
func (a *Templates) SetRatingTemplate(ctx context.Context, actor *beseda.User, ref *beseda.TemplateRef) (*beseda.TemplateRef, error) {
	if err := actor.Require(beseda.PermStandardMessagesEdit); err != nil {
		return nil, err
	}
	if ref != nil && ref.Name == "" {
		ref = nil
	}
	if ref != nil {
		if err := ref.Validate(); err != nil {
			return nil, err
		}
		ref.Parameters, ref.Text = nil, ""
	}
	err := a.db.Update(ctx, func(tx *store.Tx) error {
		if ref != nil {
			if err := a.checkRatingTemplate(ctx, tx, actor.WorkspaceID, *ref); err != nil {
				return err
			}
		}
		before, err := tx.FindRatingTemplate(ctx, actor.WorkspaceID)
		if err != nil {
			return err
		}
		if err := tx.SetRatingTemplate(ctx, actor.WorkspaceID, ref, a.now()); err != nil {
			return err
		}
		// The rating form is a standard message; the entry says which
		// template it goes as, when that changed.
		changes := beseda.AuditChanges(map[string]any{"rating_template": ratingTemplateName(before)},
			map[string]any{"rating_template": ratingTemplateName(ref)})
		if len(changes) == 0 {
			return nil
		}
		return a.audit(ctx, tx, actor.WorkspaceID, actor, beseda.AuditStandardMessages, AuditTarget{Kind: "settings"}, changes)
	})
	if err != nil {
		return nil, err
	}
	return ref, nil
}

// ratingTemplateName is how the audit log shows a rating template: "name
// (language)", or nil for none.
func ratingTemplateName(ref *beseda.TemplateRef) any {
	if ref == nil {
		return nil
	}
	return ref.Name + " (" + ref.Language + ")"
}

// checkRatingTemplate decides whether ref may be the workspace's rating
// template: some template channel of the workspace has it, and it fits.
// Returns EINVALID.
func (a *Templates) checkRatingTemplate(ctx context.Context, tx *store.Tx, workspaceID int64, ref beseda.TemplateRef) error {
	choices, has, err := a.ratingChoices(ctx, tx, workspaceID)
	if err != nil {
		return err
	}
	if !has {
		return beseda.Errorf(beseda.EINVALID, "the workspace has no channel with message templates")
	}
	for _, c := range choices {
		if c.Template.Name == ref.Name && c.Template.Language == ref.Language {
			return c.Fit.Err(ref.Name, ref.Language)
		}
	}
	return beseda.Errorf(beseda.EINVALID, "no channel of the workspace has template %s in %s (sync its templates?)", ref.Name, ref.Language)
}

// RatingChoice is a template as a choice for the rating form: the
// workspace's template channels' templates, once per name and language,
// with whether it fits (RatingFits when one channel's copy does).
type RatingChoice struct {
	Template beseda.MessageTemplate
	Fit      beseda.RatingFit
}

// RatingTemplateChoices returns the templates the workspace's template
// channels have, by name and language, each with whether it can
// be the rating form, and whether the workspace has any such channel at
// all. Needs standard_messages.edit.
func (a *Templates) RatingTemplateChoices(ctx context.Context, actor *beseda.User) ([]RatingChoice, bool, error) {
	if err := actor.Require(beseda.PermStandardMessagesEdit); err != nil {
		return nil, false, err
	}
	return a.ratingChoices(ctx, a.db, actor.WorkspaceID)
}

// templateReader is what ratingChoices reads, in a transaction or not.
type templateReader interface {
	FindChannels(ctx context.Context, workspaceID int64) ([]*beseda.Channel, error)
	FindTemplates(ctx context.Context, channelID int64) ([]beseda.MessageTemplate, error)
}

func (a *Templates) ratingChoices(ctx context.Context, r templateReader, workspaceID int64) ([]RatingChoice, bool, error) {
	channels, err := r.FindChannels(ctx, workspaceID)
	if err != nil {
		return nil, false, err
	}
	var out []RatingChoice
	at := map[string]int{}
	has := false
	for _, ch := range channels {
		if _, ok := a.cfg.Channels.Of(ch.Kind).(beseda.TemplateChannel); !ok {
			continue
		}
		has = true
		ts, err := r.FindTemplates(ctx, ch.ID)
		if err != nil {
			return nil, false, err
		}
		for _, t := range ts {
			key := t.Name + "\x00" + t.Language
			fit := t.RatingFit()
			if i, ok := at[key]; ok {
				if fit == beseda.RatingFits && out[i].Fit != beseda.RatingFits {
					out[i] = RatingChoice{Template: t, Fit: fit}
				}
				continue
			}
			at[key] = len(out)
			out = append(out, RatingChoice{Template: t, Fit: fit})
		}
	}
	slices.SortFunc(out, func(x, y RatingChoice) int {
		if c := strings.Compare(x.Template.Name, y.Template.Name); c != 0 {
			return c
		}
		return strings.Compare(x.Template.Language, y.Template.Language)
	})
	return out, has, nil
}

// ratingTemplateForm is the rating form as the workspace's rating template,
// for a client whose window is closed: nil when the client's channel has no
// such approved template with three quick replies and no parameters.
func (a *core) ratingTemplateForm(ctx context.Context, tx *store.Tx, sub *beseda.Subscriber, buttons []beseda.Button) (*beseda.Message, error) {
	if _, ok := a.cfg.Channels.Of(sub.ChannelKind).(beseda.TemplateChannel); !ok {
		return nil, nil
	}
	ref, err := tx.FindRatingTemplate(ctx, sub.WorkspaceID)
	if err != nil || ref == nil {
		return nil, err
	}
	t, err := tx.FindTemplate(ctx, sub.ChannelID, ref.Name, ref.Language)
	if beseda.ErrorCode(err) == beseda.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	replies := t.QuickReplies()
	if t.RatingFit() != beseda.RatingFits || len(replies) != len(buttons) {
		return nil, nil
	}
	// The template's quick replies, in order, carry the form's signed
	// payloads: a tap is a rating click like any other (R3).
	form := make([]beseda.Button, len(buttons))
	for i, b := range buttons {
		form[i] = beseda.Button{Title: replies[i], Payload: b.Payload}
	}
	return &beseda.Message{Text: t.Body, Template: &beseda.TemplateRef{Name: t.Name, Language: t.Language}, Buttons: form}, nil
}
