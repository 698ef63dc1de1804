package app

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/store"
)

// CreateDialog opens a dialog in a subscriber's chat (C1–C3). The subscriber's
// row is locked first, so that of N concurrent creates exactly one succeeds
// and the others get active_dialog_exists naming it; the partial unique index
// dialogs_one_active backs the rule up. The dialog is answered as written,
// not read back.
func (a *Dialogs) CreateDialog(ctx context.Context, actor *beseda.User, in beseda.DialogCreate) (*beseda.Dialog, error) {
	// Participants not given: the chat's assignee joins the creator (A7).
	withAssignee := in.ParticipantIDs == nil
	if err := in.Validate(actor.ID); err != nil {
		return nil, err
	}
	now := a.now()
	d := &beseda.Dialog{WorkspaceID: actor.WorkspaceID, SubscriberID: in.SubscriberID, Title: in.Title,
		Status: beseda.DialogActive, CreatedBy: actor.Ref(), CreatedAt: now, UpdatedAt: now}
	err := a.db.Update(ctx, func(tx *store.Tx) error {
		sub, err := lockToOpenDialog(ctx, tx, actor.WorkspaceID, in.SubscriberID)
		if err != nil {
			return err
		}
		d.Subscriber = beseda.Ref{ID: sub.ID, Name: sub.Name}
		if withAssignee && sub.Assignee != nil && !slices.Contains(in.ParticipantIDs, sub.Assignee.ID) {
			in.ParticipantIDs = append(in.ParticipantIDs, sub.Assignee.ID)
		}
		refs, err := tx.FindDialogRefs(ctx, actor.WorkspaceID, map[beseda.Catalog][]int64{
			beseda.CatalogTypes: {in.TypeID}, beseda.CatalogReasons: in.ReasonIDs, beseda.CatalogComponents: in.ComponentIDs,
		}, in.ParticipantIDs)
		if err != nil {
			return err
		}
		types, err := catalogRefs(refs, beseda.CatalogTypes, []int64{in.TypeID}, nil)
		if err != nil {
			return err
		}
		d.Type = types[0]
		if d.Reasons, err = catalogRefs(refs, beseda.CatalogReasons, in.ReasonIDs, nil); err != nil {
			return err
		}
		if d.Components, err = catalogRefs(refs, beseda.CatalogComponents, in.ComponentIDs, nil); err != nil {
			return err
		}
		if d.Participants, err = userRefs(refs, in.ParticipantIDs); err != nil {
			return err
		}
		startSLA, err := a.app.SLA.slaOfNewDialog(ctx, tx, d, refs.HasSLAPolicy(d.Type.ID))
		if err != nil {
			return err
		}
		if err := tx.CreateDialog(ctx, d); err != nil {
			return err
		}
		if err := startSLA(); err != nil {
			return err
		}
		a.webhookEvent(ctx, tx, d.WorkspaceID, beseda.WebhookDialogCreated, d)
		if err := a.record(ctx, tx, d.ID, actor, beseda.EventCreated, beseda.EventData{To: d.Title}); err != nil {
			return err
		}
		if err := a.emitDialog(ctx, tx, d); err != nil {
			return err
		}
		return a.participantsChanged(ctx, tx, d, actor, d.Participants[1:], nil)
	})
	if store.IsUniqueViolation(err) {
		// Only reachable if a writer skipped the subscriber lock; the schema holds.
		active, _ := a.db.FindActiveDialogID(ctx, in.SubscriberID)
		return nil, beseda.ActiveDialogConflict(beseda.EACTIVEDIALOG, active)
	} else if err != nil {
		return nil, err
	}
	a.log.Debug("dialog created", "workspace", d.WorkspaceID, "dialog", d.ID, "subscriber", d.SubscriberID, "by", actor.ID)
	sortDialogRefs(d)
	// All joined at once: the store lists them by id.
	slices.SortFunc(d.Participants, func(a, b beseda.Ref) int { return cmp.Compare(a.ID, b.ID) })
	return d, nil
}

// subscriberLocker locks a client's row. The rules about a client's dialogs
// (C3, W2) are decided on the locked row, so that concurrent writers queue
// behind one another and each sees what the one before did. *store.Tx
// implements it; the rules' tests fake it.
type subscriberLocker interface {
	LockSubscriber(ctx context.Context, workspaceID, id int64) (*beseda.Subscriber, error)
}

// lockToOpenDialog locks the client's row and decides C3 on it: a dialog may
// be opened only while none is active.
func lockToOpenDialog(ctx context.Context, tx subscriberLocker, workspaceID, subscriberID int64) (*beseda.Subscriber, error) {
	return lockDeciding(ctx, tx, workspaceID, subscriberID, (*beseda.Subscriber).MayOpenDialog)
}

// lockDeciding locks the client's row and decides rule on it: the client,
// or the rule's refusal.
func lockDeciding(ctx context.Context, tx subscriberLocker, workspaceID, subscriberID int64,
	rule func(*beseda.Subscriber) error) (*beseda.Subscriber, error) {
	sub, err := tx.LockSubscriber(ctx, workspaceID, subscriberID)
	if err != nil {
		return nil, err
	}
	if err := rule(sub); err != nil {
		return nil, err
	}
	return sub, nil
}

// GetDialog returns a dialog of the actor's workspace.
func (a *Dialogs) GetDialog(ctx context.Context, actor *beseda.User, id int64) (*beseda.Dialog, error) {
	return a.db.FindDialogByID(ctx, actor.WorkspaceID, id)
}

// ListDialogs returns dialogs of the actor's workspace, newest first (L1).
func (a *Dialogs) ListDialogs(ctx context.Context, actor *beseda.User, f beseda.DialogFilter) ([]*beseda.Dialog, error) {
	f.WorkspaceID = actor.WorkspaceID
	return a.db.FindDialogs(ctx, f)
}

// CountDialogs counts dialogs of the actor's workspace.
func (a *Dialogs) CountDialogs(ctx context.Context, actor *beseda.User, f beseda.DialogFilter) (int, error) {
	f.WorkspaceID = actor.WorkspaceID
	return a.db.CountDialogs(ctx, f)
}

// DialogEvents returns the history of a dialog (L3).
func (a *Dialogs) DialogEvents(ctx context.Context, actor *beseda.User, id int64) ([]*beseda.DialogEvent, error) {
	if _, err := a.db.FindDialogByID(ctx, actor.WorkspaceID, id); err != nil {
		return nil, err
	}
	return a.db.FindDialogEvents(ctx, id)
}

// UpdateDialog changes a dialog's settings and status (S1–S3, R1). Each change
// is recorded in the dialog's history (L3). The dialog is answered as
// written, not read back.
func (a *Dialogs) UpdateDialog(ctx context.Context, actor *beseda.User, id int64, upd beseda.DialogUpdate) (*beseda.Dialog, error) {
	if upd.IsEmpty() && upd.AccountRating == nil && upd.SendRatingForm == nil {
		return a.db.FindDialogByID(ctx, actor.WorkspaceID, id)
	}
	var d *beseda.Dialog
	err := a.withDialog(ctx, actor.WorkspaceID, id, func(tx *store.Tx, sub *beseda.Subscriber, locked *beseda.Dialog) error {
		d = locked
		if err := upd.Validate(d); err != nil {
			return err
		}
		return a.applyDialogUpdate(ctx, tx, sub, d, actor, upd)
	})
	if err != nil {
		return nil, err
	}
	sortDialogRefs(d)
	return d, nil
}

// withDialog runs fn in a transaction holding the lock of the dialog's
// subscriber, with the dialog read under that lock.
func (a *Dialogs) withDialog(ctx context.Context, workspaceID, dialogID int64, fn func(*store.Tx, *beseda.Subscriber, *beseda.Dialog) error) error {
	return a.db.Update(ctx, func(tx *store.Tx) error {
		sub, err := tx.LockSubscriberOfDialog(ctx, workspaceID, dialogID)
		if err != nil {
			return err
		}
		d, err := tx.FindDialogByID(ctx, workspaceID, dialogID)
		if err != nil {
			return err
		}
		return fn(tx, sub, d)
	})
}

func (a *Dialogs) applyDialogUpdate(ctx context.Context, tx *store.Tx, sub *beseda.Subscriber, d *beseda.Dialog,
	actor *beseda.User, upd beseda.DialogUpdate) error {
	ws := d.WorkspaceID
	lookup := map[beseda.Catalog][]int64{}
	if upd.TypeID != nil && *upd.TypeID != d.Type.ID {
		lookup[beseda.CatalogTypes] = []int64{*upd.TypeID}
	}
	if upd.ReasonIDs != nil {
		lookup[beseda.CatalogReasons] = *upd.ReasonIDs
	}
	if upd.ComponentIDs != nil {
		lookup[beseda.CatalogComponents] = *upd.ComponentIDs
	}
	var userIDs []int64
	if upd.ParticipantIDs != nil {
		userIDs = *upd.ParticipantIDs
	}
	refs := &store.DialogRefs{}
	if len(lookup) > 0 || len(userIDs) > 0 {
		var err error
		if refs, err = tx.FindDialogRefs(ctx, ws, lookup, userIDs); err != nil {
			return err
		}
	}
	if upd.Title != nil && *upd.Title != d.Title {
		if err := a.record(ctx, tx, d.ID, actor, beseda.EventTitleChanged, beseda.EventData{From: d.Title, To: *upd.Title}); err != nil {
			return err
		}
		d.Title = *upd.Title
	}
	if upd.TypeID != nil && *upd.TypeID != d.Type.ID {
		types, err := catalogRefs(refs, beseda.CatalogTypes, []int64{*upd.TypeID}, nil)
		if err != nil {
			return err
		}
		if err := a.record(ctx, tx, d.ID, actor, beseda.EventTypeChanged,
			beseda.EventData{From: d.Type.Name, To: types[0].Name}); err != nil {
			return err
		}
		d.Type = types[0]
	}
	for _, c := range []struct {
		catalog beseda.Catalog
		ids     *[]int64
		current *[]beseda.Ref
		kind    beseda.DialogEventKind
	}{
		{beseda.CatalogReasons, upd.ReasonIDs, &d.Reasons, beseda.EventReasonsChanged},
		{beseda.CatalogComponents, upd.ComponentIDs, &d.Components, beseda.EventComponentsChanged},
	} {
		if c.ids == nil {
			continue
		}
		next, err := catalogRefs(refs, c.catalog, *c.ids, *c.current)
		if err != nil {
			return err
		}
		added, removed := diffRefs(*c.current, next)
		if len(added)+len(removed) == 0 {
			continue
		}
		tx.ChangeDialogLinks(ctx, d.ID, c.catalog, refIDs(added), refIDs(removed))
		if err := a.record(ctx, tx, d.ID, actor, c.kind, beseda.EventData{Added: added, Removed: removed}); err != nil {
			return err
		}
		*c.current = next
	}
	if upd.ParticipantIDs != nil {
		next, err := userRefs(refs, *upd.ParticipantIDs)
		if err != nil {
			return err
		}
		added, removed := diffRefs(d.Participants, next)
		// Those who join together are listed by id, after the others.
		slices.SortFunc(added, func(a, b beseda.Ref) int { return cmp.Compare(a.ID, b.ID) })
		tx.AddParticipants(ctx, d.ID, refIDs(added), a.now())
		tx.RemoveParticipants(ctx, d.ID, refIDs(removed))
		if err := a.participantsChanged(ctx, tx, d, actor, added, removed); err != nil {
			return err
		}
		d.Participants = keepRefs(d.Participants, removed)
		d.Participants = append(d.Participants, added...)
	}
	if upd.Status != nil {
		if err := a.changeStatus(ctx, tx, sub, d, actor, upd); err != nil {
			return err
		}
	}
	d.UpdatedAt = a.now()
	if err := tx.SaveDialog(ctx, d); err != nil {
		return err
	}
	return a.emitDialog(ctx, tx, d)
}

// changeStatus moves the dialog to upd.Status, already checked against S1.
func (a *Dialogs) changeStatus(ctx context.Context, tx *store.Tx, sub *beseda.Subscriber, d *beseda.Dialog,
	actor *beseda.User, upd beseda.DialogUpdate) error {
	from, to := d.Status, *upd.Status
	if to == beseda.DialogActive {
		if err := sub.MayActivate(d.ID); err != nil {
			return err
		}
	}
	d.Status = to
	if err := a.app.SLA.slaStatusChanged(ctx, tx, d); err != nil {
		return err
	}
	a.webhookEvent(ctx, tx, d.WorkspaceID, beseda.WebhookDialogStatusChanged, d)
	if beseda.ReleasesHeld(from, to) {
		if err := a.out.ReleaseHeld(ctx, tx, sub); err != nil {
			return err
		}
	}
	if err := a.record(ctx, tx, d.ID, actor, beseda.EventStatusChanged,
		beseda.EventData{From: string(from), To: string(to)}); err != nil {
		return err
	}
	if to == beseda.DialogCompleted {
		if err := a.releaseChat(ctx, tx, sub); err != nil {
			return err
		}
		// Only managers other than the creator get tasks (C2).
		if len(d.Participants) > 1 {
			if err := a.app.Tasks.finishTasks(ctx, tx, d, 0, beseda.TaskDone); err != nil {
				return err
			}
		}
		now := a.now()
		d.CompletedAt = &now
		if upd.AccountRating != nil {
			d.AccountRating = upd.AccountRating
			if err := a.record(ctx, tx, d.ID, actor, beseda.EventAccountRated,
				beseda.EventData{Rating: *upd.AccountRating}); err != nil {
				return err
			}
		}
		if upd.SendRatingForm != nil && *upd.SendRatingForm {
			return a.app.Ratings.sendRatingForm(ctx, tx, sub, d, actor)
		}
	}
	return nil
}

// participantsChanged records who joined and left a dialog; those who joined
// get a task (C2), those who left lose theirs (S3).
func (a *Dialogs) participantsChanged(ctx context.Context, tx *store.Tx, d *beseda.Dialog, actor *beseda.User,
	added, removed []beseda.Ref) error {
	for _, u := range added {
		if err := a.record(ctx, tx, d.ID, actor, beseda.EventParticipantAdded, beseda.EventData{User: &u}); err != nil {
			return err
		}
	}
	for _, u := range removed {
		if err := a.record(ctx, tx, d.ID, actor, beseda.EventParticipantRemoved, beseda.EventData{User: &u}); err != nil {
			return err
		}
		if err := a.app.Tasks.finishTasks(ctx, tx, d, u.ID, beseda.TaskCancelled); err != nil {
			return err
		}
	}
	return a.app.Tasks.assignTasks(ctx, tx, d, added)
}

// record adds an entry to the dialog's history (L3). A nil actor is the
// client or the system.
func (a *core) record(ctx context.Context, tx *store.Tx, dialogID int64, actor *beseda.User,
	kind beseda.DialogEventKind, data beseda.EventData) error {
	e := &beseda.DialogEvent{DialogID: dialogID, Kind: kind, Data: data, CreatedAt: a.now()}
	if actor != nil {
		ref := actor.Ref()
		e.Actor = &ref
	}
	return tx.AddDialogEvent(ctx, e)
}

// catalogRefs resolves ids of a catalog read by FindDialogRefs: unknown ids
// (or ids of another workspace) are not found; removed items may stay where
// the dialog already has them (keep) but cannot be newly chosen (P1).
func catalogRefs(refs *store.DialogRefs, c beseda.Catalog, ids []int64, keep []beseda.Ref) ([]beseda.Ref, error) {
	out := make([]beseda.Ref, 0, len(ids))
	for _, id := range ids {
		it := refs.Items[c][id]
		if it == nil {
			return nil, beseda.Errorf(beseda.ENOTFOUND, "%s %d not found", beseda.Noun(c.Noun()), id)
		}
		if it.RemovedAt != nil && !hasRef(keep, id) {
			return nil, beseda.Errorf(beseda.EINVALID, "%s %q was removed from the settings", beseda.Noun(c.Noun()), it.Name)
		}
		out = append(out, beseda.Ref{ID: it.ID, Name: it.Name})
	}
	return out, nil
}

// userRefs resolves manager ids read by FindDialogRefs, keeping their order.
func userRefs(refs *store.DialogRefs, ids []int64) ([]beseda.Ref, error) {
	out := make([]beseda.Ref, 0, len(ids))
	for _, id := range ids {
		u, ok := refs.Users[id]
		if !ok {
			return nil, beseda.Errorf(beseda.ENOTFOUND, "user %d not found", id)
		}
		out = append(out, u)
	}
	return out, nil
}

// sortDialogRefs orders a dialog written in memory as the store reads it
// back: reasons and components by name, participants by when they joined
// (those who joined together by id).
func sortDialogRefs(d *beseda.Dialog) {
	byName := func(a, b beseda.Ref) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	}
	slices.SortFunc(d.Reasons, byName)
	slices.SortFunc(d.Components, byName)
}

func refIDs(refs []beseda.Ref) []int64 {
	ids := make([]int64, len(refs))
	for i, r := range refs {
		ids[i] = r.ID
	}
	return ids
}

// keepRefs returns refs without those in drop.
func keepRefs(refs, drop []beseda.Ref) []beseda.Ref {
	out := refs[:0:0]
	for _, r := range refs {
		if !hasRef(drop, r.ID) {
			out = append(out, r)
		}
	}
	return out
}

func hasRef(refs []beseda.Ref, id int64) bool {
	for _, r := range refs {
		if r.ID == id {
			return true
		}
	}
	return false
}

func diffRefs(prev, next []beseda.Ref) (added, removed []beseda.Ref) {
	for _, r := range next {
		if !hasRef(prev, r.ID) {
			added = append(added, r)
		}
	}
	for _, r := range prev {
		if !hasRef(next, r.ID) {
			removed = append(removed, r)
		}
	}
	return added, removed
}
