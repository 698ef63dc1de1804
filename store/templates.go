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

// ReplaceTemplates makes the channel's templates those given, as the
// platform listed them at a sync: templates it no longer lists go.
func (tx *Tx) ReplaceTemplates(ctx context.Context, channelID int64, ts []beseda.MessageTemplate, at time.Time) error {
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM message_templates WHERE channel_id = $1`, channelID); err != nil {
		return fmt.Errorf("replace templates: %w", err)
	}
	for _, t := range ts {
		buttons, err := json.Marshal(t.Buttons)
		if err != nil {
			return fmt.Errorf("replace templates: %w", err)
		}
		// The platform keys a template by name and language; a page
		// repeating one is the same template.
		if _, err := tx.q.ExecContext(ctx, `INSERT INTO message_templates (channel_id, name, language, category, status,
			body, parameter_count, header, buttons, synced_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (channel_id, name, language) DO NOTHING`,
			channelID, t.Name, t.Language, t.Category, t.Status, t.Body, t.ParameterCount, t.Header, string(buttons), ms(at)); err != nil {
			return fmt.Errorf("replace templates: %w", err)
		}
	}
	return nil
}

// SetTemplateStatus records a template's new review status (the platform's
// message_template_status_update); false when the channel has no such
// template yet (a sync brings it).
func (tx *Tx) SetTemplateStatus(ctx context.Context, channelID int64, name, language, status string) (bool, error) {
	res, err := tx.q.ExecContext(ctx, `UPDATE message_templates SET status = $1 WHERE channel_id = $2 AND name = $3
		AND language = $4`, status, channelID, name, language)
	if err != nil {
		return false, fmt.Errorf("set template status: %w", err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// FindTemplates returns the channel's templates by name and language.
func (r reader) FindTemplates(ctx context.Context, channelID int64) ([]beseda.MessageTemplate, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT name, language, category, status, body, parameter_count, header, buttons,
		synced_at FROM message_templates WHERE channel_id = $1 ORDER BY name, language`, channelID)
	if err != nil {
		return nil, fmt.Errorf("find templates: %w", err)
	}
	defer rows.Close()
	out := []beseda.MessageTemplate{}
	for rows.Next() {
		t := beseda.MessageTemplate{ChannelID: channelID}
		var buttons string
		var synced int64
		if err := rows.Scan(&t.Name, &t.Language, &t.Category, &t.Status, &t.Body, &t.ParameterCount, &t.Header,
			&buttons, &synced); err != nil {
			return nil, fmt.Errorf("find templates: %w", err)
		}
		if err := json.Unmarshal([]byte(buttons), &t.Buttons); err != nil || t.Buttons == nil {
			t.Buttons = []beseda.TemplateButton{}
		}
		t.SyncedAt = fromMS(synced)
		out = append(out, t)
	}
	return out, rows.Err()
}

// FindTemplate returns one template of the channel, or ENOTFOUND.
func (r reader) FindTemplate(ctx context.Context, channelID int64, name, language string) (*beseda.MessageTemplate, error) {
	ts, err := r.FindTemplates(ctx, channelID)
	if err != nil {
		return nil, err
	}
	for i := range ts {
		if ts[i].Name == name && ts[i].Language == language {
			return &ts[i], nil
		}
	}
	return nil, beseda.NotFound("template")
}

// FindChannelsOfKind returns the enabled channels of a kind in every
// workspace, for the periodic work of one platform (a template sync).
func (r reader) FindChannelsOfKind(ctx context.Context, kind beseda.ChannelKind) ([]*beseda.Channel, error) {
	rows, err := r.q.QueryContext(ctx,
		`SELECT `+channelColumns+` FROM channels c WHERE c.kind = $1 AND c.disabled_at IS NULL ORDER BY c.id`, string(kind))
	if err != nil {
		return nil, fmt.Errorf("find channels: %w", err)
	}
	defer rows.Close()
	var out []*beseda.Channel
	for rows.Next() {
		c, err := r.scanChannel(rows)
		if err != nil {
			return nil, fmt.Errorf("find channels: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// UseFallback records that a message went as its fallback template, the
// client's window being closed: the chat shows the template as sent.
func (tx *Tx) UseFallback(ctx context.Context, m *beseda.Message) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE messages SET template = $1, text = $2 WHERE id = $3`,
		templateJSON(m.Template), m.Text, m.ID)
	if err != nil {
		return fmt.Errorf("use fallback: %w", err)
	}
	return nil
}

// FindRatingTemplate returns the template the workspace's rating form goes
// as outside the window, or nil when none is chosen.
func (r reader) FindRatingTemplate(ctx context.Context, workspaceID int64) (*beseda.TemplateRef, error) {
	var ref beseda.TemplateRef
	err := r.q.QueryRowContext(ctx, `SELECT name, language FROM rating_templates WHERE workspace_id = $1`,
		workspaceID).Scan(&ref.Name, &ref.Language)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("find rating template: %w", err)
	}
	return &ref, nil
}

// SetRatingTemplate chooses the workspace's rating template; nil clears it.
func (tx *Tx) SetRatingTemplate(ctx context.Context, workspaceID int64, ref *beseda.TemplateRef, at time.Time) error {
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM rating_templates WHERE workspace_id = $1`, workspaceID); err != nil {
		return fmt.Errorf("set rating template: %w", err)
	}
	if ref == nil {
		return nil
	}
	if _, err := tx.q.ExecContext(ctx, `INSERT INTO rating_templates (workspace_id, name, language, updated_at)
		VALUES ($1, $2, $3, $4)`, workspaceID, ref.Name, ref.Language, ms(at)); err != nil {
		return fmt.Errorf("set rating template: %w", err)
	}
	return nil
}
