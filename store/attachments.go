package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/beseda/beseda"
)

// storedAttachment is an attachment as a message row keeps it (JSON in
// messages.attachments): what the API shows, read with the message itself.
// The url is not stored: it is made from the id.
type storedAttachment struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
}

func encodeAttachments(list []beseda.Attachment) (string, error) {
	if len(list) == 0 {
		return "", nil
	}
	out := make([]storedAttachment, len(list))
	for i, a := range list {
		out[i] = storedAttachment{ID: a.ID, Name: a.Name, Size: a.Size, ContentType: a.ContentType}
	}
	data, err := json.Marshal(out)
	return string(data), err
}

func decodeAttachments(raw string) ([]beseda.Attachment, error) {
	out := []beseda.Attachment{}
	if raw == "" {
		return out, nil
	}
	var stored []storedAttachment
	if err := json.Unmarshal([]byte(raw), &stored); err != nil {
		return nil, err
	}
	for _, a := range stored {
		out = append(out, beseda.Attachment{ID: a.ID, Name: a.Name, Size: a.Size, ContentType: a.ContentType,
			URL: beseda.AttachmentPath(a.ID)})
	}
	return out, nil
}

// normalizeMessage gives a stored message's lists their empty values, so
// that its JSON has [] rather than null.
func normalizeMessage(m *beseda.Message) {
	if m.Buttons == nil {
		m.Buttons = []beseda.Button{}
	}
	if m.Attachments == nil {
		m.Attachments = []beseda.Attachment{}
	}
}

const uploadColumns = `a.id, a.workspace_id, a.uploader_id, a.subscriber_id, a.name, a.size, a.content_type,
	a.storage_key, a.sha256, a.created_at, a.message_id, a.attached_at`

func scanUpload(row interface{ Scan(...any) error }, extra ...any) (*beseda.Upload, error) {
	var u beseda.Upload
	var uploader, subscriber, message, attached sql.NullInt64
	var created int64
	dest := append([]any{&u.ID, &u.WorkspaceID, &uploader, &subscriber, &u.Name, &u.Size, &u.ContentType,
		&u.StorageKey, &u.SHA256, &created, &message, &attached}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	u.UploaderID, u.SubscriberID, u.MessageID = fromNullID(uploader), fromNullID(subscriber), fromNullID(message)
	u.CreatedAt, u.AttachedAt = fromMS(created), fromNullMS(attached)
	return &u, nil
}

// CreateUpload stores an upload's metadata and sets its ID.
func (tx *Tx) CreateUpload(ctx context.Context, u *beseda.Upload) error {
	err := tx.q.QueryRowContext(ctx, `
		INSERT INTO attachments (workspace_id, uploader_id, subscriber_id, name, size, content_type, storage_key, sha256, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		u.WorkspaceID, nullID(u.UploaderID), nullID(u.SubscriberID), u.Name, u.Size, u.ContentType,
		u.StorageKey, u.SHA256, ms(u.CreatedAt)).Scan(&u.ID)
	if err != nil {
		return fmt.Errorf("create upload: %w", err)
	}
	return nil
}

// FindUpload returns an upload with what the message it is attached to says
// about its chat, or ENOTFOUND (also while the sweep removes it).
func (r reader) FindUpload(ctx context.Context, id int64) (*beseda.Upload, error) {
	var chat sql.NullInt64
	var visible sql.NullBool
	u, err := scanUpload(r.q.QueryRowContext(ctx, `SELECT `+uploadColumns+`, m.subscriber_id,
			m.direction = 'in' OR (m.status = 'sent' AND NOT m.internal)
		FROM attachments a LEFT JOIN messages m ON m.id = a.message_id
		WHERE a.id = $1 AND a.removing_at IS NULL`, id), &chat, &visible)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, beseda.NotFound("attachment")
	} else if err != nil {
		return nil, fmt.Errorf("find upload: %w", err)
	}
	u.ChatSubscriberID, u.VisibleToClient = chat.Int64, visible.Bool
	return u, nil
}

// ClaimUploads locks the owner's uploads with the ids, which must all be
// unattached, for a message about to be stored, and returns them as its
// attachments, in the order of ids. Returns EINVALID naming an id that is
// not the owner's to attach (another's, attached already, removed, unknown).
// The caller attaches them with AttachUploads once the message has its id.
func (tx *Tx) ClaimUploads(ctx context.Context, owner beseda.Owner, ids []int64) ([]beseda.Attachment, error) {
	in, args := tx.inIDs("a.id", 2, ids)
	rows, err := tx.q.QueryContext(ctx, `SELECT `+uploadColumns+` FROM attachments a
		WHERE a.workspace_id = $1 AND `+in+` AND a.message_id IS NULL AND a.removing_at IS NULL`+tx.forUpdate("a"),
		append([]any{owner.WorkspaceID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("claim uploads: %w", err)
	}
	defer rows.Close()
	byID := map[int64]*beseda.Upload{}
	for rows.Next() {
		u, err := scanUpload(rows)
		if err != nil {
			return nil, fmt.Errorf("claim uploads: %w", err)
		}
		if owner.Owns(u) {
			byID[u.ID] = u
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("claim uploads: %w", err)
	}
	out := make([]beseda.Attachment, 0, len(ids))
	for _, id := range ids {
		u, ok := byID[id]
		if !ok {
			return nil, beseda.Errorf(beseda.EINVALID,
				"attachment_ids: upload %d is not one of yours waiting to be attached (unknown, attached already, or expired)", id)
		}
		out = append(out, u.Attachment())
	}
	return out, nil
}

// AttachUploads records that the claimed uploads went out with the message.
// The write is deferred (Tx.Defer): it joins the message's other bookkeeping.
func (tx *Tx) AttachUploads(ctx context.Context, messageID int64, list []beseda.Attachment, at time.Time) {
	ids := make([]int64, len(list))
	for i, a := range list {
		ids[i] = a.ID
	}
	in, args := tx.inIDs("id", 3, ids)
	tx.Defer(ctx, `UPDATE attachments SET message_id = $1, attached_at = $2 WHERE `+in+` AND message_id IS NULL`,
		append([]any{messageID, ms(at)}, args...)...)
}

// MarkUploadsForRemoval picks up to limit uploads never attached and created
// before cutoff (or picked before by a sweep that did not finish), marks
// them so that nobody attaches them meanwhile, and returns them. Index
// attachments_unattached serves it.
func (tx *Tx) MarkUploadsForRemoval(ctx context.Context, cutoff, now time.Time, limit int) ([]*beseda.Upload, error) {
	rows, err := tx.q.QueryContext(ctx, `UPDATE attachments SET removing_at = $1
		WHERE id IN (SELECT id FROM attachments WHERE message_id IS NULL AND created_at < $2 ORDER BY created_at LIMIT $3)
			AND message_id IS NULL
		RETURNING id, storage_key`, ms(now), ms(cutoff), limit)
	if err != nil {
		return nil, fmt.Errorf("mark uploads: %w", err)
	}
	defer rows.Close()
	var out []*beseda.Upload
	for rows.Next() {
		var u beseda.Upload
		if err := rows.Scan(&u.ID, &u.StorageKey); err != nil {
			return nil, fmt.Errorf("mark uploads: %w", err)
		}
		out = append(out, &u)
	}
	return out, rows.Err()
}

// DeleteUploads forgets uploads that are not attached.
func (tx *Tx) DeleteUploads(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	in, args := tx.inIDs("id", 1, ids)
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM attachments WHERE `+in+` AND message_id IS NULL`, args...); err != nil {
		return fmt.Errorf("delete uploads: %w", err)
	}
	return nil
}

// VisitorOwner returns the client holding a web-chat visitor token (its
// hash), on any channel, or EUNAUTHORIZED.
func (r reader) VisitorOwner(ctx context.Context, hash []byte) (beseda.Owner, error) {
	var o beseda.Owner
	err := r.q.QueryRowContext(ctx, `SELECT s.id, s.workspace_id FROM visitor_tokens v
		JOIN subscribers s ON s.id = v.subscriber_id WHERE v.token_hash = $1`, hash).Scan(&o.SubscriberID, &o.WorkspaceID)
	if errors.Is(err, sql.ErrNoRows) {
		return o, beseda.Errorf(beseda.EUNAUTHORIZED, "unknown visitor token")
	} else if err != nil {
		return o, fmt.Errorf("find visitor: %w", err)
	}
	return o, nil
}
