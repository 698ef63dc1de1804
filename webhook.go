package beseda

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// WebhookEventType names what happened, for outgoing webhooks (SPEC §3
// "Outgoing webhooks"). Receivers see it in the body's "type" and in the
// X-Beseda-Event header.
type WebhookEventType string

const (
	// WebhookMessageReceived: a client wrote (data: the message).
	WebhookMessageReceived WebhookEventType = "message.received"
	// WebhookMessageDelivered: the platform reports an outgoing message
	// delivered to the client's device (data: the message, with
	// delivered_at).
	WebhookMessageDelivered WebhookEventType = "message.delivered"
	// WebhookMessageRead: the client read an outgoing message (data: the
	// message, with read_at).
	WebhookMessageRead WebhookEventType = "message.read"
	// WebhookMessageFailed: an outgoing message failed for good (data: the
	// message, with its id and reason, such as outside_messaging_window),
	// so that its producer can act.
	WebhookMessageFailed WebhookEventType = "message.failed"
	// WebhookDialogCreated: a dialog was opened (data: the dialog).
	WebhookDialogCreated WebhookEventType = "dialog.created"
	// WebhookDialogStatusChanged: a dialog became active, paused or
	// completed (data: the dialog).
	WebhookDialogStatusChanged WebhookEventType = "dialog.status_changed"
	// WebhookDialogClientRated: the client rated a dialog (data: the dialog).
	WebhookDialogClientRated WebhookEventType = "dialog.client_rated"
	// WebhookDialogSLAWarning: a share of an SLA target has passed (T5)
	// (data: the dialog, with sla_target naming the target).
	WebhookDialogSLAWarning WebhookEventType = "dialog.sla_warning"
	// WebhookDialogSLABreached: an SLA target was missed (T5) (data: the
	// dialog, with sla_target).
	WebhookDialogSLABreached WebhookEventType = "dialog.sla_breached"
	// WebhookChatAssigned: a chat was assigned, reassigned or unassigned
	// (A6) (data: subscriber_id, assignee and previous, each {id, name} or
	// null).
	WebhookChatAssigned WebhookEventType = "chat.assigned"
	// WebhookTest is sent on request to one subscription, to try a receiver;
	// nobody subscribes to it.
	WebhookTest WebhookEventType = "test"
)

// WebhookEventTypes are the event types a subscription may choose, in the
// order screens show them.
var WebhookEventTypes = []WebhookEventType{
	WebhookMessageReceived, WebhookMessageDelivered, WebhookMessageRead, WebhookMessageFailed,
	WebhookDialogCreated, WebhookDialogStatusChanged, WebhookDialogClientRated,
	WebhookDialogSLAWarning, WebhookDialogSLABreached, WebhookChatAssigned,
}

// Valid reports whether a subscription may choose the type.
func (t WebhookEventType) Valid() bool { return slices.Contains(WebhookEventTypes, t) }

// Webhook is a subscription of a workspace to events, delivered by POST to
// URL and signed with a secret that is never shown again.
type Webhook struct {
	ID          int64              `json:"id"`
	WorkspaceID int64              `json:"-"`
	URL         string             `json:"url"`
	Events      []WebhookEventType `json:"events"`
	CreatedAt   time.Time          `json:"created_at"`
	// Secret signs the deliveries (write-only: never answered, never logged).
	Secret []byte `json:"-"`
}

// Subscribes reports whether the webhook receives events of type t.
func (w *Webhook) Subscribes(t WebhookEventType) bool { return slices.Contains(w.Events, t) }

// Bounds of a subscription's input.
const (
	WebhookURLMax    = 2048
	WebhookSecretMax = 256
)

// WebhookCreate is a new subscription.
type WebhookCreate struct {
	URL    string             `json:"url"`
	Events []WebhookEventType `json:"events"`
	Secret string             `json:"secret"`
}

// Validate normalises the input and reports what is wrong with it: the URL
// is http(s) with a host and no credentials, its address (when it is one)
// is public, the events are known (at least one, no repeats), the secret is
// given and bounded. Whether a host name resolves to a public address is
// for the caller to check, as it needs the network.
func (c *WebhookCreate) Validate() error {
	raw := strings.TrimSpace(c.URL)
	if raw == "" {
		return Errorf(EINVALID, "url is required")
	}
	if len(raw) > WebhookURLMax || !utf8.ValidString(raw) {
		return Errorf(EINVALID, "url must be at most %d characters", WebhookURLMax)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return Errorf(EINVALID, "url must be an http:// or https:// address")
	}
	if u.User != nil {
		// It would be shown in every list of subscriptions; the secret is what
		// authenticates deliveries.
		return Errorf(EINVALID, "url must not carry a user name or password; the signature authenticates deliveries")
	}
	host := u.Hostname()
	if host == "" {
		return Errorf(EINVALID, "url must name a host")
	}
	u.Fragment, u.RawFragment = "", ""
	c.URL = u.String()

	if len(c.Events) == 0 {
		return Errorf(EINVALID, "events must name at least one of %s", webhookTypeList())
	}
	events := make([]WebhookEventType, 0, len(c.Events))
	for _, t := range c.Events {
		if !t.Valid() {
			return Errorf(EINVALID, "unknown event type %q; known: %s", t, webhookTypeList())
		}
		if !slices.Contains(events, t) {
			events = append(events, t)
		}
	}
	slices.SortFunc(events, func(a, b WebhookEventType) int {
		return slices.Index(WebhookEventTypes, a) - slices.Index(WebhookEventTypes, b)
	})
	c.Events = events

	if c.Secret == "" {
		return Errorf(EINVALID, "secret is required: deliveries are signed with it")
	}
	if len(c.Secret) > WebhookSecretMax || !utf8.ValidString(c.Secret) || strings.ContainsRune(c.Secret, 0) {
		return Errorf(EINVALID, "secret must be at most %d bytes of text without NUL", WebhookSecretMax)
	}
	return nil
}

func webhookTypeList() string {
	names := make([]string, len(WebhookEventTypes))
	for i, t := range WebhookEventTypes {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}

// IsLocalHostName reports whether a host name always means this machine
// (RFC 6761: localhost and names under it), whatever DNS says.
func IsLocalHostName(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	return host == "localhost" || strings.HasSuffix(host, ".localhost")
}

// specialPrefixes are IPv4 and IPv6 ranges that do not lead to a public
// server on the internet, besides those netip names itself (loopback,
// private, link-local, multicast, unspecified).
var specialPrefixes = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8",         // "this network"
		"100.64.0.0/10",     // shared address space (carrier-grade NAT)
		"192.0.0.0/24",      // IETF protocol assignments
		"192.0.2.0/24",      // documentation
		"198.18.0.0/15",     // benchmarking
		"198.51.100.0/24",   // documentation
		"203.0.113.0/24",    // documentation
		"240.0.0.0/4",       // reserved, and the broadcast address
		"::/128", "::1/128", // (also caught by netip)
		"::ffff:0:0/96",  // IPv4-mapped, when not unmapped
		"64:ff9b:1::/48", // local-use NAT64
		"100::/64",       // discard-only
		"2001::/23",      // IETF protocol assignments (Teredo, ORCHID…)
		"2001:db8::/32",  // documentation
		"fc00::/7",       // unique local
		"fec0::/10",      // deprecated site-local
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// IPv6 ranges that carry an IPv4 address.
var (
	nat64          = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour      = netip.MustParsePrefix("2002::/16")
	ipv4Compatible = netip.MustParsePrefix("::/96")
)

// IsPublicAddress reports whether an address may receive outgoing webhooks:
// not loopback, private, link-local, unspecified, multicast or otherwise
// reserved, in IPv4 or IPv6 — IPv4 addresses embedded in IPv6 (mapped,
// NAT64, 6to4) are judged as the IPv4 address they lead to. A server that
// could be made to post to these would let a workspace reach the
// installation's own network (SSRF).
func IsPublicAddress(a netip.Addr) bool {
	if !a.IsValid() {
		return false
	}
	a = a.Unmap()
	if a.Is6() {
		b := a.As16()
		switch {
		case nat64.Contains(a):
			return IsPublicAddress(netip.AddrFrom4([4]byte(b[12:16])))
		case sixToFour.Contains(a):
			return IsPublicAddress(netip.AddrFrom4([4]byte(b[2:6])))
		case ipv4Compatible.Contains(a): // deprecated; nothing public uses it
			return false
		}
	}
	if a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() {
		return false
	}
	for _, p := range specialPrefixes {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// WebhookDeliveryStatus is where a delivery of one event to one
// subscription stands.
type WebhookDeliveryStatus string

const (
	// WebhookPending: not yet answered with 2xx; attempted again at NextAttemptAt.
	WebhookPending WebhookDeliveryStatus = "pending"
	// WebhookDelivered: a 2xx answer came.
	WebhookDelivered WebhookDeliveryStatus = "delivered"
	// WebhookFailed: retried for WebhookRetryWindow without success; given up.
	WebhookFailed WebhookDeliveryStatus = "failed"
)

// WebhookDelivery is one event on its way to one subscription, with its
// attempts (newest first where listed).
type WebhookDelivery struct {
	ID            int64                 `json:"id"`
	WebhookID     int64                 `json:"webhook_id"`
	WorkspaceID   int64                 `json:"-"`
	EventID       string                `json:"event_id"`
	Type          WebhookEventType      `json:"type"`
	Status        WebhookDeliveryStatus `json:"status"`
	Attempts      int                   `json:"attempts"`
	NextAttemptAt *time.Time            `json:"next_attempt_at"`
	CreatedAt     time.Time             `json:"created_at"`
	FinishedAt    *time.Time            `json:"finished_at"`
	AttemptLog    []WebhookAttempt      `json:"attempt_log"`
	// Body is what is posted, signed as it is.
	Body []byte `json:"-"`
}

// WebhookAttempt is one POST of a delivery and how it went.
type WebhookAttempt struct {
	At time.Time `json:"at"`
	// StatusCode is the receiver's answer; null when none came (Error says why).
	StatusCode *int   `json:"status_code"`
	Error      string `json:"error,omitempty"`
	DurationMS int64  `json:"duration_ms"`
	// Response is the start of the answer's body, cut short.
	Response string `json:"response,omitempty"`
}

// Succeeded reports whether the receiver took the event (any 2xx).
func (a WebhookAttempt) Succeeded() bool {
	return a.StatusCode != nil && *a.StatusCode >= 200 && *a.StatusCode < 300
}

// WebhookTimeout is how long an attempt waits for an answer.
const WebhookTimeout = 10 * time.Second

// WebhookRetryWindow is how long a delivery is retried before it is given
// up: an attempt is made at or after this time since the event, and only
// then does the delivery fail.
const WebhookRetryWindow = 24 * time.Hour

// webhookBackoff are the waits after the 1st, 2nd… failed attempt; the last
// one repeats. The first retry comes within 10 s (SPEC), then waits grow so
// that a receiver that is down for a day gets about a dozen attempts.
var webhookBackoff = []time.Duration{
	5 * time.Second, 30 * time.Second, 2 * time.Minute, 10 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 4 * time.Hour, 6 * time.Hour,
}

// WebhookRetryDelay is the wait after the n-th failed attempt (n ≥ 1).
func WebhookRetryDelay(n int) time.Duration {
	if n < 1 {
		n = 1
	}
	return webhookBackoff[min(n, len(webhookBackoff))-1]
}

// NextAfterFailure decides what follows the n-th failed attempt of an event
// created at created, at now: the time of the next attempt, or giveUp once
// the retry window has passed. The last retry is never cut short of the
// window: it is attempted at the window's end at the latest.
func NextAfterFailure(created time.Time, n int, now time.Time) (next time.Time, giveUp bool) {
	if now.Sub(created) >= WebhookRetryWindow {
		return time.Time{}, true
	}
	next = now.Add(WebhookRetryDelay(n))
	if end := created.Add(WebhookRetryWindow); next.After(end) {
		next = end
	}
	return next, false
}

// SignWebhook is the X-Beseda-Signature of a body: "sha256=" and the hex
// HMAC-SHA256 of the raw body with the subscription's secret.
func SignWebhook(secret, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// WebhookEvent is the body of every delivery: the event's id (the same in
// every delivery of the event), its type and time, the workspace, and the
// dialog or message JSON as the API returns it.
type WebhookEvent struct {
	ID          string           `json:"id"`
	Type        WebhookEventType `json:"type"`
	CreatedAt   time.Time        `json:"created_at"`
	WorkspaceID int64            `json:"workspace_id"`
	Data        json.RawMessage  `json:"data"`
}

// WebhookTestData is the data of a test event.
type WebhookTestData struct {
	WebhookID int64  `json:"webhook_id"`
	Message   string `json:"message"`
}

// WebhooksMax is how many subscriptions a workspace may have.
const WebhooksMax = 20
