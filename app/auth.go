package app

import (
	"context"
	"errors"
	"fmt"
	"sync"

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
// takes as long for an unknown email as for a wrong password.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("beseda-dummy-password"), bcrypt.DefaultCost)
	return h
})

// Login checks an email and password and returns a new token of the kind
// (TokenAPI or TokenSession) with the signed-in user. Returns EUNAUTHORIZED.
func (a *App) Login(ctx context.Context, email, password, kind string) (string, *beseda.User, error) {
	email, err := beseda.NormalizeEmail(email)
	if err != nil || password == "" {
		return "", nil, beseda.Errorf(beseda.EUNAUTHORIZED, "wrong email or password")
	}
	user, hash, err := a.db.FindUserCredentials(ctx, email)
	if beseda.ErrorCode(err) == beseda.ENOTFOUND {
		_ = bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return "", nil, beseda.Errorf(beseda.EUNAUTHORIZED, "wrong email or password")
	} else if err != nil {
		return "", nil, fmt.Errorf("login: %w", err)
	}
	if err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)); err != nil {
		return "", nil, beseda.Errorf(beseda.EUNAUTHORIZED, "wrong email or password")
	}
	token, tokenHash := a.newToken()
	csrf := ""
	if kind == TokenSession {
		csrf, _ = a.newToken()
	}
	now := a.now()
	err = a.db.Update(ctx, func(tx *store.Tx) error {
		return tx.CreateToken(ctx, &store.Token{Hash: tokenHash, UserID: user.ID, Kind: kind, CSRF: csrf,
			CreatedAt: now, ExpiresAt: now.Add(a.cfg.TokenTTL)})
	})
	if err != nil {
		return "", nil, fmt.Errorf("login: %w", err)
	}
	a.log.Info("signed in", "workspace", user.WorkspaceID, "user", user.ID, "kind", kind)
	return token, user, nil
}

// Authenticate returns the user holding a token of the kind, and the session's
// CSRF token (empty for API tokens). Returns EUNAUTHORIZED.
func (a *App) Authenticate(ctx context.Context, token, kind string) (*beseda.User, string, error) {
	if token == "" {
		return nil, "", beseda.Errorf(beseda.EUNAUTHORIZED, "sign in first")
	}
	user, t, err := a.db.FindUserByToken(ctx, hashToken(token), kind, a.now())
	if err != nil {
		return nil, "", err
	}
	return user, t.CSRF, nil
}

// Logout forgets a token.
func (a *App) Logout(ctx context.Context, token string) error {
	return a.db.Update(ctx, func(tx *store.Tx) error { return tx.DeleteToken(ctx, hashToken(token)) })
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
