package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"os"
	"strconv"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/filestore"
	"github.com/beseda/beseda/internal/ratelimit"
	"github.com/beseda/beseda/store"
)

// MaxUploadBytes is the largest file this server takes.
func (a *Files) MaxUploadBytes() int64 { return a.cfg.MaxUploadBytes }

// Upload stores a file a manager uploads, to attach to a message of theirs
// later (SPEC §3). Returns ETOOLARGE over the limit and EINVALID for an
// empty or unreadable file.
func (a *Files) Upload(ctx context.Context, actor *beseda.User, name string, r io.Reader) (*beseda.Upload, error) {
	return a.upload(ctx, beseda.ManagerOwner(actor), name, r)
}

// VisitorUpload stores a file a web-chat client uploads, as Upload does.
// Uploads are limited per client address (from; H4): EMANYATTEMPTS.
func (a *Files) VisitorUpload(ctx context.Context, sub *beseda.Subscriber, from netip.Addr, name string, r io.Reader) (*beseda.Upload, error) {
	if wait, ok := a.widgetUploads.Take(ratelimit.AddrKey(from), a.now()); !ok {
		return nil, beseda.TooManyAttempts(wait, "too many files from your address; try again in a moment")
	}
	return a.upload(ctx, beseda.ClientOwner(sub), name, r)
}

// upload writes the bytes under a temporary name, stores the metadata, and
// only then moves the file into place. Whatever fails, nothing is left that
// nothing cleans: the temporary file is removed (or, after a crash, swept),
// and a row whose file never arrived is an upload never attached, which
// PruneUploads removes.
func (a *Files) upload(ctx context.Context, owner beseda.Owner, name string, r io.Reader) (*beseda.Upload, error) {
	if a.files == nil {
		return nil, errors.New("upload: no file store")
	}
	staged, err := a.files.Stage(r, a.cfg.MaxUploadBytes)
	if errors.Is(err, filestore.ErrTooLarge) {
		return nil, beseda.Errorf(beseda.ETOOLARGE, "the file is larger than %s", formatBytes(a.cfg.MaxUploadBytes))
	} else if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		a.log.Info("upload cut short", "workspace", owner.WorkspaceID, "err", err)
		return nil, beseda.Errorf(beseda.EINVALID, "the file could not be read to its end")
	}
	defer staged.Discard()
	if staged.Size == 0 {
		return nil, beseda.Errorf(beseda.EINVALID, "the file is empty")
	}
	name = beseda.CleanFileName(name)
	u := &beseda.Upload{WorkspaceID: owner.WorkspaceID, Name: name, Size: staged.Size,
		ContentType: filestore.Sniff(staged.Head, name), StorageKey: staged.Key, SHA256: staged.SHA256, CreatedAt: a.now()}
	if owner.UserID != 0 {
		u.UploaderID = &owner.UserID
	} else {
		u.SubscriberID = &owner.SubscriberID
	}
	if err := a.db.Update(ctx, func(tx *store.Tx) error { return tx.CreateUpload(ctx, u) }); err != nil {
		return nil, err
	}
	if err := staged.Commit(); err != nil {
		if derr := a.db.Update(context.WithoutCancel(ctx), func(tx *store.Tx) error {
			return tx.DeleteUploads(ctx, []int64{u.ID})
		}); derr != nil {
			a.log.Warn("upload row left for the sweep", "workspace", u.WorkspaceID, "upload", u.ID, "err", derr)
		}
		return nil, fmt.Errorf("upload: %w", err)
	}
	a.log.Info("file uploaded", "workspace", u.WorkspaceID, "upload", u.ID, "size", u.Size, "content_type", u.ContentType)
	return u, nil
}

// OpenAttachment returns an upload and its bytes for the viewer, or
// ENOTFOUND for anyone who may not read it (SPEC §3, P3). The caller closes
// the file.
func (a *Files) OpenAttachment(ctx context.Context, v beseda.Viewer, id int64) (*beseda.Upload, *os.File, error) {
	u, err := a.db.FindUpload(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if !u.CanRead(v) {
		return nil, nil, beseda.NotFound("attachment")
	}
	f, err := a.files.Open(u.StorageKey)
	if errors.Is(err, fs.ErrNotExist) {
		// Only an upload whose move into place failed has no file, and it
		// is on its way out.
		a.log.Warn("attachment without its file", "workspace", u.WorkspaceID, "upload", u.ID)
		return nil, nil, beseda.NotFound("attachment")
	} else if err != nil {
		return nil, nil, fmt.Errorf("open attachment %d: %w", u.ID, err)
	}
	return u, f, nil
}

// VisitorViewer is the client holding a web-chat visitor token, as a reader
// of files. Returns EUNAUTHORIZED for an unknown token.
func (a *Files) VisitorViewer(ctx context.Context, token string) (beseda.Viewer, error) {
	if token == "" {
		return beseda.Viewer{}, beseda.Errorf(beseda.EUNAUTHORIZED, "no visitor token")
	}
	return a.db.VisitorOwner(ctx, hashToken(token))
}

// SignedViewer is the client an attachment's signed address was made for
// (VisitorAttachmentURL), or EUNAUTHORIZED when the signature is wrong or
// has expired.
func (a *Files) SignedViewer(ctx context.Context, id, expires int64, sig string) (beseda.Viewer, error) {
	u, err := a.db.FindUpload(ctx, id)
	if err != nil {
		return beseda.Viewer{}, err
	}
	if u.MessageID == nil || !beseda.CheckAttachmentSignature(a.cfg.Secret, id, u.ChatSubscriberID, expires, sig, a.now()) {
		return beseda.Viewer{}, beseda.Errorf(beseda.EUNAUTHORIZED, "the address has expired or is not valid")
	}
	return beseda.Viewer{WorkspaceID: u.WorkspaceID, SubscriberID: u.ChatSubscriberID}, nil
}

// VisitorAttachmentURL is the address of an attachment for the web-chat
// client of its chat: signed for them and good for a day at least, so that
// the widget's page can show it with <img src> (which sends no headers).
func (a *Files) VisitorAttachmentURL(sub *beseda.Subscriber, att beseda.Attachment) string {
	exp := beseda.AttachmentExpiry(a.now()).Unix()
	return beseda.AttachmentPath(att.ID) + "?exp=" + strconv.FormatInt(exp, 10) +
		"&sig=" + beseda.AttachmentSignature(a.cfg.Secret, att.ID, sub.ID, exp)
}

// uploadSweepBatch bounds the uploads one transaction of the sweep removes.
const uploadSweepBatch = 500

// PruneUploads removes uploads never attached within beseda.UploadRetention,
// their files too, and temporary files that uploads cut short by a crash
// left behind. Rows are first marked, so nobody attaches them meanwhile,
// then the files go, then the rows: a sweep that stops half-way leaves only
// marked rows, which the next one finishes. It reports how many it removed.
func (a *Files) PruneUploads(ctx context.Context) (int, error) {
	if a.files == nil {
		return 0, nil
	}
	removed := 0
	for {
		var batch []*beseda.Upload
		err := a.db.Update(ctx, func(tx *store.Tx) error {
			var err error
			batch, err = tx.MarkUploadsForRemoval(ctx, a.now().Add(-beseda.UploadRetention), a.now(), uploadSweepBatch)
			return err
		})
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
		a.log.Info("unattached uploads removed", "count", len(ids))
		if len(batch) < uploadSweepBatch {
			break
		}
	}
	// Temporary files are dated by the file system's clock, not the
	// application's: an upload still being written is never that old.
	if n, err := a.files.SweepTemp(time.Now().Add(-beseda.UploadRetention)); err != nil {
		return removed, err
	} else if n > 0 {
		a.log.Info("temporary upload files removed", "count", n)
	}
	return removed, nil
}

// claimAttachments takes the uploads a message names for it (they must be
// the owner's and not attached yet) and puts them on the message, before it
// is stored; attachClaimed records them as attached once it has its id. A
// message without files costs no statement here.
func (a *core) claimAttachments(ctx context.Context, tx *store.Tx, owner beseda.Owner, m *beseda.Message, ids []int64) error {
	m.Attachments = []beseda.Attachment{}
	if len(ids) == 0 {
		return nil
	}
	list, err := tx.ClaimUploads(ctx, owner, ids)
	if err != nil {
		return err
	}
	m.Attachments = list
	return nil
}

func attachClaimed(ctx context.Context, tx *store.Tx, m *beseda.Message) {
	if len(m.Attachments) > 0 {
		tx.AttachUploads(ctx, m.ID, m.Attachments, m.CreatedAt)
	}
}

// formatBytes writes a size for people: 20 MiB, 512 KiB, 900 bytes.
func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
