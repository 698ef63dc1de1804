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

const channelColumns = `c.id, c.workspace_id, c.kind, c.name, c.key, c.config, c.created_at, c.disabled_at`

func (r reader) scanChannel(row interface{ Scan(...any) error }) (*beseda.Channel, error) {
	var c beseda.Channel
	var kind, config string
	var created int64
	var disabled sql.NullInt64
	if err := row.Scan(&c.ID, &c.WorkspaceID, &kind, &c.Name, &c.Key, &config, &created, &disabled); err != nil {
		return nil, err
	}
	c.Kind, c.CreatedAt, c.Enabled = beseda.ChannelKind(kind), fromMS(created), !disabled.Valid
	plain, err := r.open(channelConfig, config)
	if err != nil {
		return nil, fmt.Errorf("channel %d: %w", c.ID, err)
	}
	c.Config = beseda.ChannelConfig{}
	if err := json.Unmarshal(plain, &c.Config); err != nil {
		return nil, fmt.Errorf("channel %d config: %w", c.ID, err)
	}
	return &c, nil
}

// disabledAt is the stored form of a channel's state.
func disabledAt(c *beseda.Channel, at time.Time) any {
	if c.Enabled {
		return nil
	}
	return ms(at)
}

// CreateChannel inserts c and sets its ID.
func (tx *Tx) CreateChannel(ctx context.Context, c *beseda.Channel) error {
	config, err := tx.sealConfig(ctx, c)
	if err != nil {
		return fmt.Errorf("create channel: %w", err)
	}
	err = tx.q.QueryRowContext(ctx, `
		INSERT INTO channels (workspace_id, kind, name, key, config, created_at, disabled_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		c.WorkspaceID, string(c.Kind), c.Name, c.Key, config, ms(c.CreatedAt),
		disabledAt(c, c.CreatedAt)).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("create channel: %w", err)
	}
	return nil
}

// UpdateChannel stores a channel's name, settings and state; at is when it
// changed (the moment it was switched off).
func (tx *Tx) UpdateChannel(ctx context.Context, c *beseda.Channel, at time.Time) error {
	config, err := tx.sealConfig(ctx, c)
	if err != nil {
		return fmt.Errorf("update channel: %w", err)
	}
	// A channel switched off keeps the moment it was.
	_, err = tx.q.ExecContext(ctx, `UPDATE channels SET name = $1, config = $2,
			disabled_at = CASE WHEN $3 THEN NULL ELSE COALESCE(disabled_at, $4) END
		WHERE id = $5 AND workspace_id = $6`,
		c.Name, config, c.Enabled, ms(at), c.ID, c.WorkspaceID)
	if err != nil {
		return fmt.Errorf("update channel: %w", err)
	}
	return nil
}

// noConfig is the config of a channel without settings (the web chat): it
// holds nothing secret, so it is stored as it is and needs no key.
const noConfig = "{}"

// sealConfig is the config to store: sealed, or {} when there is none.
func (tx *Tx) sealConfig(ctx context.Context, c *beseda.Channel) (string, error) {
	if len(c.Config) == 0 {
		return noConfig, nil
	}
	config, err := json.Marshal(c.Config)
	if err != nil {
		return "", err
	}
	return tx.seal(ctx, channelConfig, config), nil
}

// FindChannels returns the channels of a workspace in the order they were added.
func (r reader) FindChannels(ctx context.Context, workspaceID int64) ([]*beseda.Channel, error) {
	rows, err := r.q.QueryContext(ctx,
		`SELECT `+channelColumns+` FROM channels c WHERE c.workspace_id = $1 ORDER BY c.id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("find channels: %w", err)
	}
	defer rows.Close()
	out := []*beseda.Channel{}
	for rows.Next() {
		c, err := r.scanChannel(rows)
		if err != nil {
			return nil, fmt.Errorf("find channels: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// FindChannelByID returns ENOTFOUND if the channel is not in the workspace.
func (r reader) FindChannelByID(ctx context.Context, workspaceID, id int64) (*beseda.Channel, error) {
	c, err := r.scanChannel(r.q.QueryRowContext(ctx,
		`SELECT `+channelColumns+` FROM channels c WHERE c.id = $1 AND c.workspace_id = $2`, id, workspaceID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, beseda.NotFound("channel")
	} else if err != nil {
		return nil, fmt.Errorf("find channel: %w", err)
	}
	return c, nil
}

// FindChannelByKey finds a channel of any workspace by its public key, as
// widget and webhook URLs name it. Returns ENOTFOUND.
func (r reader) FindChannelByKey(ctx context.Context, key string) (*beseda.Channel, error) {
	c, err := r.scanChannel(r.q.QueryRowContext(ctx,
		`SELECT `+channelColumns+` FROM channels c WHERE c.key = $1`, key))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, beseda.NotFound("channel")
	} else if err != nil {
		return nil, fmt.Errorf("find channel: %w", err)
	}
	return c, nil
}

// FindChannel finds a channel of any workspace by id, for background work
// that already holds the id. Returns ENOTFOUND.
func (r reader) FindChannel(ctx context.Context, id int64) (*beseda.Channel, error) {
	c, err := r.scanChannel(r.q.QueryRowContext(ctx, `SELECT `+channelColumns+` FROM channels c WHERE c.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, beseda.NotFound("channel")
	} else if err != nil {
		return nil, fmt.Errorf("find channel: %w", err)
	}
	return c, nil
}
