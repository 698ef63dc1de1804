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

// The channel's config holds its secrets: it is sealed (see Keyring).
const channelConfig = "channels.config"

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
	config, err := json.Marshal(configOf(c))
	if err != nil {
		return fmt.Errorf("create channel: %w", err)
	}
	err = tx.q.QueryRowContext(ctx, `
		INSERT INTO channels (workspace_id, kind, name, key, config, created_at, disabled_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		c.WorkspaceID, string(c.Kind), c.Name, c.Key, tx.seal(channelConfig, config), ms(c.CreatedAt),
		disabledAt(c, c.CreatedAt)).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("create channel: %w", err)
	}
	return nil
}

// UpdateChannel stores a channel's name, settings and state; at is when it
// changed (the moment it was switched off).
func (tx *Tx) UpdateChannel(ctx context.Context, c *beseda.Channel, at time.Time) error {
	config, err := json.Marshal(configOf(c))
	if err != nil {
		return fmt.Errorf("update channel: %w", err)
	}
	// A channel switched off keeps the moment it was.
	_, err = tx.q.ExecContext(ctx, `UPDATE channels SET name = $1, config = $2,
			disabled_at = CASE WHEN $3 THEN NULL ELSE COALESCE(disabled_at, $4) END
		WHERE id = $5 AND workspace_id = $6`,
		c.Name, tx.seal(channelConfig, config), c.Enabled, ms(at), c.ID, c.WorkspaceID)
	if err != nil {
		return fmt.Errorf("update channel: %w", err)
	}
	return nil
}

// configOf is the config to store: {} rather than null.
func configOf(c *beseda.Channel) beseda.ChannelConfig {
	if c.Config == nil {
		return beseda.ChannelConfig{}
	}
	return c.Config
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

// ResealSecrets seals every stored secret with the keyring's current key:
// values stored before sealing existed, or sealed with an older key. Run at
// start, it makes a key rotation complete once it has run with the new key
// first; the old key can then go.
func (db *DB) ResealSecrets(ctx context.Context) (int, error) {
	if db.keys == nil {
		return 0, nil
	}
	n := 0
	for _, col := range sealedColumns {
		m, err := db.resealColumn(ctx, col.table, col.column)
		if err != nil {
			return n, err
		}
		n += m
	}
	return n, nil
}

// sealedColumns are the columns that hold sealed values, keyed by id.
var sealedColumns = []struct{ table, column string }{
	{"channels", "config"},
	{"webhooks", "secret"},
}

func (db *DB) resealColumn(ctx context.Context, table, column string) (int, error) {
	where := table + "." + column
	n := 0
	err := db.Update(ctx, func(tx *Tx) error {
		rows, err := tx.q.QueryContext(ctx, `SELECT id, `+column+` FROM `+table+` t`+tx.forUpdate("t"))
		if err != nil {
			return err
		}
		type row struct {
			id    int64
			value string
		}
		var stale []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.value); err != nil {
				rows.Close()
				return err
			}
			if r.value != "" && !db.keys.IsSealedBy(r.value) {
				stale = append(stale, r)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range stale {
			plain, err := tx.open(where, r.value)
			if err != nil {
				return fmt.Errorf("%s %d: %w", table, r.id, err)
			}
			if _, err := tx.q.ExecContext(ctx, `UPDATE `+table+` SET `+column+` = $1 WHERE id = $2`,
				tx.seal(where, plain), r.id); err != nil {
				return err
			}
		}
		n = len(stale)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("reseal %s: %w", where, err)
	}
	return n, nil
}
