package beseda

import (
	"encoding/json"
	"net/netip"
	"strings"
	"time"
)

// AuditAction names what an audit log entry records. The names are part of
// the API (filters, CSV) and stay stable.
type AuditAction string

const (
	AuditSignIn           AuditAction = "auth.sign_in"
	AuditSignInFailed     AuditAction = "auth.sign_in_failed"
	AuditPasswordChanged  AuditAction = "user.password_changed"
	AuditUserCreated      AuditAction = "user.created"
	AuditUserChanged      AuditAction = "user.changed"
	AuditSettingsChanged  AuditAction = "settings.changed"
	AuditChannelCreated   AuditAction = "channel.created"
	AuditChannelChanged   AuditAction = "channel.changed"
	AuditWebhookCreated   AuditAction = "webhook.created"
	AuditWebhookDeleted   AuditAction = "webhook.deleted"
	AuditStandardMessages AuditAction = "standard_messages.changed"
	AuditRetentionChanged AuditAction = "retention.changed"
	AuditRetentionRun     AuditAction = "retention.removed"
	AuditClientExported   AuditAction = "client.exported"
	AuditClientErased     AuditAction = "client.erased"
	AuditTokenCreated     AuditAction = "token.created"
	AuditTokenRevoked     AuditAction = "token.revoked"
	AuditTwoFactorOn      AuditAction = "user.two_factor_on"
	AuditTwoFactorOff     AuditAction = "user.two_factor_off"
)

// AuditActions lists the actions, in the order the console's filter offers
// them.
var AuditActions = []AuditAction{
	AuditSignIn, AuditSignInFailed, AuditPasswordChanged, AuditTwoFactorOn, AuditTwoFactorOff,
	AuditTokenCreated, AuditTokenRevoked, AuditUserCreated, AuditUserChanged,
	AuditSettingsChanged, AuditStandardMessages, AuditChannelCreated, AuditChannelChanged,
	AuditWebhookCreated, AuditWebhookDeleted, AuditRetentionChanged, AuditRetentionRun,
	AuditClientExported, AuditClientErased,
}

// Valid reports whether a is one of AuditActions, or a dotted name another
// part of the product records (sign-in helpers add theirs).
func (a AuditAction) Valid() bool {
	s := string(a)
	return len(s) <= 64 && strings.Count(s, ".") == 1 && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz_.") == ""
}

// AuditEntry is one line of a workspace's audit log: who did what, when,
// from which address, to what, and what changed. Entries are only ever
// added; the retention policy removes old ones as a whole.
type AuditEntry struct {
	ID          int64       `json:"id"`
	WorkspaceID int64       `json:"-"`
	At          time.Time   `json:"at"`
	Actor       *Ref        `json:"actor"` // nil: the product itself (the retention job), or an unknown caller
	Via         string      `json:"via"`   // "session", "api" (a token), "" for the product itself
	Address     string      `json:"address"`
	Action      AuditAction `json:"action"`
	TargetKind  string      `json:"target_kind"`
	TargetID    *int64      `json:"target_id"`
	// TokenID names the scoped API token the change came through (null: a
	// session, a sign-in token, the product itself); TokenName is its name
	// then, kept after the token is revoked.
	TokenID   *int64 `json:"token_id"`
	TokenName string `json:"token_name"`
	// Changes is {"field": {"before": …, "after": …}} for what changed, or
	// figures ({"messages": 12}); secrets are always "***".
	Changes map[string]any `json:"changes"`
}

// AuditFilter narrows the audit log; nil fields do not filter. Entries come
// newest first; Before is the cursor (entries with a smaller id).
type AuditFilter struct {
	ActorID *int64
	Action  AuditAction
	From    *time.Time
	To      *time.Time
	Before  int64
	Limit   int
}

// AuditPageSize is how many entries a page of the log holds at most.
const AuditPageSize = 100

// Normalize checks the filter and fills the defaults.
func (f *AuditFilter) Normalize() error {
	if f.Action != "" && !f.Action.Valid() {
		return Errorf(EINVALID, "unknown audit action %q", string(f.Action))
	}
	if f.From != nil && f.To != nil && f.To.Before(*f.From) {
		return Errorf(EINVALID, "to is before from")
	}
	if f.Limit <= 0 || f.Limit > AuditPageSize {
		f.Limit = AuditPageSize
	}
	return nil
}

// Redacted is what an audit entry shows instead of a secret.
const Redacted = "***"

// secretWords are parts of field names whose values are secrets: passwords,
// tokens of platforms, signing secrets of webhooks and channels.
var secretWords = []string{"password", "secret", "token", "key_hash", "api_key"}

// IsSecretField reports whether a field of that name holds a secret, which
// an audit entry never shows.
func IsSecretField(name string) bool {
	name = strings.ToLower(name)
	for _, w := range secretWords {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// AuditChanges compares two states of a thing (anything that marshals to a
// JSON object, nil for "none") and returns the fields that differ as
// {"field": {"before": …, "after": …}}, with secrets shown as "***" (a
// changed secret still shows that it changed). Nested objects (a channel's
// config) are compared field by field under "name.field".
func AuditChanges(before, after any) map[string]any {
	b, a := flatten(before), flatten(after)
	out := map[string]any{}
	for k, av := range a {
		bv, had := b[k]
		if had && jsonEqual(av, bv) || !had && av == nil {
			continue // unchanged, or a new thing's empty field
		}
		ch := map[string]any{"before": bv, "after": av}
		if !had {
			ch["before"] = nil
		}
		out[k] = redact(k, ch)
	}
	for k, bv := range b {
		if _, ok := a[k]; !ok {
			out[k] = redact(k, map[string]any{"before": bv, "after": nil})
		}
	}
	return out
}

// RedactFigures returns fields with any secret among them shown as "***":
// for entries that record values rather than changes.
func RedactFigures(fields map[string]any) map[string]any {
	out := make(map[string]any, len(fields))
	for k, v := range fields {
		if IsSecretField(k) && v != nil && v != "" {
			v = Redacted
		}
		out[k] = v
	}
	return out
}

func redact(field string, ch map[string]any) map[string]any {
	if !IsSecretField(field) {
		return ch
	}
	for _, side := range []string{"before", "after"} {
		if v := ch[side]; v != nil && v != "" {
			ch[side] = Redacted
		}
	}
	return ch
}

// flatten turns v into a map of its JSON fields, with nested objects'
// fields under "outer.inner".
func flatten(v any) map[string]any {
	out := map[string]any{}
	if v == nil {
		return out
	}
	data, err := json.Marshal(v)
	if err != nil {
		return out
	}
	var m map[string]any
	if json.Unmarshal(data, &m) != nil {
		return out
	}
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			if inner, ok := v.(map[string]any); ok && len(inner) > 0 {
				walk(prefix+k+".", inner)
				continue
			}
			out[prefix+k] = v
		}
	}
	walk("", m)
	return out
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// AddressString is how an entry shows a client address ("" when unknown).
func AddressString(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.Unmap().String()
}
