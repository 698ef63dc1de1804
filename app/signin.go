package app

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"fmt"
	"image/png"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"golang.org/x/crypto/bcrypt"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/ratelimit"
	"github.com/beseda/beseda/store"
)

// SignIn is the second factor (TOTP, RFC 6238) and single sign-on (OpenID
// Connect) of managers, and the workspace's rules for them.
type SignIn struct{ *core }

// totpOpts: 6 digits every 30 s with SHA-1, what every authenticator app
// reads from a QR code; one step either side allows for a phone's clock.
var totpOpts = totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// Credentials are what a manager signs in with: an e-mail and password, or
// the ticket of a right password (Login.Ticket), and the code of the
// second factor when the account has one on.
type Credentials struct {
	Email    string
	Password string
	TOTPCode string // a TOTP code or a recovery code
	Ticket   string
}

// Login is a sign-in's result: a token and its user; or, when the password
// was right and a code is still needed (ETOTPREQUIRED), a ticket that
// stands for the password for a few minutes, so that the console asks for
// the code alone.
type Login struct {
	Token  string
	User   *beseda.User
	Ticket string
}

// ticketTTL is how long a right password waits for its code.
const ticketTTL = 5 * time.Minute

// LoginWith checks credentials and returns a new token of the kind. Guessing
// is slowed alike for passwords and codes (H4): each try counts against
// the account and the address before it is compared; a success clears
// the account's count. A workspace that signs in with single sign-on only
// refuses passwords of all but its owners (EPASSWORDLOGINOFF). Returns
// EUNAUTHORIZED, ETOTPREQUIRED (with Login.Ticket), EMANYATTEMPTS.
func (a *Users) LoginWith(ctx context.Context, c Credentials, kind string, from netip.Addr) (Login, error) {
	now := a.now()
	ctx = WithOrigin(ctx, Origin{Address: from, Via: kind}) // for the audit log
	addr, wait, ok := a.loginAddrs.Reserve(ratelimit.AddrKey(from), now)
	if !ok {
		return Login{}, beseda.TooManyAttempts(wait, "too many failed sign-ins from your address; try again later")
	}
	user, failures, err := a.checkFirstFactor(ctx, c, now)
	if err != nil {
		if beseda.ErrorCode(err) != beseda.EUNAUTHORIZED {
			a.loginAddrs.Refund(addr) // nothing was tried
		}
		return Login{}, err
	}
	if off, err := a.db.PasswordLoginOff(ctx, user.WorkspaceID); err != nil {
		return Login{}, fmt.Errorf("login: %w", err)
	} else if off && user.Role != beseda.RoleOwner {
		a.loginAddrs.Refund(addr)
		return Login{}, beseda.Errorf(beseda.EPASSWORDLOGINOFF, "this workspace signs in with single sign-on only")
	}
	if user.TwoFactor {
		if c.TOTPCode == "" {
			a.loginAddrs.Refund(addr)
			return Login{Ticket: a.ticket(user.ID, now)}, beseda.Errorf(beseda.ETOTPREQUIRED, "enter the code of your authenticator app (totp_code) or a recovery code")
		}
		ok, err := a.checkSecondFactor(ctx, user.ID, c.TOTPCode, now)
		if err != nil {
			return Login{}, err
		}
		if !ok {
			a.attemptFailed(ctx, user, failures)
			return Login{Ticket: a.ticket(user.ID, now)}, beseda.Errorf(beseda.EUNAUTHORIZED, "wrong code")
		}
	}
	a.loginAddrs.Refund(addr) // the address counts failures
	token, err := a.startSession(ctx, user, kind, now)
	if err != nil {
		return Login{}, err
	}
	a.log.Info("signed in", "workspace", user.WorkspaceID, "user", user.ID, "kind", kind, "second_factor", user.TwoFactor)
	return Login{Token: token, User: user}, nil
}

// checkFirstFactor finds the user of a password (or of a ticket, which
// stands for one) and counts the attempt (reserveAttempt). A wrong
// password is EUNAUTHORIZED, with the attempt left counted.
func (a *Users) checkFirstFactor(ctx context.Context, c Credentials, now time.Time) (*beseda.User, int, error) {
	if c.Ticket != "" {
		user, err := a.openTicket(ctx, c.Ticket, now)
		if err != nil {
			return nil, 0, err
		}
		failures, err := a.reserveAttempt(ctx, user.Email, now)
		return user, failures, err
	}
	email, err := beseda.NormalizeEmail(c.Email)
	if err != nil || c.Password == "" {
		return nil, 0, beseda.Errorf(beseda.EUNAUTHORIZED, "wrong email or password")
	}
	failures, err := a.reserveAttempt(ctx, email, now)
	if err != nil {
		return nil, 0, err
	}
	user, hash, err := a.db.FindUserCredentials(ctx, email)
	if beseda.ErrorCode(err) == beseda.ENOTFOUND {
		_ = bcrypt.CompareHashAndPassword(a.dummyHash(), []byte(c.Password))
	} else if err != nil {
		return nil, 0, fmt.Errorf("login: %w", err)
	}
	if user == nil || bcrypt.CompareHashAndPassword([]byte(hash), []byte(c.Password)) != nil {
		a.attemptFailed(ctx, user, failures)
		return nil, 0, beseda.Errorf(beseda.EUNAUTHORIZED, "wrong email or password")
	}
	return user, failures, nil
}

// startSession stores a new token of the kind for the user and clears the
// account's failed attempts.
func (a *core) startSession(ctx context.Context, user *beseda.User, kind string, now time.Time) (string, error) {
	token, tokenHash := a.newToken()
	csrf := ""
	if kind == TokenSession {
		csrf, _ = a.newToken()
	}
	err := a.db.Update(ctx, func(tx *store.Tx) error {
		if err := tx.ClearLoginFailures(ctx, user.Email); err != nil { // a success resets the count
			return err
		}
		if err := tx.CreateToken(ctx, &store.Token{Hash: tokenHash, UserID: user.ID, Kind: kind, CSRF: csrf,
			CreatedAt: now, ExpiresAt: now.Add(a.cfg.TokenTTL)}); err != nil {
			return err
		}
		return a.audit(ctx, tx, user.WorkspaceID, user, beseda.AuditSignIn, AuditTarget{"user", user.ID}, nil)
	})
	if err != nil {
		return "", fmt.Errorf("login: %w", err)
	}
	if kind == TokenSession { // a person at the console is online (A3)
		a.app.Routing.signedIn(ctx, user)
	}
	return token, nil
}

// ticket is "user id.expiry.mac": proof, for ticketTTL, that the user gave
// the right password.
func (a *core) ticket(userID int64, now time.Time) string {
	body := strconv.FormatInt(userID, 10) + "." + strconv.FormatInt(now.Add(ticketTTL).Unix(), 10)
	return body + "." + a.mac("totp-ticket", body)
}

func (a *core) openTicket(ctx context.Context, ticket string, now time.Time) (*beseda.User, error) {
	bad := beseda.Errorf(beseda.EUNAUTHORIZED, "the sign-in has expired; enter your password again")
	i := strings.LastIndexByte(ticket, '.')
	if i < 0 || len(a.cfg.Secret) == 0 || !hmac.Equal([]byte(ticket[i+1:]), []byte(a.mac("totp-ticket", ticket[:i]))) {
		return nil, bad
	}
	idText, expText, _ := strings.Cut(ticket[:i], ".")
	id, err1 := strconv.ParseInt(idText, 10, 64)
	exp, err2 := strconv.ParseInt(expText, 10, 64)
	if err1 != nil || err2 != nil || now.Unix() > exp {
		return nil, bad
	}
	user, err := a.db.FindUserByIDAnywhere(ctx, id)
	if beseda.ErrorCode(err) == beseda.ENOTFOUND {
		return nil, bad
	}
	return user, err
}

// mac signs a value with the installation's secret for one purpose.
func (a *core) mac(purpose, value string) string {
	m := hmac.New(sha256.New, a.cfg.Secret)
	m.Write([]byte(purpose + "\x00" + value))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkSecondFactor reports whether code is the user's: a TOTP code of now
// (or a step either side) not used before, or an unused recovery code,
// which is then spent.
func (a *core) checkSecondFactor(ctx context.Context, userID int64, code string, now time.Time) (bool, error) {
	t, err := a.db.FindTOTP(ctx, userID)
	if err != nil || t.Secret == "" {
		return false, err
	}
	code = strings.ToLower(strings.ReplaceAll(strings.ReplaceAll(strings.TrimSpace(code), " ", ""), "-", ""))
	ok := false
	err = a.db.Update(ctx, func(tx *store.Tx) error {
		var err error
		if step, matched := totpStep(t.Secret, code, now); matched {
			ok, err = tx.UseTOTPStep(ctx, userID, step)
		} else if len(code) == recoveryCodeLength {
			ok, err = tx.UseRecoveryCode(ctx, userID, hashToken(code), now)
		}
		return err
	})
	if err != nil {
		return false, fmt.Errorf("check code: %w", err)
	}
	return ok, nil
}

// totpStep returns the time step whose code is code, within one step of
// now, compared in constant time.
func totpStep(secret, code string, now time.Time) (int64, bool) {
	if len(code) != int(totpOpts.Digits) {
		return 0, false
	}
	step := now.Unix() / int64(totpOpts.Period)
	for _, s := range []int64{step, step - 1, step + 1} {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*int64(totpOpts.Period), 0), totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}

// recoveryCodeLength is the letters of a recovery code (shown as two groups
// of five): 50 bits each, more than enough for ten guesses a window.
const recoveryCodeLength = 10

// TOTPEnrolment is a started enrolment: the secret to type in, the
// otpauth:// URL a QR code carries, and that QR code as a PNG.
type TOTPEnrolment struct {
	Secret     string `json:"secret"`
	OTPAuthURL string `json:"otpauth_url"`
	QRCode     []byte `json:"-"`
}

// StartTOTP starts the actor's enrolment with a new secret (again, if one
// was started and not confirmed). Returns EINVALID if two-factor sign-in is
// on already.
func (a *SignIn) StartTOTP(ctx context.Context, actor *beseda.User) (*TOTPEnrolment, error) {
	if actor.TwoFactor {
		return nil, beseda.Errorf(beseda.EINVALID, "two-factor sign-in is on already; turn it off first to set up a new app")
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "Beseda", AccountName: actor.Email, Period: totpOpts.Period,
		Digits: totpOpts.Digits, Algorithm: totpOpts.Algorithm, Rand: a.random})
	if err != nil {
		return nil, fmt.Errorf("start totp: %w", err)
	}
	if err := a.db.Update(ctx, func(tx *store.Tx) error { return tx.StartTOTP(ctx, actor.ID, key.Secret()) }); err != nil {
		return nil, err
	}
	return enrolment(key)
}

// enrolment is what a person needs to add the key to an app: the secret,
// its URL, and the URL as a QR code.
func enrolment(key *otp.Key) (*TOTPEnrolment, error) {
	img, err := key.Image(240, 240)
	if err != nil {
		return nil, fmt.Errorf("totp qr code: %w", err)
	}
	var qr bytes.Buffer
	if err := png.Encode(&qr, img); err != nil {
		return nil, fmt.Errorf("totp qr code: %w", err)
	}
	return &TOTPEnrolment{Secret: key.Secret(), OTPAuthURL: key.URL(), QRCode: qr.Bytes()}, nil
}

// PendingTOTP returns the enrolment the actor started and has not
// confirmed, or nil.
func (a *SignIn) PendingTOTP(ctx context.Context, actor *beseda.User) (*TOTPEnrolment, error) {
	t, err := a.db.FindTOTP(ctx, actor.ID)
	if err != nil || t.Secret == "" || t.Enabled {
		return nil, err
	}
	key, err := otp.NewKeyFromURL(fmt.Sprintf("otpauth://totp/Beseda:%s?secret=%s&issuer=Beseda&period=30&digits=6&algorithm=SHA1",
		actor.Email, t.Secret))
	if err != nil {
		return nil, fmt.Errorf("pending totp: %w", err)
	}
	return enrolment(key)
}

// ConfirmTOTP turns two-factor sign-in on with a code of the started
// enrolment and returns ten recovery codes, shown this once (stored
// hashed). Codes count as sign-in attempts (H4). Returns EINVALID (nothing
// started, or a wrong code), EMANYATTEMPTS.
func (a *SignIn) ConfirmTOTP(ctx context.Context, actor *beseda.User, code string) ([]string, error) {
	now := a.now()
	t, err := a.db.FindTOTP(ctx, actor.ID)
	if err != nil {
		return nil, err
	}
	if t.Enabled {
		return nil, beseda.Errorf(beseda.EINVALID, "two-factor sign-in is on already")
	}
	if t.Secret == "" {
		return nil, beseda.Errorf(beseda.EINVALID, "start setting up two-factor sign-in first (POST /api/v1/me/totp)")
	}
	users := &Users{a.core}
	failures, err := users.reserveAttempt(ctx, actor.Email, now)
	if err != nil {
		return nil, err
	}
	step, ok := totpStep(t.Secret, strings.TrimSpace(code), now)
	if !ok {
		users.attemptFailed(ctx, actor, failures)
		return nil, beseda.Errorf(beseda.EINVALID, "the code is wrong; check the time on your phone and try the next code")
	}
	codes := make([]string, beseda.RecoveryCodes)
	hashes := make([][]byte, len(codes))
	for i := range codes {
		b := make([]byte, recoveryCodeLength*5/8)
		if _, err := io.ReadFull(a.random, b); err != nil {
			panic("beseda: random source failed: " + err.Error())
		}
		c := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
		codes[i], hashes[i] = c[:5]+"-"+c[5:], hashToken(c)
	}
	err = a.db.Update(ctx, func(tx *store.Tx) error {
		if err := tx.EnableTOTP(ctx, actor.ID, now, step, hashes); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, actor.WorkspaceID, actor, beseda.AuditTwoFactorOn, AuditTarget{"user", actor.ID}, nil); err != nil {
			return err
		}
		return tx.ClearLoginFailures(ctx, actor.Email)
	})
	if err != nil {
		return nil, err
	}
	a.sessions.forget(nil) // sessions knew the user without it
	a.log.Info("two-factor sign-in turned on", "workspace", actor.WorkspaceID, "user", actor.ID)
	return codes, nil
}

// DisableTOTP turns the actor's two-factor sign-in off, with a code (or a
// recovery code) as proof. A workspace that requires it sends the manager
// to set it up again. Returns EINVALID (not on), EFORBIDDEN (wrong code),
// EMANYATTEMPTS.
func (a *SignIn) DisableTOTP(ctx context.Context, actor *beseda.User, code string) error {
	if !actor.TwoFactor {
		return beseda.Errorf(beseda.EINVALID, "two-factor sign-in is not on")
	}
	now := a.now()
	users := &Users{a.core}
	failures, err := users.reserveAttempt(ctx, actor.Email, now)
	if err != nil {
		return err
	}
	ok, err := a.checkSecondFactor(ctx, actor.ID, code, now)
	if err != nil {
		return err
	}
	if !ok {
		users.attemptFailed(ctx, actor, failures)
		return beseda.Errorf(beseda.EFORBIDDEN, "the code is wrong")
	}
	err = a.db.Update(ctx, func(tx *store.Tx) error {
		if err := tx.DisableTOTP(ctx, actor.ID); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor.WorkspaceID, actor, beseda.AuditTwoFactorOff, AuditTarget{"user", actor.ID}, nil)
	})
	if err != nil {
		return err
	}
	a.sessions.forget(nil)
	a.log.Info("two-factor sign-in turned off", "workspace", actor.WorkspaceID, "user", actor.ID)
	return nil
}

// RecoveryCodesLeft returns how many unused recovery codes the actor has.
func (a *SignIn) RecoveryCodesLeft(ctx context.Context, actor *beseda.User) (int, error) {
	return a.db.CountRecoveryCodes(ctx, actor.ID)
}

// TwoFactorPolicy is whether a workspace requires two-factor sign-in of
// every manager.
type TwoFactorPolicy struct {
	Required bool `json:"required"`
}

// TwoFactorPolicy returns the workspace's rule.
func (a *SignIn) TwoFactorPolicy(ctx context.Context, actor *beseda.User) (TwoFactorPolicy, error) {
	required, err := a.db.RequireTOTP(ctx, actor.WorkspaceID)
	return TwoFactorPolicy{Required: required}, err
}

// SetTwoFactorPolicy requires two-factor sign-in of every manager of the
// workspace, or stops requiring it; owners only. Managers without it are
// sent to set it up at their next request. Returns EFORBIDDEN.
func (a *SignIn) SetTwoFactorPolicy(ctx context.Context, actor *beseda.User, p TwoFactorPolicy) (TwoFactorPolicy, error) {
	if actor.Role != beseda.RoleOwner || !actor.Scopes.Allows(beseda.ScopeSettings) {
		return p, beseda.Errorf(beseda.EFORBIDDEN, "only an owner can require two-factor sign-in")
	}
	err := a.db.Update(ctx, func(tx *store.Tx) error {
		before, err := tx.RequireTOTP(ctx, actor.WorkspaceID)
		if err != nil {
			return err
		}
		if err := tx.SetRequireTOTP(ctx, actor.WorkspaceID, p.Required); err != nil {
			return err
		}
		changes := beseda.AuditChanges(map[string]any{"two_factor_required": before}, map[string]any{"two_factor_required": p.Required})
		if len(changes) == 0 {
			return nil
		}
		return a.audit(ctx, tx, actor.WorkspaceID, actor, beseda.AuditSettingsChanged, AuditTarget{"settings", actor.WorkspaceID}, changes)
	})
	if err != nil {
		return p, err
	}
	a.sessions.forget(nil)
	a.log.Info("two-factor policy changed", "workspace", actor.WorkspaceID, "by", actor.ID, "required", p.Required)
	return p, nil
}
