package app

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/ratelimit"
	"github.com/beseda/beseda/store"
)

// Token kinds: bearer tokens of the API and cookie sessions of the console.
const (
	TokenAPI     = "api"
	TokenSession = "session"
)

// dummyHash is compared against when the email is unknown, so that a login
// takes as long for an unknown email as for a wrong password.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("beseda-dummy-password"), bcrypt.DefaultCost)
	return h
})

// Login checks an email and password and returns a new token of the kind
// (TokenAPI or TokenSession) with the signed-in user. Guessing is slowed
// (H4): an account with LoginFailuresPerAccount failures in the window, or a
// client address (from) with LoginFailuresPerAddress, is refused whatever
// the password until its window ends; a success clears the account's count.
// Returns EUNAUTHORIZED or EMANYATTEMPTS.
func (a *App) Login(ctx context.Context, email, password, kind string, from netip.Addr) (string, *beseda.User, error) {
	now := a.now()
	addr := ratelimit.AddrKey(from)
	if wait, blocked := a.loginAddrs.Blocked(addr, now); blocked {
		return "", nil, beseda.TooManyAttempts(wait, "too many failed sign-ins from your address; try again later")
	}
	email, err := beseda.NormalizeEmail(email)
	if err != nil || password == "" {
		a.loginAddrs.Add(addr, now)
		return "", nil, beseda.Errorf(beseda.EUNAUTHORIZED, "wrong email or password")
	}
	failed, err := a.accountLocked(ctx, email, now)
	if err != nil {
		return "", nil, err
	}
	user, hash, err := a.db.FindUserCredentials(ctx, email)
	if beseda.ErrorCode(err) == beseda.ENOTFOUND {
		_ = bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
	} else if err != nil {
		return "", nil, fmt.Errorf("login: %w", err)
	}
	if user == nil || bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
		a.loginAddrs.Add(addr, now)
		if err := a.loginFailed(ctx, email, user, now); err != nil {
			return "", nil, err
		}
		return "", nil, beseda.Errorf(beseda.EUNAUTHORIZED, "wrong email or password")
	}
	token, tokenHash := a.newToken()
	csrf := ""
	if kind == TokenSession {
		csrf, _ = a.newToken()
	}
	err = a.db.Update(ctx, func(tx *store.Tx) error {
		if failed > 0 {
			if err := tx.ClearLoginFailures(ctx, email); err != nil {
				return err
			}
		}
		return tx.CreateToken(ctx, &store.Token{Hash: tokenHash, UserID: user.ID, Kind: kind, CSRF: csrf,
			CreatedAt: now, ExpiresAt: now.Add(a.cfg.TokenTTL)})
	})
	if err != nil {
		return "", nil, fmt.Errorf("login: %w", err)
	}
	a.log.Info("signed in", "workspace", user.WorkspaceID, "user", user.ID, "kind", kind)
	return token, user, nil
}

// accountLocked returns EMANYATTEMPTS while the account has had too many
// failures in the window (H4), else how many it has had.
func (a *App) accountLocked(ctx context.Context, email string, now time.Time) (int, error) {
	f, err := a.db.FindLoginFailures(ctx, email, now.Add(-beseda.LoginFailureWindow))
	if err != nil {
		return 0, fmt.Errorf("login: %w", err)
	}
	if f.Count >= beseda.LoginFailuresPerAccount {
		return f.Count, beseda.TooManyAttempts(f.WindowStart.Add(beseda.LoginFailureWindow).Sub(now),
			"too many failed sign-ins for this account; try again later")
	}
	return f.Count, nil
}

// loginFailed counts a wrong password of the account (user is nil for an
// unknown email, which is counted alike so that the answer tells nothing).
func (a *App) loginFailed(ctx context.Context, email string, user *beseda.User, now time.Time) error {
	windowFrom := now.Add(-beseda.LoginFailureWindow)
	var f store.LoginFailures
	err := a.db.Update(ctx, func(tx *store.Tx) error {
		var err error
		if f, err = tx.RecordLoginFailure(ctx, email, now, windowFrom); err != nil || f.Count > 1 {
			return err
		}
		return tx.PruneLoginFailures(ctx, windowFrom) // a new window: a good moment to drop old ones
	})
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	if user != nil && f.Count == beseda.LoginFailuresPerAccount {
		a.log.Warn("sign-in locked after failures", "workspace", user.WorkspaceID, "user", user.ID, "failures", f.Count)
	}
	return nil
}

// Authenticate returns the user holding a token of the kind, and the session's
// CSRF token (empty for API tokens). Returns EUNAUTHORIZED.
func (a *App) Authenticate(ctx context.Context, token, kind string) (*beseda.User, string, error) {
	if token == "" {
		return nil, "", beseda.Errorf(beseda.EUNAUTHORIZED, "sign in first")
	}
	hash, now := hashToken(token), a.now()
	if user, csrf, ok := a.sessions.get(hash, kind, now); ok {
		return user, csrf, nil
	}
	user, t, err := a.db.FindUserByToken(ctx, hash, kind, now)
	if err != nil {
		return nil, "", err
	}
	a.sessions.put(hash, kind, user, t.CSRF, t.ExpiresAt, now)
	return user, t.CSRF, nil
}

// Logout forgets a token.
func (a *App) Logout(ctx context.Context, token string) error {
	hash := hashToken(token)
	a.sessions.forget(hash)
	return a.db.Update(ctx, func(tx *store.Tx) error { return tx.DeleteToken(ctx, hash) })
}

func (a *App) hashPassword(password string) (string, error) {
	hash, err := bcrypt.GenerateFromPassword([]byte(password), a.cfg.BcryptCost)
	if errors.Is(err, bcrypt.ErrPasswordTooLong) {
		return "", beseda.Errorf(beseda.EINVALID, "password must be at most 72 bytes")
	} else if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(hash), nil
}
