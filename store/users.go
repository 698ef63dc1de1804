package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/beseda/beseda"
)

const userColumns = `u.id, u.workspace_id, u.email, u.name, u.role, u.permissions, u.locale, u.time_zone, u.created_at, u.totp_enabled_at IS NOT NULL`

func scanUser(row interface{ Scan(...any) error }, extra ...any) (*beseda.User, error) {
	var u beseda.User
	var role, perms, locale string
	var created int64
	dest := append([]any{&u.ID, &u.WorkspaceID, &u.Email, &u.Name, &role, &perms, &locale, &u.TimeZone, &created, &u.TwoFactor}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	u.Role, u.Locale, u.CreatedAt = beseda.Role(role), beseda.Locale(locale), fromMS(created)
	u.Permissions = []beseda.Permission{}
	for _, p := range strings.Fields(perms) {
		u.Permissions = append(u.Permissions, beseda.Permission(p))
	}
	return &u, nil
}

func joinPermissions(perms []beseda.Permission) string {
	s := make([]string, len(perms))
	for i, p := range perms {
		s[i] = string(p)
	}
	return strings.Join(s, " ")
}

// CreateUser inserts u with its password hash and sets its ID. Returns
// ENAMETAKEN if the email is already in use.
func (tx *Tx) CreateUser(ctx context.Context, u *beseda.User, passwordHash string) error {
	err := tx.q.QueryRowContext(ctx, `
		INSERT INTO users (workspace_id, email, name, role, permissions, password_hash, locale, time_zone, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		u.WorkspaceID, u.Email, u.Name, string(u.Role), joinPermissions(u.Permissions), passwordHash,
		string(u.Locale), u.TimeZone, ms(u.CreatedAt)).Scan(&u.ID)
	if IsUniqueViolation(err) {
		return beseda.Errorf(beseda.ENAMETAKEN, "a user with email %s already exists", u.Email)
	} else if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	return nil
}

// UpdateUser saves the changeable fields of u; a non-empty passwordHash
// replaces the password.
func (tx *Tx) UpdateUser(ctx context.Context, u *beseda.User, passwordHash string) error {
	_, err := tx.q.ExecContext(ctx, `
		UPDATE users SET name = $1, role = $2, permissions = $3, locale = $4, time_zone = $5,
			password_hash = CASE WHEN $6 = '' THEN password_hash ELSE $6 END
		WHERE id = $7 AND workspace_id = $8`,
		u.Name, string(u.Role), joinPermissions(u.Permissions), string(u.Locale), u.TimeZone,
		passwordHash, u.ID, u.WorkspaceID)
	if err != nil {
		return fmt.Errorf("update user: %w", err)
	}
	return nil
}

// FindUserByID returns ENOTFOUND if the user is not in the workspace.
func (r reader) FindUserByID(ctx context.Context, workspaceID, id int64) (*beseda.User, error) {
	u, err := scanUser(r.q.QueryRowContext(ctx,
		`SELECT `+userColumns+` FROM users u WHERE u.id = $1 AND u.workspace_id = $2`, id, workspaceID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, beseda.NotFound("user")
	} else if err != nil {
		return nil, fmt.Errorf("find user: %w", err)
	}
	return u, nil
}

// FindUsers returns the managers of a workspace, ordered by name.
func (r reader) FindUsers(ctx context.Context, workspaceID int64) ([]*beseda.User, error) {
	rows, err := r.q.QueryContext(ctx,
		`SELECT `+userColumns+` FROM users u WHERE u.workspace_id = $1 ORDER BY u.name, u.id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("find users: %w", err)
	}
	defer rows.Close()
	users := []*beseda.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("find users: %w", err)
		}
		users = append(users, u)
	}
	return users, rows.Err()
}

// FindUserRefs returns references to the users with the given ids that belong
// to the workspace, by id. Missing ids are simply absent.
func (r reader) FindUserRefs(ctx context.Context, workspaceID int64, ids []int64) (map[int64]beseda.Ref, error) {
	out := make(map[int64]beseda.Ref, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	in, args := r.inIDs("id", 2, ids)
	rows, err := r.q.QueryContext(ctx, `SELECT id, name FROM users WHERE workspace_id = $1 AND `+in,
		append([]any{workspaceID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("find user refs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ref beseda.Ref
		if err := rows.Scan(&ref.ID, &ref.Name); err != nil {
			return nil, fmt.Errorf("find user refs: %w", err)
		}
		out[ref.ID] = ref
	}
	return out, rows.Err()
}

// FindUserCredentials returns the user with the email and its password hash,
// or ENOTFOUND.
func (r reader) FindUserCredentials(ctx context.Context, email string) (*beseda.User, string, error) {
	var hash string
	u, err := scanUser(r.q.QueryRowContext(ctx,
		`SELECT `+userColumns+`, u.password_hash FROM users u WHERE u.email = $1`, email), &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", beseda.NotFound("user")
	} else if err != nil {
		return nil, "", fmt.Errorf("find credentials: %w", err)
	}
	return u, hash, nil
}

// Token is a stored bearer token or console session.
type Token struct {
	Hash      []byte
	UserID    int64
	Kind      string // "api" or "session"
	CSRF      string // the session's CSRF token
	CreatedAt time.Time
	ExpiresAt time.Time
}

// CreateToken stores a token by its hash.
func (tx *Tx) CreateToken(ctx context.Context, t *Token) error {
	_, err := tx.q.ExecContext(ctx, `
		INSERT INTO auth_tokens (token_hash, user_id, kind, csrf, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`,
		t.Hash, t.UserID, t.Kind, t.CSRF, ms(t.CreatedAt), ms(t.ExpiresAt))
	if err != nil {
		return fmt.Errorf("create token: %w", err)
	}
	return nil
}

// DeleteToken removes a token (sign-out).
func (tx *Tx) DeleteToken(ctx context.Context, hash []byte) error {
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM auth_tokens WHERE token_hash = $1`, hash); err != nil {
		return fmt.Errorf("delete token: %w", err)
	}
	return nil
}

// FindUserByToken returns the user of an unexpired token of the kind, with the
// token, or EUNAUTHORIZED.
func (r reader) FindUserByToken(ctx context.Context, hash []byte, kind string, now time.Time) (*beseda.User, *Token, error) {
	t := Token{Hash: hash, Kind: kind}
	var created, expires int64
	var required bool
	u, err := scanUser(r.q.QueryRowContext(ctx, `
		SELECT `+userColumns+`, t.csrf, t.created_at, t.expires_at, w.require_totp
		FROM auth_tokens t JOIN users u ON u.id = t.user_id JOIN workspaces w ON w.id = u.workspace_id
		WHERE t.token_hash = $1 AND t.kind = $2 AND t.expires_at > $3`,
		hash, kind, ms(now)), &t.CSRF, &created, &expires, &required)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, beseda.Errorf(beseda.EUNAUTHORIZED, "the token is unknown or expired")
	} else if err != nil {
		return nil, nil, fmt.Errorf("find user by token: %w", err)
	}
	t.UserID, t.CreatedAt, t.ExpiresAt = u.ID, fromMS(created), fromMS(expires)
	u.MustEnrol = required && !u.TwoFactor
	return u, &t, nil
}
