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

// The sealed places of signing in: a manager's TOTP secret and a
// workspace's OpenID Connect client secret.
const (
	totpSecret       = "users.totp_secret"
	oidcClientSecret = "oidc_settings.client_secret"

	SecretTOTP       = totpSecret
	SecretOIDCClient = oidcClientSecret
)

func joinScopes(scopes []beseda.Scope) string {
	s := make([]string, len(scopes))
	for i, v := range scopes {
		s[i] = string(v)
	}
	return strings.Join(s, " ")
}

func splitScopes(s string) []beseda.Scope {
	out := []beseda.Scope{}
	for _, f := range strings.Fields(s) {
		out = append(out, beseda.Scope(f))
	}
	return out
}

// CreateAPIToken stores a scoped token of t.UserID by its hash and sets t.ID.
func (tx *Tx) CreateAPIToken(ctx context.Context, workspaceID int64, t *beseda.APIToken, hash []byte) error {
	err := tx.q.QueryRowContext(ctx, `
		INSERT INTO api_tokens (workspace_id, user_id, name, scopes, token_hash, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		workspaceID, t.UserID, t.Name, joinScopes(t.Scopes), hash, ms(t.CreatedAt), nullMS(t.ExpiresAt)).Scan(&t.ID)
	if err != nil {
		return fmt.Errorf("create api token: %w", err)
	}
	return nil
}

// FindAPITokens returns the workspace's scoped tokens, newest first: of one
// user, or of everyone (userID 0). Uses api_tokens_workspace.
func (r reader) FindAPITokens(ctx context.Context, workspaceID, userID int64) ([]*beseda.APIToken, error) {
	rows, err := r.q.QueryContext(ctx, `
		SELECT t.id, t.user_id, u.name, t.name, t.scopes, t.created_at, t.expires_at, t.last_used_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.workspace_id = $1 AND (CAST($2 AS BIGINT) = 0 OR t.user_id = $2)
		ORDER BY t.id DESC`, workspaceID, userID)
	if err != nil {
		return nil, fmt.Errorf("find api tokens: %w", err)
	}
	defer rows.Close()
	out := []*beseda.APIToken{}
	for rows.Next() {
		var t beseda.APIToken
		var scopes string
		var created int64
		var expires, used sql.NullInt64
		if err := rows.Scan(&t.ID, &t.UserID, &t.UserName, &t.Name, &scopes, &created, &expires, &used); err != nil {
			return nil, fmt.Errorf("find api tokens: %w", err)
		}
		t.Scopes, t.CreatedAt, t.ExpiresAt, t.LastUsedAt = splitScopes(scopes), fromMS(created), fromNullMS(expires), fromNullMS(used)
		out = append(out, &t)
	}
	return out, rows.Err()
}

// DeleteAPIToken removes a token of the workspace (of one user unless
// userID is 0) and returns its hash, or ENOTFOUND.
func (tx *Tx) DeleteAPIToken(ctx context.Context, workspaceID, userID, id int64) ([]byte, error) {
	var hash []byte
	err := tx.q.QueryRowContext(ctx, `DELETE FROM api_tokens WHERE id = $1 AND workspace_id = $2 AND (CAST($3 AS BIGINT) = 0 OR user_id = $3)
		RETURNING token_hash`, id, workspaceID, userID).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, beseda.NotFound("token")
	} else if err != nil {
		return nil, fmt.Errorf("delete api token: %w", err)
	}
	return hash, nil
}

// FindUserByAPIToken returns the user of an unexpired scoped token, with
// the token's scopes in User.Scopes and the token in User.Token, and its
// id, or EUNAUTHORIZED.
func (r reader) FindUserByAPIToken(ctx context.Context, hash []byte, now time.Time) (*beseda.User, int64, *time.Time, error) {
	var id int64
	var name, scopes string
	var expires sql.NullInt64
	var required bool
	u, err := scanUser(r.q.QueryRowContext(ctx, `
		SELECT `+userColumns+`, t.id, t.name, t.scopes, t.expires_at, w.require_totp
		FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN workspaces w ON w.id = u.workspace_id
		WHERE t.token_hash = $1 AND (t.expires_at IS NULL OR t.expires_at > $2)`,
		hash, ms(now)), &id, &name, &scopes, &expires, &required)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, nil, beseda.Errorf(beseda.EUNAUTHORIZED, "the token is unknown, revoked or expired")
	} else if err != nil {
		return nil, 0, nil, fmt.Errorf("find user by api token: %w", err)
	}
	u.Scopes, u.Token = splitScopes(scopes), &beseda.Ref{ID: id, Name: name}
	u.MustEnrol = required && !u.TwoFactor
	return u, id, fromNullMS(expires), nil
}

// TouchAPIToken notes the token's use, at most once a minute (a write per
// request would be a hot row for a busy integration).
func (tx *Tx) TouchAPIToken(ctx context.Context, id int64, now time.Time) error {
	if _, err := tx.q.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1
		WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)`, ms(now), id, ms(now.Add(-time.Minute))); err != nil {
		return fmt.Errorf("touch api token: %w", err)
	}
	return nil
}

// TOTP is a manager's two-factor state.
type TOTP struct {
	Secret   string // the base32 secret, opened; "" when none
	Enabled  bool   // confirmed
	LastStep int64  // the last time step a code was accepted for
}

// FindTOTP returns a user's two-factor state.
func (r reader) FindTOTP(ctx context.Context, userID int64) (TOTP, error) {
	var t TOTP
	var sealed string
	err := r.q.QueryRowContext(ctx, `SELECT totp_secret, totp_enabled_at IS NOT NULL, totp_last_step FROM users WHERE id = $1`, userID).
		Scan(&sealed, &t.Enabled, &t.LastStep)
	if errors.Is(err, sql.ErrNoRows) {
		return t, beseda.NotFound("user")
	} else if err != nil {
		return t, fmt.Errorf("find totp: %w", err)
	}
	if sealed != "" {
		plain, err := r.open(totpSecret, sealed)
		if err != nil {
			return t, fmt.Errorf("find totp: %w", err)
		}
		t.Secret = string(plain)
	}
	return t, nil
}

// StartTOTP stores a new, not yet confirmed secret (an enrolment started
// again replaces it). A confirmed one is not replaced.
func (tx *Tx) StartTOTP(ctx context.Context, userID int64, secret string) error {
	if _, err := tx.q.ExecContext(ctx, `UPDATE users SET totp_secret = $1, totp_last_step = 0 WHERE id = $2 AND totp_enabled_at IS NULL`,
		tx.seal(ctx, totpSecret, []byte(secret)), userID); err != nil {
		return fmt.Errorf("start totp: %w", err)
	}
	return nil
}

// EnableTOTP confirms the secret, from step, and replaces the recovery
// codes with hashes.
func (tx *Tx) EnableTOTP(ctx context.Context, userID int64, at time.Time, step int64, codeHashes [][]byte) error {
	if _, err := tx.q.ExecContext(ctx, `UPDATE users SET totp_enabled_at = $1, totp_last_step = $2 WHERE id = $3`,
		ms(at), step, userID); err != nil {
		return fmt.Errorf("enable totp: %w", err)
	}
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("enable totp: %w", err)
	}
	for _, h := range codeHashes {
		if _, err := tx.q.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)`, userID, h); err != nil {
			return fmt.Errorf("enable totp: %w", err)
		}
	}
	return nil
}

// DisableTOTP turns two-factor sign-in off and forgets the secret and codes.
func (tx *Tx) DisableTOTP(ctx context.Context, userID int64) error {
	if _, err := tx.q.ExecContext(ctx, `UPDATE users SET totp_secret = '', totp_enabled_at = NULL, totp_last_step = 0 WHERE id = $1`, userID); err != nil {
		return fmt.Errorf("disable totp: %w", err)
	}
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("disable totp: %w", err)
	}
	return nil
}

// UseTOTPStep records that a code of the time step was accepted; false if
// one of that step or a later one was already (a code works once, also
// when two requests bring it at once).
func (tx *Tx) UseTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	res, err := tx.q.ExecContext(ctx, `UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1`, step, userID)
	if err != nil {
		return false, fmt.Errorf("use totp step: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// UseRecoveryCode spends an unused recovery code; false if there is none
// with the hash.
func (tx *Tx) UseRecoveryCode(ctx context.Context, userID int64, hash []byte, at time.Time) (bool, error) {
	res, err := tx.q.ExecContext(ctx, `UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL`,
		ms(at), userID, hash)
	if err != nil {
		return false, fmt.Errorf("use recovery code: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// CountRecoveryCodes returns how many unused recovery codes a user has.
func (r reader) CountRecoveryCodes(ctx context.Context, userID int64) (int, error) {
	var n int
	if err := r.q.QueryRowContext(ctx, `SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`, userID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count recovery codes: %w", err)
	}
	return n, nil
}

// SetRequireTOTP says whether the workspace's managers must sign in with a
// second factor.
func (tx *Tx) SetRequireTOTP(ctx context.Context, workspaceID int64, required bool) error {
	if _, err := tx.q.ExecContext(ctx, `UPDATE workspaces SET require_totp = $1 WHERE id = $2`, required, workspaceID); err != nil {
		return fmt.Errorf("require totp: %w", err)
	}
	return nil
}

// RequireTOTP tells whether the workspace requires two-factor sign-in.
func (r reader) RequireTOTP(ctx context.Context, workspaceID int64) (bool, error) {
	var required bool
	if err := r.q.QueryRowContext(ctx, `SELECT require_totp FROM workspaces WHERE id = $1`, workspaceID).Scan(&required); err != nil {
		return false, fmt.Errorf("require totp: %w", err)
	}
	return required, nil
}

// FindOIDCSettings returns the workspace's single sign-on settings with
// the client secret opened; settings of a workspace without any are the
// zero ones with password sign-in on.
func (r reader) FindOIDCSettings(ctx context.Context, workspaceID int64) (*beseda.OIDCSettings, error) {
	s := beseda.OIDCSettings{PasswordLogin: true, Role: beseda.RoleManager, AllowedDomains: []string{}}
	var domains, role, sealed string
	err := r.q.QueryRowContext(ctx, `SELECT issuer, client_id, client_secret, allowed_domains, create_users, role, password_login
		FROM oidc_settings WHERE workspace_id = $1`, workspaceID).
		Scan(&s.Issuer, &s.ClientID, &sealed, &domains, &s.CreateUsers, &role, &s.PasswordLogin)
	if errors.Is(err, sql.ErrNoRows) {
		return &s, nil
	} else if err != nil {
		return nil, fmt.Errorf("find oidc settings: %w", err)
	}
	s.Role, s.AllowedDomains = beseda.Role(role), append([]string{}, strings.Fields(domains)...)
	if sealed != "" {
		plain, err := r.open(oidcClientSecret, sealed)
		if err != nil {
			return nil, fmt.Errorf("find oidc settings: %w", err)
		}
		s.ClientSecret, s.HasSecret = string(plain), true
	}
	return &s, nil
}

// PutOIDCSettings stores the workspace's single sign-on settings; an empty
// ClientSecret keeps the stored one unless clearSecret.
func (tx *Tx) PutOIDCSettings(ctx context.Context, workspaceID int64, s *beseda.OIDCSettings, at time.Time) error {
	secret := ""
	if s.ClientSecret != "" {
		secret = tx.seal(ctx, oidcClientSecret, []byte(s.ClientSecret))
	}
	_, err := tx.q.ExecContext(ctx, `
		INSERT INTO oidc_settings (workspace_id, issuer, client_id, client_secret, allowed_domains, create_users, role, password_login, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (workspace_id) DO UPDATE SET issuer = excluded.issuer, client_id = excluded.client_id,
			client_secret = CASE WHEN excluded.client_secret = '' AND excluded.issuer <> '' THEN oidc_settings.client_secret ELSE excluded.client_secret END,
			allowed_domains = excluded.allowed_domains, create_users = excluded.create_users, role = excluded.role,
			password_login = excluded.password_login, updated_at = excluded.updated_at`,
		workspaceID, s.Issuer, s.ClientID, secret, strings.Join(s.AllowedDomains, " "), s.CreateUsers, string(s.Role),
		s.PasswordLogin, ms(at))
	if err != nil {
		return fmt.Errorf("put oidc settings: %w", err)
	}
	return nil
}

// PasswordLoginOff tells whether the workspace of a user signs in with
// single sign-on only.
func (r reader) PasswordLoginOff(ctx context.Context, workspaceID int64) (bool, error) {
	var on bool
	err := r.q.QueryRowContext(ctx, `SELECT password_login FROM oidc_settings WHERE workspace_id = $1`, workspaceID).Scan(&on)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("password login: %w", err)
	}
	return !on, nil
}

// FindUserByEmail returns the user with the e-mail, or ENOTFOUND.
func (r reader) FindUserByEmail(ctx context.Context, email string) (*beseda.User, error) {
	return r.findUserWhere(ctx, "u.email = $1", email)
}

// findUserWhere returns the one user of any workspace the condition
// (on users u, with $1 = arg) holds for, or ENOTFOUND.
func (r reader) findUserWhere(ctx context.Context, cond string, arg any) (*beseda.User, error) {
	u, err := scanUser(r.q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE `+cond, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, beseda.NotFound("user")
	} else if err != nil {
		return nil, fmt.Errorf("find user: %w", err)
	}
	return u, nil
}

// FindOIDCWorkspaceByDomain returns the workspace whose single sign-on
// allows the e-mail domain, if exactly one does (0 otherwise).
func (r reader) FindOIDCWorkspaceByDomain(ctx context.Context, domain string) (int64, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT workspace_id, allowed_domains FROM oidc_settings WHERE issuer <> '' AND allowed_domains LIKE $1`,
		"%"+domain+"%")
	if err != nil {
		return 0, fmt.Errorf("find oidc workspace: %w", err)
	}
	defer rows.Close()
	var found int64
	for rows.Next() {
		var id int64
		var domains string
		if err := rows.Scan(&id, &domains); err != nil {
			return 0, fmt.Errorf("find oidc workspace: %w", err)
		}
		for _, d := range strings.Fields(domains) {
			if d == domain {
				if found != 0 {
					return 0, nil // ambiguous: the manager names the workspace
				}
				found = id
			}
		}
	}
	return found, rows.Err()
}

// ForgetOIDCClientSecret empties the workspace's client secret, whose key
// is lost.
func (tx *Tx) ForgetOIDCClientSecret(ctx context.Context, workspaceID int64) error {
	if _, err := tx.q.ExecContext(ctx, `UPDATE oidc_settings SET client_secret = '' WHERE workspace_id = $1`, workspaceID); err != nil {
		return fmt.Errorf("forget oidc secret: %w", err)
	}
	return nil
}

// FindUserByIDAnywhere returns a user of any workspace, or ENOTFOUND (a
// sign-in's ticket names the user before the workspace is known).
func (r reader) FindUserByIDAnywhere(ctx context.Context, id int64) (*beseda.User, error) {
	return r.findUserWhere(ctx, "u.id = $1", id)
}

// CountOIDCWorkspaces returns how many workspaces have single sign-on.
func (r reader) CountOIDCWorkspaces(ctx context.Context) (int, error) {
	var n int
	if err := r.q.QueryRowContext(ctx, `SELECT count(*) FROM oidc_settings WHERE issuer <> ''`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count oidc: %w", err)
	}
	return n, nil
}
