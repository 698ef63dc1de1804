package app

import (
	"context"
	"fmt"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/store"
)

// SLA keeps the team's clock: business hours (T1), SLA policies and each
// dialog's SLA clock, and the sweep that fires warnings and breaches
// (T2–T5).
type SLA struct{ *core }

// BusinessHours returns the workspace's business hours (T1). Every manager
// may read them.
func (a *SLA) BusinessHours(ctx context.Context, actor *beseda.User) (*beseda.BusinessHours, error) {
	return a.db.FindBusinessHours(ctx, actor.WorkspaceID)
}

// UpdateBusinessHours replaces the workspace's business hours. Needs
// dialog_settings.edit: the hours are part of how dialogs are handled.
func (a *SLA) UpdateBusinessHours(ctx context.Context, actor *beseda.User, h beseda.BusinessHours) (*beseda.BusinessHours, error) {
	if err := actor.Require(beseda.PermDialogSettingsEdit); err != nil {
		return nil, err
	}
	if err := h.Normalize(); err != nil {
		return nil, err
	}
	at := a.now()
	h.UpdatedAt = &at
	err := a.db.Update(ctx, func(tx *store.Tx) error {
		old, err := tx.FindBusinessHours(ctx, actor.WorkspaceID)
		if err != nil {
			return err
		}
		if err := tx.SaveBusinessHours(ctx, actor.WorkspaceID, &h, at); err != nil {
			return err
		}
		changes := beseda.AuditChanges(map[string]any{"business_hours": old.Periods, "time_zone": old.TimeZone, "holidays": old.Holidays},
			map[string]any{"business_hours": h.Periods, "time_zone": h.TimeZone, "holidays": h.Holidays})
		if err := a.audit(ctx, tx, actor.WorkspaceID, actor, beseda.AuditSettingsChanged, AuditTarget{Kind: "business_hours"}, changes); err != nil {
			return err
		}
		// The running clocks' due times follow the new hours: the sweep
		// recomputes them at once.
		return tx.RescheduleSLA(ctx, actor.WorkspaceID, at)
	})
	if err != nil {
		return nil, err
	}
	return &h, nil
}

// SLAPolicies returns the workspace's SLA policies, the default first.
// Every manager may read them.
func (a *SLA) SLAPolicies(ctx context.Context, actor *beseda.User) ([]*beseda.SLAPolicy, error) {
	return a.db.FindSLAPolicies(ctx, actor.WorkspaceID)
}

// SLAPolicyUpdate changes some fields of a policy; SetType with TypeID nil
// makes it the default.
type SLAPolicyUpdate struct {
	Name                 *string
	SetType              bool
	TypeID               *int64
	FirstResponseMinutes *int
	NextResponseMinutes  *int
	ResolutionMinutes    *int
	WarnPercent          *int
}

// CreateSLAPolicy adds a policy for a dialog type, or the default (T2),
// from the fields given. Needs dialog_settings.edit. Returns
// ESLAPOLICYEXISTS.
func (a *SLA) CreateSLAPolicy(ctx context.Context, actor *beseda.User, in SLAPolicyUpdate) (*beseda.SLAPolicy, error) {
	return a.UpdateSLAPolicy(ctx, actor, 0, in)
}

// UpdateSLAPolicy changes a policy (id 0: a new one); dialogs keep the
// targets they got.
func (a *SLA) UpdateSLAPolicy(ctx context.Context, actor *beseda.User, id int64, upd SLAPolicyUpdate) (*beseda.SLAPolicy, error) {
	return a.saveSLAPolicy(ctx, actor, id, func(p *beseda.SLAPolicy) {
		if id == 0 {
			p.CreatedAt = a.now()
		}
		set := func(dst *int, v *int) {
			if v != nil {
				*dst = *v
			}
		}
		if upd.Name != nil {
			p.Name = *upd.Name
		}
		if upd.SetType {
			p.TypeID = upd.TypeID
		}
		set(&p.FirstResponseMinutes, upd.FirstResponseMinutes)
		set(&p.NextResponseMinutes, upd.NextResponseMinutes)
		set(&p.ResolutionMinutes, upd.ResolutionMinutes)
		set(&p.WarnPercent, upd.WarnPercent)
	})
}

func (a *SLA) saveSLAPolicy(ctx context.Context, actor *beseda.User, id int64, change func(*beseda.SLAPolicy)) (*beseda.SLAPolicy, error) {
	if err := actor.Require(beseda.PermDialogSettingsEdit); err != nil {
		return nil, err
	}
	p := &beseda.SLAPolicy{}
	err := a.db.Update(ctx, func(tx *store.Tx) (err error) {
		var before any
		if id != 0 {
			if p, err = tx.FindSLAPolicy(ctx, actor.WorkspaceID, id); err != nil {
				return err
			}
			old := *p
			before = &old
		}
		change(p)
		p.ID = id
		if err := p.Validate(); err != nil {
			return err
		}
		if p.TypeID != nil {
			types, err := tx.FindCatalogItems(ctx, actor.WorkspaceID, beseda.CatalogTypes, []int64{*p.TypeID})
			if err != nil {
				return err
			}
			if it := types[*p.TypeID]; it == nil || it.RemovedAt != nil {
				return beseda.NotFound("dialog type")
			}
		}
		if err := tx.SaveSLAPolicy(ctx, actor.WorkspaceID, p); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor.WorkspaceID, actor, beseda.AuditSettingsChanged, AuditTarget{"sla_policy", p.ID},
			beseda.AuditChanges(before, p))
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// DeleteSLAPolicy removes a policy; dialogs keep the targets they got.
func (a *SLA) DeleteSLAPolicy(ctx context.Context, actor *beseda.User, id int64) error {
	if err := actor.Require(beseda.PermDialogSettingsEdit); err != nil {
		return err
	}
	return a.db.Update(ctx, func(tx *store.Tx) error {
		p, err := tx.FindSLAPolicy(ctx, actor.WorkspaceID, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteSLAPolicy(ctx, actor.WorkspaceID, id); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor.WorkspaceID, actor, beseda.AuditSettingsChanged, AuditTarget{"sla_policy", id},
			beseda.AuditChanges(p, nil))
	})
}

// slaOfNewDialog reads the policy a new dialog gets, its type's or the
// default (T2; neither: no SLA), before the dialog is stored, and returns
// what starts its clock once it is: the read comes before the dialog's
// deferred writes, which then go together. hasPolicy, from the read of the
// dialog's references, spares that read when there is none.
func (a *SLA) slaOfNewDialog(ctx context.Context, tx *store.Tx, d *beseda.Dialog, hasPolicy bool) (start func() error, err error) {
	if !hasPolicy {
		return func() error { return nil }, nil
	}
	p, h, err := tx.FindSLASetup(ctx, d.WorkspaceID, d.Type.ID)
	if err != nil || p == nil {
		return func() error { return nil }, err
	}
	s, err := h.Schedule()
	if err != nil {
		return nil, err
	}
	return func() error {
		c := beseda.NewSLAClock(p, s, d.CreatedAt)
		d.SLA = c.View()
		return tx.CreateDialogSLA(ctx, d.WorkspaceID, d.ID, c)
	}, nil
}

// moveSLA applies what happened to a dialog's SLA clock, if it has one, and
// returns the clock as the API shows it (nil without an SLA).
func (a *SLA) moveSLA(ctx context.Context, tx *store.Tx, dialogID int64,
	event func(*beseda.SLAClock, *beseda.Schedule, time.Time) bool) (*beseda.DialogSLA, error) {
	c, h, _, err := tx.LockDialogSLA(ctx, dialogID)
	if err != nil || c == nil {
		return nil, err
	}
	s, err := h.Schedule()
	if err != nil {
		return nil, err
	}
	if event(c, s, a.now()) {
		if err := tx.SaveDialogSLA(ctx, dialogID, c); err != nil {
			return nil, err
		}
	}
	return c.View(), nil
}

// slaStatusChanged stops, restarts or ends the clock with the dialog's
// status (T2, T4). d was read in tx, with its clock if it has one: a dialog
// gets its clock when it is created or never (slaOfNewDialog), so without
// one there is nothing to lock or move, and no statement to spend on it.
func (a *SLA) slaStatusChanged(ctx context.Context, tx *store.Tx, d *beseda.Dialog) error {
	if d.SLA == nil {
		return nil
	}
	v, err := a.moveSLA(ctx, tx, d.ID, func(c *beseda.SLAClock, s *beseda.Schedule, now time.Time) bool {
		switch d.Status {
		case beseda.DialogPaused:
			c.Pause(s, now)
		case beseda.DialogActive:
			c.Resume(s, now)
		case beseda.DialogCompleted:
			c.Complete(s, now)
		}
		return true
	})
	if v != nil {
		d.SLA = v
	}
	return err
}

// slaManagerReplied: a manager's message to the client in the dialog, not
// an internal note (T3).
func (a *SLA) slaManagerReplied(ctx context.Context, tx *store.Tx, dialogID int64) error {
	_, err := a.moveSLA(ctx, tx, dialogID, (*beseda.SLAClock).ManagerReplied)
	return err
}

// slaClientWrote: a client's message in the dialog (T3).
func (a *SLA) slaClientWrote(ctx context.Context, tx *store.Tx, dialogID int64) error {
	_, err := a.moveSLA(ctx, tx, dialogID, (*beseda.SLAClock).ClientWrote)
	return err
}

// slaSweepBatch is how many dialogs one sweep looks at; a sweep that found
// as many runs again at once.
const slaSweepBatch = 200

// Sweep fires the SLA warnings and breaches that are due (T5), for every
// workspace: one indexed query finds the dialogs whose next warning or
// breach is due, and each is handled in a transaction of its own that locks
// its clock, so that a warning fires once however many processes sweep.
// It returns how many alerts fired and whether more may be due.
func (a *SLA) Sweep(ctx context.Context) (fired int, more bool, err error) {
	now := a.now()
	ids, err := a.db.FindDueSLA(ctx, now, slaSweepBatch)
	if err != nil {
		return 0, false, err
	}
	for _, id := range ids {
		n, err := a.sweepDialogSLA(ctx, id, now)
		if err != nil {
			return fired, false, fmt.Errorf("sla of dialog %d: %w", id, err)
		}
		fired += n
	}
	return fired, len(ids) == slaSweepBatch, nil
}

func (a *SLA) sweepDialogSLA(ctx context.Context, dialogID int64, now time.Time) (int, error) {
	var alerts []beseda.SLAAlert
	err := a.db.Update(ctx, func(tx *store.Tx) error {
		c, h, workspaceID, err := tx.LockDialogSLA(ctx, dialogID)
		if err != nil || c == nil {
			return err
		}
		s, err := h.Schedule()
		if err != nil {
			return err
		}
		alerts = c.Due(s, now)
		if err := tx.SaveDialogSLA(ctx, dialogID, c); err != nil {
			return err
		}
		if len(alerts) == 0 {
			return nil
		}
		d, err := tx.FindDialogByID(ctx, workspaceID, dialogID)
		if err != nil {
			return err
		}
		d.SLA = c.View()
		for _, al := range alerts {
			if err := a.slaAlert(ctx, tx, d, al); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, al := range alerts {
		a.log.Info("sla alert", "dialog", dialogID, "target", al.Target, "breach", al.Breach)
	}
	return len(alerts), nil
}

// SLAEventData is a webhook's data for an SLA event: the dialog as the API
// shows it, and the target.
type SLAEventData struct {
	*beseda.Dialog
	Target beseda.SLATarget `json:"sla_target"`
}

// slaAlert tells the dialog's managers, each in their language and live,
// and the workspace's webhooks.
func (a *SLA) slaAlert(ctx context.Context, tx *store.Tx, d *beseda.Dialog, al beseda.SLAAlert) error {
	kind, event := beseda.NotifySLAWarning, beseda.WebhookDialogSLAWarning
	if al.Breach {
		kind, event = beseda.NotifySLABreached, beseda.WebhookDialogSLABreached
	}
	for _, p := range d.Participants {
		n := &beseda.Notification{UserID: p.ID, Kind: kind, Args: &beseda.NotificationArgs{Target: al.Target},
			DialogID: &d.ID, CreatedAt: a.now()}
		if _, err := tx.CreateNotification(ctx, d.WorkspaceID, n); err != nil {
			return err
		}
		printer, err := a.app.Tasks.printerFor(ctx, tx, d.WorkspaceID, p.ID)
		if err != nil {
			return err
		}
		n.Title = d.Title
		n.Text = printer.Notification(n)
		if err := a.emit(ctx, tx, d.WorkspaceID, &p.ID, beseda.LiveNotificationCreated, n); err != nil {
			return err
		}
	}
	a.webhookEvent(ctx, tx, d.WorkspaceID, event, SLAEventData{Dialog: d, Target: al.Target})
	return a.emitDialog(ctx, tx, d)
}

// Now is the time on the use cases' clock, for pages that show time left.
func (a *SLA) Now() time.Time { return a.now() }
