package app

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/store"
)

// Token kinds: bearer tokens of the API and cookie sessions of the console.
const (
	TokenAPI     = "api"
	TokenSession = "session"
)

// dummyHash is compared against when the email is unknown, so that a login
// takes as long for an unknown email as for a wrong password: it is made at
// the cost of the passwords this app hashes.
func (a *Users) dummyHash() []byte {
	a.dummyOnce.Do(func() {
		a.dummy, _ = bcrypt.GenerateFromPassword([]byte("beseda-dummy-password"), a.cfg.BcryptCost)
	})
	return a.dummy
}

// Login checks an email and password and returns a new token of the kind
// (TokenAPI or TokenSession) with the signed-in user. Guessing is slowed
// (H4): an account with LoginFailuresPerAccount failures in the window, or a
// client address (from) with LoginFailuresPerAddress, is refused whatever
// the password until its window ends; a success clears the account's count.
// Each attempt is counted before its password is compared and handed back if
// it succeeds, so that requests in flight at once cannot all pass a check
// made before any of them was counted. Returns EUNAUTHORIZED or
// EMANYATTEMPTS.
func (a *Users) Login(ctx context.Context, email, password, kind string, from netip.Addr) (string, *beseda.User, error) {
	l, err := a.LoginWith(ctx, Credentials{Email: email, Password: password}, kind, from)
	return l.Token, l.User, err
}

// reserveAttempt counts an attempt to prove the account's password (a
// sign-in, or a current_password) before the password is compared, and
// returns how many the window holds with it; an account that has had
// LoginFailuresPerAccount in the window gets EMANYATTEMPTS instead (H4). The
// count is in the database, shared by every process. A success clears it
// (ClearLoginFailures); an unknown email is counted alike, so that the
// answer tells nothing.
func (a *Users) reserveAttempt(ctx context.Context, email string, now time.Time) (int, error) {
	windowFrom := now.Add(-beseda.LoginFailureWindow)
	var f store.LoginFailures
	var ok bool
	err := a.db.Update(ctx, func(tx *store.Tx) error {
		var err error
		if f, ok, err = tx.ReserveLoginAttempt(ctx, email, now, windowFrom, beseda.LoginFailuresPerAccount); err != nil || !ok || f.Count > 1 {
			return err
		}
		return tx.PruneLoginFailures(ctx, windowFrom) // a new window: a good moment to drop old ones
	})
	if err != nil {
		return 0, fmt.Errorf("login: %w", err)
	}
	if !ok {
		return f.Count, beseda.TooManyAttempts(f.WindowStart.Add(beseda.LoginFailureWindow).Sub(now),
			"too many failed sign-ins for this account; try again later")
	}
	return f.Count, nil
}

// attemptFailed notes a wrong password of a known account whose attempt
// was the last its window allows.
func (a *Users) attemptFailed(user *beseda.User, failures int) {
	if user != nil && failures == beseda.LoginFailuresPerAccount {
		a.log.Warn("sign-in locked after failures", "workspace", user.WorkspaceID, "user", user.ID, "failures", failures)
	}
}

// LoginFormToken is the console's sign-in form token for a browser's
// pre-session id (beseda.LoginFormToken with this installation's secret).
func (a *Users) LoginFormToken(preSession string) string {
	return beseda.LoginFormToken(a.cfg.Secret, preSession)
}

// CheckLoginFormToken reports whether token is this server's for the
// pre-session id.
func (a *Users) CheckLoginFormToken(preSession, token string) bool {
	return len(a.cfg.Secret) > 0 && beseda.CheckLoginFormToken(a.cfg.Secret, preSession, token)
}

// Authenticate returns the user holding a token of the kind, and the session's
// CSRF token (empty for API tokens). Returns EUNAUTHORIZED.
func (a *Users) Authenticate(ctx context.Context, token, kind string) (*beseda.User, string, error) {
	if token == "" {
		return nil, "", beseda.Errorf(beseda.EUNAUTHORIZED, "sign in first")
	}
	hash, now := hashToken(token), a.now()
	if user, csrf, ok := a.sessions.get(hash, kind, now); ok {
		return user, csrf, nil
	}
	if kind == TokenAPI && strings.HasPrefix(token, apiTokenPrefix) {
		user, err := a.authenticateScoped(ctx, token, hash)
		return user, "", err
	}
	user, t, err := a.db.FindUserByToken(ctx, hash, kind, now)
	if err != nil {
		return nil, "", err
	}
	a.sessions.put(hash, kind, user, t.CSRF, t.ExpiresAt, now)
	return user, t.CSRF, nil
}

// Logout forgets a token.
func (a *Users) Logout(ctx context.Context, token string) error {
	hash := hashToken(token)
	a.sessions.forget(hash)
	return a.db.Update(ctx, func(tx *store.Tx) error { return tx.DeleteToken(ctx, hash) })
}

func (a *core) hashPassword(password string) (string, error) {
	hash, err := bcrypt.GenerateFromPassword([]byte(password), a.cfg.BcryptCost)
	if errors.Is(err, bcrypt.ErrPasswordTooLong) {
		return "", beseda.Errorf(beseda.EINVALID, "password must be at most 72 bytes")
	} else if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(hash), nil
}
