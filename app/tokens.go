package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/store"
)

// Tokens are the scoped API tokens managers make for integrations. A
// token carries what its creator holds, narrowed to its scopes, at every
// request (a creator who loses a permission takes it from their tokens).
type Tokens struct{ *core }

// apiTokenPrefix marks a scoped token, so that a bearer token is looked up
// in one table: tokens of sign-in have none.
const apiTokenPrefix = "bst_"

// CreateToken makes a token for the actor and returns it with the token
// itself, shown this once. Returns EINVALID, EFORBIDDEN (a scope the actor
// does not hold).
func (a *Tokens) CreateToken(ctx context.Context, actor *beseda.User, in beseda.APITokenCreate) (*beseda.APIToken, error) {
	now := a.now()
	if err := in.Validate(actor, now); err != nil {
		return nil, err
	}
	token, _ := a.newToken()
	token = apiTokenPrefix + token
	t := &beseda.APIToken{UserID: actor.ID, UserName: actor.Name, Name: in.Name, Scopes: in.Scopes, CreatedAt: now, ExpiresAt: in.ExpiresAt}
	if err := a.db.Update(ctx, func(tx *store.Tx) error {
		if err := tx.CreateAPIToken(ctx, actor.WorkspaceID, t, hashToken(token)); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor.WorkspaceID, actor, beseda.AuditTokenCreated, AuditTarget{"token", t.ID},
			beseda.AuditChanges(nil, map[string]any{"name": t.Name, "scopes": t.Scopes, "expires_at": t.ExpiresAt}))
	}); err != nil {
		return nil, err
	}
	a.log.Info("api token created", "workspace", actor.WorkspaceID, "user", actor.ID, "token", t.ID, "scopes", in.Scopes)
	t.Token = token
	return t, nil
}

// ListTokens returns the actor's tokens; owners and admins see everyone's
// in the workspace.
func (a *Tokens) ListTokens(ctx context.Context, actor *beseda.User) ([]*beseda.APIToken, error) {
	return a.db.FindAPITokens(ctx, actor.WorkspaceID, a.tokensOf(actor))
}

// RevokeToken ends a token at once: one's own, or anyone's in the
// workspace for owners and admins. Returns ENOTFOUND.
func (a *Tokens) RevokeToken(ctx context.Context, actor *beseda.User, id int64) error {
	var hash []byte
	err := a.db.Update(ctx, func(tx *store.Tx) error {
		var err error
		if hash, err = tx.DeleteAPIToken(ctx, actor.WorkspaceID, a.tokensOf(actor), id); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor.WorkspaceID, actor, beseda.AuditTokenRevoked, AuditTarget{"token", id}, nil)
	})
	if err != nil {
		return err
	}
	a.sessions.forget(hash)
	a.log.Info("api token revoked", "workspace", actor.WorkspaceID, "user", actor.ID, "token", id)
	return nil
}

// tokensOf is whose tokens the actor sees and revokes: 0 for everyone's.
func (a *Tokens) tokensOf(actor *beseda.User) int64 {
	if actor.IsAdmin() && actor.Scopes == nil {
		return 0
	}
	return actor.ID
}

// authenticateScoped returns the user of a scoped token with its scopes,
// noting its use, and when the token expires (zero: never).
func (a *core) authenticateScoped(ctx context.Context, token string, hash []byte) (*beseda.User, error) {
	if !strings.HasPrefix(token, apiTokenPrefix) {
		return nil, beseda.Errorf(beseda.EUNAUTHORIZED, "the token is unknown or expired")
	}
	now := a.now()
	user, id, expires, err := a.db.FindUserByAPIToken(ctx, hash, now)
	if err != nil {
		return nil, err
	}
	if err := a.db.Update(ctx, func(tx *store.Tx) error { return tx.TouchAPIToken(ctx, id, now) }); err != nil {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	until := now.Add(100 * 365 * 24 * 3600 * 1e9)
	if expires != nil {
		until = *expires
	}
	a.sessions.put(hash, TokenAPI, user, "", until, now)
	return user, nil
}
