package app

import (
	"archive/zip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/store"
)

// DataRights keeps what the law gives clients over their data (issue 24):
// the workspace's retention policy and the job that applies it, and the
// export and erasure of one client. Owners and admins only: these are the
// workspace's decisions, and they read or destroy everything of a client.
type DataRights struct{ *core }

// retentionTotals count what the retention job removed since the process
// started, for /metrics.
var retentionTotals struct{ messages, files, dialogs, auditEntries atomic.Int64 }

// RetentionTotals returns how many messages, files, dialogs and audit
// entries the retention job of this process removed since it started.
func RetentionTotals() beseda.RetentionReport {
	return beseda.RetentionReport{Messages: retentionTotals.messages.Load(), Files: retentionTotals.files.Load(),
		Dialogs: retentionTotals.dialogs.Load(), AuditEntries: retentionTotals.auditEntries.Load()}
}

// requireDataAdmin refuses all but owners and admins, and their API tokens
// without the settings scope: exporting or erasing a client is the
// workspace's decision, not an integration's reading or writing.
func requireDataAdmin(actor *beseda.User) error {
	if !actor.IsAdmin() || !actor.Scopes.Allows(beseda.ScopeSettings) {
		return beseda.Errorf(beseda.EFORBIDDEN, "only an owner or admin can manage the clients' data")
	}
	return nil
}

// Retention returns the workspace's retention policy. Owners and admins.
func (a *DataRights) Retention(ctx context.Context, actor *beseda.User) (*beseda.Retention, error) {
	if err := requireDataAdmin(actor); err != nil {
		return nil, err
	}
	return a.db.FindRetention(ctx, actor.WorkspaceID)
}

// UpdateRetention replaces the workspace's retention policy; the next run
// of the retention job applies it. Owners and admins. Returns EINVALID.
func (a *DataRights) UpdateRetention(ctx context.Context, actor *beseda.User, p beseda.Retention) (*beseda.Retention, error) {
	before, err := a.Retention(ctx, actor)
	if err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	at := a.now()
	p.UpdatedAt = &at
	err = a.db.Update(ctx, func(tx *store.Tx) error {
		if err := tx.SaveRetention(ctx, actor.WorkspaceID, &p, at); err != nil {
			return err
		}
		before.UpdatedAt = p.UpdatedAt // not a change of its own
		return a.audit(ctx, tx, actor.WorkspaceID, actor, beseda.AuditRetentionChanged, AuditTarget{Kind: "workspace", ID: actor.WorkspaceID},
			beseda.AuditChanges(before, p))
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// retentionBatch bounds the messages one transaction of the retention job
// removes, so that it never holds the writer long; dialogRetentionBatch the
// dialogs, each of which takes its history, links and tasks along and
// detaches its messages.
const (
	retentionBatch       = 1000
	dialogRetentionBatch = 200
)

// RunRetention applies every workspace's retention policy at the injected
// clock's now: set-based, a batch of rows per transaction, each workspace's
// removal recorded in its audit log; then the files marked for removal go
// from disk (RemoveMarkedFiles). It returns what it removed, per workspace
// that lost anything.
func (a *DataRights) RunRetention(ctx context.Context) ([]beseda.RetentionReport, error) {
	policies, err := a.db.FindRetentionPolicies(ctx)
	if err != nil {
		return nil, err
	}
	now := a.now()
	msgBatch, dialogBatch := retentionBatch, dialogRetentionBatch
	if a.cfg.RetentionBatch > 0 {
		msgBatch, dialogBatch = a.cfg.RetentionBatch, a.cfg.RetentionBatch
	}
	var out []beseda.RetentionReport
	for _, w := range policies {
		rep := beseda.RetentionReport{WorkspaceID: w.WorkspaceID}
		// batch runs fn, a transaction each, until a set smaller than size
		// says that nothing older is left.
		batch := func(size int, fn func(tx *store.Tx) (int64, error)) error {
			for {
				var n int64
				if err := a.db.Update(ctx, func(tx *store.Tx) (err error) { n, err = fn(tx); return err }); err != nil {
					return err
				}
				if n < int64(size) {
					return nil
				}
			}
		}
		if cutoff := beseda.Cutoff(w.Policy.MessagesDays, now); cutoff != nil {
			err = batch(msgBatch, func(tx *store.Tx) (int64, error) {
				msgs, files, err := tx.RemoveOldMessages(ctx, w.WorkspaceID, *cutoff, now, msgBatch)
				rep.Messages, rep.Files = rep.Messages+msgs, rep.Files+files
				return msgs, err
			})
		}
		if cutoff := beseda.Cutoff(w.Policy.FilesDays, now); err == nil && cutoff != nil {
			err = batch(msgBatch, func(tx *store.Tx) (int64, error) {
				files, err := tx.RemoveOldFiles(ctx, w.WorkspaceID, *cutoff, now, msgBatch)
				rep.Files += files
				return min(files, int64(msgBatch)-1), err // a message has several files: a batch is messages
			})
		}
		if cutoff := beseda.Cutoff(w.Policy.DialogsDays, now); err == nil && cutoff != nil {
			err = batch(dialogBatch, func(tx *store.Tx) (int64, error) {
				n, err := tx.RemoveOldDialogs(ctx, w.WorkspaceID, *cutoff, dialogBatch)
				rep.Dialogs += n
				return n, err
			})
		}
		if err != nil {
			return out, fmt.Errorf("retention of workspace %d: %w", w.WorkspaceID, err)
		}
		err = a.db.Update(ctx, func(tx *store.Tx) error {
			if cutoff := beseda.Cutoff(w.Policy.AuditDays, now); cutoff != nil {
				n, err := tx.DeleteAuditEntriesBefore(ctx, w.WorkspaceID, *cutoff)
				if err != nil {
					return err
				}
				rep.AuditEntries = n
			}
			if rep.Empty() {
				return nil
			}
			// The entry that says what went is written after the old ones
			// went, so that it stays.
			return a.audit(ctx, tx, w.WorkspaceID, nil, beseda.AuditRetentionRun, AuditTarget{Kind: "workspace", ID: w.WorkspaceID},
				map[string]any{"messages": rep.Messages, "files": rep.Files, "dialogs": rep.Dialogs, "audit_entries": rep.AuditEntries})
		})
		if err != nil {
			return out, fmt.Errorf("retention of workspace %d: %w", w.WorkspaceID, err)
		}
		if !rep.Empty() {
			retentionTotals.messages.Add(rep.Messages)
			retentionTotals.files.Add(rep.Files)
			retentionTotals.dialogs.Add(rep.Dialogs)
			retentionTotals.auditEntries.Add(rep.AuditEntries)
			a.log.Info("retention removed", "workspace", w.WorkspaceID, "messages", rep.Messages, "files", rep.Files,
				"dialogs", rep.Dialogs, "audit_entries", rep.AuditEntries)
			out = append(out, rep)
		}
	}
	if _, err := a.RemoveMarkedFiles(ctx); err != nil {
		return out, err
	}
	return out, nil
}

// fileSweepBatch bounds the files one round of RemoveMarkedFiles removes.
const fileSweepBatch = 500

// RemoveMarkedFiles removes from disk the files whose rows an erasure, the
// retention job or the upload sweep marked, then forgets the rows. It is
// idempotent and runs after the commit that marked them, and again with
// every retention run, so that a crash between the commit and the disk
// leaves only marked rows, which nobody can open and the next run finishes.
func (a *DataRights) RemoveMarkedFiles(ctx context.Context) (int, error) {
	if a.files == nil {
		return 0, nil
	}
	removed := 0
	for {
		if err := a.failPoint("files.before_remove"); err != nil {
			return removed, err
		}
		batch, err := a.db.RemovingUploads(ctx, fileSweepBatch)
		if err != nil || len(batch) == 0 {
			return removed, err
		}
		ids := make([]int64, 0, len(batch))
		for _, u := range batch {
			if err := a.files.Remove(u.StorageKey); err != nil {
				return removed, err
			}
			ids = append(ids, u.ID)
		}
		if err := a.db.Update(ctx, func(tx *store.Tx) error { return tx.DeleteUploads(ctx, ids) }); err != nil {
			return removed, err
		}
		removed += len(ids)
		if len(batch) < fileSweepBatch {
			return removed, nil
		}
	}
}

// failPoint returns the error the configuration's FailPoint gives for a
// named step (tests of a crash in the middle), nil without one.
func (a *core) failPoint(step string) error {
	if a.cfg.FailPoint == nil {
		return nil
	}
	return a.cfg.FailPoint(step)
}

// Erase erases a client of the workspace: its messages and files are
// removed, its name and platform id replaced, its dialogs and ratings kept
// without title or name, as figures for the report; the audit log records
// it. The database's part is one transaction that sets the client's
// erased_at last; the files go from disk after the commit, by the
// idempotent RemoveMarkedFiles, retried by every retention run if this one
// fails. Owners and admins. Returns ENOTFOUND.
func (a *DataRights) Erase(ctx context.Context, actor *beseda.User, subscriberID int64) (*beseda.Erasure, error) {
	if err := requireDataAdmin(actor); err != nil {
		return nil, err
	}
	var e *beseda.Erasure
	err := a.db.Update(ctx, func(tx *store.Tx) (err error) {
		if e, err = tx.EraseSubscriber(ctx, actor.WorkspaceID, subscriberID, a.now()); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, actor.WorkspaceID, actor, beseda.AuditClientErased, AuditTarget{"subscriber", subscriberID},
			map[string]any{"messages": e.Messages, "files": e.Files, "dialogs_kept": e.DialogsKept}); err != nil {
			return err
		}
		return a.failPoint("erase.before_commit")
	})
	if err != nil {
		return nil, err
	}
	a.log.Info("client erased", "workspace", actor.WorkspaceID, "subscriber", subscriberID, "messages", e.Messages,
		"files", e.Files, "by", actor.ID)
	if err := a.failPoint("erase.after_commit"); err != nil {
		return e, err
	}
	if _, err := a.RemoveMarkedFiles(ctx); err != nil {
		// Erased already: the files are unreachable, and the next
		// retention run removes them.
		a.log.Error("files of an erased client stay for the next sweep", "workspace", actor.WorkspaceID,
			"subscriber", subscriberID, "err", err)
	}
	return e, nil
}

// exportPage is how many messages one read of an export takes.
const exportPage = 500

// Export writes a client's data as a zip to w: client.json, messages.json
// (every message, in the chat's order), dialogs.json (with ratings), and
// files/ with each file the chat holds. The audit log records it. Owners
// and admins. Returns ENOTFOUND before anything is written.
func (a *DataRights) Export(ctx context.Context, actor *beseda.User, subscriberID int64, w io.Writer) error {
	if err := requireDataAdmin(actor); err != nil {
		return err
	}
	sub, err := a.db.FindSubscriberByID(ctx, actor.WorkspaceID, subscriberID)
	if err != nil {
		return err
	}
	var msgs []*beseda.Message
	for after := int64(0); ; {
		page, err := a.db.FindMessages(ctx, beseda.MessageFilter{WorkspaceID: actor.WorkspaceID, SubscriberID: subscriberID,
			Forward: true, AfterID: after, Limit: exportPage})
		if err != nil {
			return err
		}
		msgs = append(msgs, page...)
		if len(page) < exportPage {
			break
		}
		after = page[len(page)-1].ID
	}
	var dialogs []*beseda.Dialog
	for before := int64(0); ; {
		page, err := a.db.FindDialogs(ctx, beseda.DialogFilter{WorkspaceID: actor.WorkspaceID, SubscriberID: &subscriberID,
			BeforeID: before, Limit: 200})
		if err != nil {
			return err
		}
		dialogs = append(dialogs, page...)
		if len(page) < 200 {
			break
		}
		before = page[len(page)-1].ID
	}
	err = a.db.Update(ctx, func(tx *store.Tx) error {
		return a.audit(ctx, tx, actor.WorkspaceID, actor, beseda.AuditClientExported, AuditTarget{"subscriber", subscriberID},
			map[string]any{"messages": len(msgs), "dialogs": len(dialogs)})
	})
	if err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	put := func(name string, v any) error {
		f, err := zw.Create(name)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(f)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	if err := put("client.json", sub); err != nil {
		return err
	}
	if err := put("messages.json", msgs); err != nil {
		return err
	}
	if err := put("dialogs.json", dialogs); err != nil {
		return err
	}
	for _, m := range msgs {
		for _, att := range m.Attachments {
			if err := a.exportFile(ctx, zw, att); err != nil {
				return err
			}
		}
	}
	return zw.Close()
}

// exportFile copies an attachment's bytes into the zip as
// files/ID-NAME; a file already gone (removed by retention) is left out.
func (a *DataRights) exportFile(ctx context.Context, zw *zip.Writer, att beseda.Attachment) error {
	if a.files == nil {
		return nil
	}
	u, err := a.db.FindUpload(ctx, att.ID)
	if beseda.ErrorCode(err) == beseda.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	f, err := a.files.Open(u.StorageKey)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	defer f.Close()
	name := strings.NewReplacer("/", "_", "\\", "_").Replace(path.Base(u.Name))
	out, err := zw.Create("files/" + strconv.FormatInt(u.ID, 10) + "-" + name)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, f)
	return err
}
