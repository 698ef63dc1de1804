package app

import (
	"context"
	"net/netip"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/store"
)

// Audit keeps the workspace's audit log (issue 24): the use cases record
// what a company's security review asks about in the transaction that makes
// the change, so that a change is never committed without its entry; owners,
// admins and holders of audit.read read it. Nothing changes or removes an
// entry but the retention job.
type Audit struct{ *core }

// Origin is where a request comes from, as the adapters know it: the
// client's address and how it authenticated (TokenSession or TokenAPI).
// The audit log records it with every entry.
type Origin struct {
	Address netip.Addr
	Via     string
	// TokenID names the scoped API token used, TokenName its name; 0 and
	// "" for a session, a sign-in token, the product itself.
	TokenID   int64
	TokenName string
}

type originKey struct{}

// WithOrigin returns ctx carrying the request's origin, for the audit log.
func WithOrigin(ctx context.Context, o Origin) context.Context {
	return context.WithValue(ctx, originKey{}, o)
}

// OriginOf returns the origin ctx carries (zero when none: the product
// itself, a command-line tool).
func OriginOf(ctx context.Context) Origin {
	o, _ := ctx.Value(originKey{}).(Origin)
	return o
}

// AuditTarget is what an entry is about.
type AuditTarget struct {
	Kind string // "user", "channel", "webhook", "subscriber", "workspace", "settings"
	ID   int64
}

// Record appends an entry to the workspace's audit log in tx: actor (nil
// for the product itself) did action to target, from the origin ctx
// carries, on the injected clock. changes is shown as it is: make it with
// beseda.AuditChanges (before/after, secrets as "***") or
// beseda.RedactFigures.
func (a *Audit) Record(ctx context.Context, tx *store.Tx, workspaceID int64, actor *beseda.User,
	action beseda.AuditAction, target AuditTarget, changes map[string]any) error {
	o := OriginOf(ctx)
	e := &beseda.AuditEntry{WorkspaceID: workspaceID, At: a.now(), Action: action, TargetKind: target.Kind,
		Via: o.Via, Address: beseda.AddressString(o.Address), Changes: changes}
	if actor != nil {
		ref := actor.Ref()
		e.Actor = &ref
	}
	if target.ID != 0 {
		id := target.ID
		e.TargetID = &id
	}
	if o.TokenID != 0 {
		id := o.TokenID
		e.TokenID, e.TokenName = &id, o.TokenName
	}
	return tx.AddAuditEntry(ctx, e)
}

// audit is Record for the use cases of the other services.
func (a *core) audit(ctx context.Context, tx *store.Tx, workspaceID int64, actor *beseda.User,
	action beseda.AuditAction, target AuditTarget, changes map[string]any) error {
	return a.app.Audit.Record(ctx, tx, workspaceID, actor, action, target, changes)
}

// Entries returns a page of the workspace's audit log, newest first, and
// the cursor of the next page (0: none). Needs audit.read (owners and
// admins hold it). Returns EFORBIDDEN, EINVALID.
func (a *Audit) Entries(ctx context.Context, actor *beseda.User, f beseda.AuditFilter) ([]*beseda.AuditEntry, int64, error) {
	if err := actor.Require(beseda.PermAuditRead); err != nil {
		return nil, 0, err
	}
	if err := f.Normalize(); err != nil {
		return nil, 0, err
	}
	list, more, err := a.db.FindAuditEntries(ctx, actor.WorkspaceID, f)
	if err != nil || !more {
		return list, 0, err
	}
	return list, list[len(list)-1].ID, nil
}
