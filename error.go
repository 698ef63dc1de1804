package beseda

import (
	"errors"
	"fmt"
	"time"
)

// Error codes. Each is part of the public API (the "code" of an error body) and
// maps to one HTTP status in internal/httpx, the one table every HTTP surface
// uses.
const (
	EINVALID      = "invalid_input"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ENOTFOUND     = "not_found"
	ETOOLARGE     = "too_large"
	EINTERNAL     = "internal"

	// Conflicts named by the rules of SPEC.md.
	EACTIVEDIALOG      = "active_dialog_exists"   // C3, S2
	EINVALIDTRANSITION = "invalid_transition"     // S1
	EDIALOGCOMPLETED   = "dialog_completed"       // S1
	EDIALOGNOTACTIVE   = "dialog_not_active"      // W1
	EGENERALCHATLOCKED = "general_chat_locked"    // W2
	ELASTTYPE          = "last_dialog_type"       // P1: the last type cannot be removed
	ENAMETAKEN         = "name_taken"             // a settings item or user email already exists
	EIDEMPOTENCY       = "idempotency_key_reused" // the key was used for a different message

	EMANYATTEMPTS = "too_many_attempts" // H4: slowed down; Error.RetryAfter says for how long
)

// Error is the domain's error: a code from the list above and a message that
// is safe to show to the caller.
type Error struct {
	Code    string
	Message string

	// DialogID names the dialog a conflict is about (the active dialog for
	// active_dialog_exists), so that a caller can open it.
	DialogID int64

	// RetryAfter is how long a caller refused with too_many_attempts waits.
	RetryAfter time.Duration

	// format and args are what Message was made of, for writing it again in
	// a manager's language (Parts).
	format string
	args   []any
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf returns an *Error with the given code and a formatted message. The
// message is the API's, in English with its machine names; the console
// writes the error again from its parts (Parts) in the manager's language,
// so an argument that names something a manager knows by another name is
// given typed: a Field, a Labeled setting, a Noun, a Permission, a Cause.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), format: format, args: args}
}

// Parts returns the format and arguments the message was made of.
func (e *Error) Parts() (format string, args []any) { return e.format, e.args }

// Field names an input field in an error: the API's message shows the name
// ("caption_bad"), the console the field's label in the manager's language.
type Field string

// Labeled is a setting with its label (a channel's config key): the API's
// message shows the key, the console the label.
type Labeled struct {
	Name  string
	Label Texts
}

func (l Labeled) String() string { return l.Name }

// Noun names a kind of object in an error ("dialog" in "dialog not found").
type Noun string

// Cause is another error quoted in a message: its message.
type Cause struct{ Err error }

func (c Cause) String() string { return ErrorMessage(c.Err) }

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the caller-safe message of err: the message of an *Error,
// or a generic text for internal errors, whose details belong in logs only.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// NotFound is the error for a missing object, and also for an object of
// another workspace (P3): a tenant cannot tell the two apart.
func NotFound(what string) *Error {
	return Errorf(ENOTFOUND, "%s not found", Noun(what))
}

// TooManyAttempts is the error for a caller slowed down by a limit (H4); the
// caller may try again after retryAfter.
func TooManyAttempts(retryAfter time.Duration, format string, args ...any) *Error {
	e := Errorf(EMANYATTEMPTS, format, args...)
	e.RetryAfter = max(retryAfter, time.Second)
	return e
}
