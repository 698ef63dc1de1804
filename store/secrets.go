package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// The secrets the store keeps are sealed (see Keyring), each for its place:
// a channel's config, an outgoing webhook's signing secret, and the
// installation's values (the secret that signs rating buttons and download
// links).
const (
	channelConfig     = "channels.config"
	webhookSecret     = "webhooks.secret"
	installationValue = "installation.value"
)

// The places of Secret.Where.
const (
	SecretChannelConfig     = channelConfig
	SecretWebhook           = webhookSecret
	SecretInstallationValue = installationValue
)

// sealedColumn is a column that holds sealed values, keyed by idColumn.
// unsealed is a value that holds nothing secret and stays as it is.
type sealedColumn struct {
	table, column, idColumn, unsealed string
}

func (c sealedColumn) where() string { return c.table + "." + c.column }

var sealedColumns = []sealedColumn{
	{"channels", "config", "id", noConfig},
	{"webhooks", "secret", "id", ""},
	{"installation", "value", "key", ""},
	{"users", "totp_secret", "id", ""},
	{"oidc_settings", "client_secret", "workspace_id", ""},
}

// InstallationSecret returns the installation-wide secret key, storing the
// value made by generate, sealed, when it is not set yet. Several processes
// starting at once agree on one value.
func (db *DB) InstallationSecret(ctx context.Context, key string, generate func() string) (string, error) {
	var value []byte
	err := db.Update(ctx, func(tx *Tx) error {
		if _, err := tx.q.ExecContext(ctx,
			`INSERT INTO installation (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`,
			key, tx.seal(ctx, installationValue, []byte(generate()))); err != nil {
			return err
		}
		var stored string
		if err := tx.q.QueryRowContext(ctx, `SELECT value FROM installation WHERE key = $1`, key).Scan(&stored); err != nil {
			return err
		}
		var err error
		value, err = tx.open(installationValue, stored)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("installation secret %s: %w", key, err)
	}
	return string(value), nil
}

// SecretKeyIDs returns the ids of the keys the database's secrets are sealed
// with, as the database remembers them (secret_keys).
func (r reader) SecretKeyIDs(ctx context.Context) ([]string, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT key_id FROM secret_keys ORDER BY key_id`)
	if err != nil {
		return nil, fmt.Errorf("secret keys: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// Secret is one stored secret: where it is, what it belongs to, and the id
// of the key it is sealed with ("" while it is not sealed yet).
type Secret struct {
	Where       string // "channels.config", "webhooks.secret", "installation.value", "users.totp_secret", "oidc_settings.client_secret"
	ID          int64  // the channel's or the webhook's
	Key         string // the installation value's name ("signing_secret")
	WorkspaceID int64
	Kind        string // the channel's kind
	Name        string // the channel's name, the webhook's URL, the user's e-mail, the OIDC issuer
	KeyID       string
}

// Secrets lists every stored secret, in the order of sealedColumns and ids.
// Values that hold nothing secret (a web chat's empty config) are left out.
func (r reader) Secrets(ctx context.Context) ([]Secret, error) {
	var out []Secret
	scan := func(query string, where string, row func(rows interface{ Scan(...any) error }, s *Secret, value *string) error) error {
		rows, err := r.q.QueryContext(ctx, query)
		if err != nil {
			return fmt.Errorf("secrets: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			s := Secret{Where: where}
			var value string
			if err := row(rows, &s, &value); err != nil {
				return fmt.Errorf("secrets: %w", err)
			}
			if value == "" || value == noConfig {
				continue
			}
			s.KeyID = SealedWith(value)
			out = append(out, s)
		}
		return rows.Err()
	}
	err := scan(`SELECT id, workspace_id, kind, name, config FROM channels ORDER BY id`, channelConfig,
		func(rows interface{ Scan(...any) error }, s *Secret, v *string) error {
			return rows.Scan(&s.ID, &s.WorkspaceID, &s.Kind, &s.Name, v)
		})
	if err == nil {
		err = scan(`SELECT id, workspace_id, url, secret FROM webhooks ORDER BY id`, webhookSecret,
			func(rows interface{ Scan(...any) error }, s *Secret, v *string) error {
				return rows.Scan(&s.ID, &s.WorkspaceID, &s.Name, v)
			})
	}
	if err == nil {
		err = scan(`SELECT key, value FROM installation ORDER BY key`, installationValue,
			func(rows interface{ Scan(...any) error }, s *Secret, v *string) error {
				return rows.Scan(&s.Key, v)
			})
	}
	if err == nil {
		err = scan(`SELECT id, workspace_id, email, totp_secret FROM users WHERE totp_secret <> '' ORDER BY id`, totpSecret,
			func(rows interface{ Scan(...any) error }, s *Secret, v *string) error {
				return rows.Scan(&s.ID, &s.WorkspaceID, &s.Name, v)
			})
	}
	if err == nil {
		err = scan(`SELECT workspace_id, workspace_id, issuer, client_secret FROM oidc_settings WHERE client_secret <> '' ORDER BY workspace_id`, oidcClientSecret,
			func(rows interface{ Scan(...any) error }, s *Secret, v *string) error {
				return rows.Scan(&s.ID, &s.WorkspaceID, &s.Name, v)
			})
	}
	return out, err
}

// ResealSecrets seals every stored secret with the keyring's current key:
// values stored before sealing existed, or sealed with an older key. Run at
// start, it makes a key rotation complete once it has run with the new key
// first; the old key can then go, and the database forgets its id. A value
// sealed with a key the keyring lacks fails it with a *MissingKeyError.
func (db *DB) ResealSecrets(ctx context.Context) (int, error) {
	if db.keys == nil {
		return 0, nil
	}
	n := 0
	for _, col := range sealedColumns {
		m, err := db.resealColumn(ctx, col)
		if err != nil {
			return n, err
		}
		n += m
	}
	err := db.Update(ctx, func(tx *Tx) error { return tx.RecountSecretKeys(ctx) })
	return n, err
}

func (db *DB) resealColumn(ctx context.Context, col sealedColumn) (int, error) {
	n := 0
	err := db.Update(ctx, func(tx *Tx) error {
		rows, err := tx.q.QueryContext(ctx, `SELECT `+col.idColumn+`, `+col.column+` FROM `+col.table+` t`+tx.forUpdate("t"))
		if err != nil {
			return err
		}
		type row struct {
			id    any
			value string
		}
		var stale []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.value); err != nil {
				rows.Close()
				return err
			}
			if r.value != "" && r.value != col.unsealed && !db.keys.IsSealedBy(r.value) {
				stale = append(stale, r)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range stale {
			plain, err := tx.open(col.where(), r.value)
			if err != nil {
				return fmt.Errorf("%s %v: %w", col.table, r.id, err)
			}
			if _, err := tx.q.ExecContext(ctx, `UPDATE `+col.table+` SET `+col.column+` = $1 WHERE `+col.idColumn+` = $2`,
				tx.seal(ctx, col.where(), plain), r.id); err != nil {
				return err
			}
		}
		n = len(stale)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("reseal %s: %w", col.where(), err)
	}
	return n, nil
}

// RecountSecretKeys makes secret_keys name exactly the keys that stored
// values are sealed with (ids are 8 hex digits after "sealed:v1:"). Several
// processes starting at once may run it together: it only deletes ids no
// value uses and adds those missing.
func (tx *Tx) RecountSecretKeys(ctx context.Context) error {
	parts := make([]string, len(sealedColumns))
	for i, c := range sealedColumns {
		parts[i] = `SELECT substr(` + c.column + `, 11, 8) AS key_id FROM ` + c.table + ` WHERE ` + c.column + ` LIKE 'sealed:v1:%'`
	}
	used := strings.Join(parts, " UNION ")
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM secret_keys WHERE key_id NOT IN (`+used+`)`); err != nil {
		return fmt.Errorf("recount secret keys: %w", err)
	}
	// WHERE true: SQLite's upsert after a SELECT needs one to parse.
	if _, err := tx.q.ExecContext(ctx, `INSERT INTO secret_keys (key_id) SELECT key_id FROM (`+used+`) used WHERE true
		ON CONFLICT (key_id) DO NOTHING`); err != nil {
		return fmt.Errorf("recount secret keys: %w", err)
	}
	return nil
}

// ForgetChannelSettings empties a channel's config, whose key is lost, and
// with switchOff switches it off (from at) until its settings are given
// again.
func (tx *Tx) ForgetChannelSettings(ctx context.Context, id int64, switchOff bool, at time.Time) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE channels SET config = $1,
			disabled_at = CASE WHEN $2 THEN COALESCE(disabled_at, $3) ELSE disabled_at END
		WHERE id = $4`, noConfig, switchOff, ms(at), id)
	if err != nil {
		return fmt.Errorf("forget channel settings: %w", err)
	}
	return nil
}

// ReplaceWebhookSecret gives a subscription a new signing secret.
func (tx *Tx) ReplaceWebhookSecret(ctx context.Context, id int64, secret []byte) error {
	if _, err := tx.q.ExecContext(ctx, `UPDATE webhooks SET secret = $1 WHERE id = $2`,
		tx.seal(ctx, webhookSecret, secret), id); err != nil {
		return fmt.Errorf("replace webhook secret: %w", err)
	}
	return nil
}

// ForgetInstallationSecret removes an installation value; the server makes
// a new one at its next start.
func (tx *Tx) ForgetInstallationSecret(ctx context.Context, key string) error {
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM installation WHERE key = $1`, key); err != nil {
		return fmt.Errorf("forget installation secret: %w", err)
	}
	return nil
}
