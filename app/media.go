package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"path/filepath"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/filestore"
	"github.com/beseda/beseda/store"
)

// fetched is a client's file fetched from a messenger and put in the file
// store, waiting for its row.
type fetched struct {
	name, contentType, key, sha256 string
	size                           int64
}

// fetchMedia fetches the files of a client's message from the platform and
// puts them in the file store, before the event's transaction (which never
// waits on a platform). A file over the server's limit, or one the platform
// refuses for good (EINVALID, or a permanent *beseda.SendError), is not kept: a note in the text says so, and the rest of
// the message is stored. Any other failure returns an error, and the event
// is recorded and tried again (SPEC H7) with the files fetched anew; what
// was put in place is removed.
func (a *Inbox) fetchMedia(ctx context.Context, ch *beseda.Channel, ev *beseda.InboundEvent) ([]fetched, error) {
	if len(ev.Media) == 0 {
		return nil, nil
	}
	mc, ok := a.cfg.Channels.Of(ch.Kind).(beseda.MediaChannel)
	if !ok || a.files == nil {
		return nil, fmt.Errorf("fetch media: %s files cannot be fetched here", ch.Kind)
	}
	var out []fetched
	var notes []string
	for _, m := range ev.Media {
		f, err := a.fetchOne(ctx, mc, ch, m)
		var se *beseda.SendError
		if errors.As(err, &se) && se.Permanent {
			// The platform refused for good: an unknown or expired file.
			err = beseda.Errorf(beseda.EINVALID, "%s", se.Reason)
		}
		switch beseda.ErrorCode(err) {
		case "":
			out = append(out, *f)
			continue
		case beseda.ETOOLARGE:
			notes = append(notes, beseda.TooLargeNote(mediaName(m, "")))
			continue
		case beseda.EINVALID:
			a.log.Warn("client's file not fetched for good", "workspace", ch.WorkspaceID, "channel", ch.ID,
				"event", ev.Key, "reason", beseda.ErrorMessage(err))
			notes = append(notes, "[file not available: "+mediaName(m, "")+"]")
			continue
		}
		a.removeFetched(out)
		return nil, fmt.Errorf("fetch media: %w", err)
	}
	for _, n := range notes {
		if ev.Text != "" {
			ev.Text += "\n"
		}
		ev.Text += n
	}
	return out, nil
}

// fetchOne fetches one file into place, its type sniffed from its bytes.
func (a *Inbox) fetchOne(ctx context.Context, mc beseda.MediaChannel, ch *beseda.Channel, m beseda.Media) (*fetched, error) {
	r, err := mc.FetchMedia(ctx, ch, m)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	staged, err := a.files.Stage(r, a.cfg.MaxUploadBytes)
	if errors.Is(err, filestore.ErrTooLarge) {
		return nil, beseda.Errorf(beseda.ETOOLARGE, "over %s", formatBytes(a.cfg.MaxUploadBytes))
	} else if err != nil {
		return nil, err
	}
	defer staged.Discard()
	if staged.Size == 0 {
		return nil, beseda.Errorf(beseda.EINVALID, "the platform gave an empty file")
	}
	contentType := filestore.Sniff(staged.Head, m.Name)
	if err := staged.Commit(); err != nil {
		return nil, err
	}
	return &fetched{name: mediaName(m, contentType), contentType: contentType, key: staged.Key,
		sha256: staged.SHA256, size: staged.Size}, nil
}

// mediaName is the client's name for a file, cleaned, or one made of its
// kind with the extension of the type its bytes have ("photo.jpg").
func mediaName(m beseda.Media, contentType string) string {
	name := beseda.SanitizeText(m.Name)
	if name == "" || name == "." {
		name = m.Kind
		if name == "" {
			name = "file"
		}
	}
	if filepath.Ext(name) == "" && contentType != "" {
		if exts, _ := mime.ExtensionsByType(contentType); len(exts) > 0 {
			name += preferredExt(contentType, exts)
		}
	}
	return beseda.CleanFileName(name)
}

// preferredExt picks the usual extension where the system's table lists
// several (".jpe" and ".jpeg" before ".jpg").
func preferredExt(contentType string, exts []string) string {
	switch contentType {
	case "image/jpeg":
		return ".jpg"
	case "audio/mpeg":
		return ".mp3"
	}
	return exts[0]
}

// storeFetched records fetched files as the client's uploads, in the event's
// transaction, and returns their ids for the message to claim.
func (a *Inbox) storeFetched(ctx context.Context, tx *store.Tx, sub *beseda.Subscriber, files []fetched) ([]int64, error) {
	ids := make([]int64, 0, len(files))
	for _, f := range files {
		u := &beseda.Upload{WorkspaceID: sub.WorkspaceID, SubscriberID: &sub.ID, Name: f.name, Size: f.size,
			ContentType: f.contentType, StorageKey: f.key, SHA256: f.sha256, CreatedAt: a.now()}
		if err := tx.CreateUpload(ctx, u); err != nil {
			return nil, err
		}
		ids = append(ids, u.ID)
	}
	return ids, nil
}

// removeFetched removes files fetched for an event that was not stored
// (a failure, or the event was stored before).
func (a *Inbox) removeFetched(files []fetched) {
	for _, f := range files {
		if err := a.files.Remove(f.key); err != nil {
			a.log.Warn("fetched file not removed", "err", err)
		}
	}
}

// OpenFile gives the delivery engine an attachment's bytes, for senders that
// upload them to a platform (beseda.FileOpener).
func (a *Files) OpenFile(ctx context.Context, att beseda.Attachment) (io.ReadCloser, error) {
	if a.files == nil {
		return nil, errors.New("open file: no file store")
	}
	u, err := a.db.FindUpload(ctx, att.ID)
	if err != nil {
		return nil, err
	}
	f, err := a.files.Open(u.StorageKey)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, beseda.Errorf(beseda.ENOTFOUND, "the file of attachment %d is gone", att.ID)
	}
	return f, err
}
