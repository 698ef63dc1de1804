package beseda

import (
	"context"
	"encoding/json"
	"time"
)

// InboundEvent is one thing a platform reported about a client: a message,
// or a tap on a button (a postback). A webhook body may carry several.
type InboundEvent struct {
	// Key is the platform's id of the event (an update's or a message's
	// id), so that an event delivered again is
	// acted on once. Two different events never share a key.
	Key string `json:"key"`
	// ExternalUserID is the platform's id of the client (a chat id, a
	// page-scoped id, a phone number).
	ExternalUserID string `json:"external_user_id"`
	// Name is how to call a client seen for the first time.
	Name string `json:"name"`
	// Locale is the client's language if the platform says (a language
	// code on its updates), for the standard messages they get.
	Locale string `json:"locale,omitempty"`
	Text   string `json:"text,omitempty"`
	// Media are the files of a message, fetched and stored with it; Text
	// is then their caption, and may be empty.
	Media    []Media `json:"media,omitempty"`
	Postback bool    `json:"postback,omitempty"`
	Payload  string  `json:"payload,omitempty"`
	// AckID is what the platform needs to hear back about the event (the
	// id of a button tap it waits on), if anything; see
	// ChannelWebhook.Acknowledge.
	AckID string `json:"ack_id,omitempty"`
	// Sent, when set, makes the event no client's: it is the platform's
	// report that it took a message Beseda sent (see SendTag). Only
	// ExternalUserID and Key come with it.
	Sent *SentReport `json:"sent,omitempty"`
	// Status, when set, makes the event no client's either: it is the
	// platform's report of how far messages Beseda sent got (delivered,
	// read, failed). It may come with Sent, which it then follows.
	Status *StatusReport `json:"status,omitempty"`
	// Template, when set, is no client's either: the platform reviewed one
	// of the channel's message templates anew (approved, rejected, paused).
	Template *TemplateUpdate `json:"template,omitempty"`
	// Raw is the event as the platform sent it, kept when it cannot be
	// stored (SPEC H7).
	Raw json.RawMessage `json:"-"`
}

// SentReport is a platform's word that a message reached it: the message's
// id, read from the tag it was sent with, and the platform's id of it.
type SentReport struct {
	MessageID  int64  `json:"message_id"`
	ExternalID string `json:"external_id"`
}

// DeliveryState is how far a message sent to a platform got, as the
// platform reports it. The states only go forward: a message read is not
// delivered again when the platform's reports arrive out of order.
type DeliveryState string

const (
	DeliverySent      DeliveryState = "sent"
	DeliveryDelivered DeliveryState = "delivered"
	DeliveryRead      DeliveryState = "read"
	// DeliveryFailed: the platform took the message and then could not
	// deliver it (Reason says why); a message delivered or read never fails.
	DeliveryFailed DeliveryState = "failed"
)

// StatusReport is a platform's report on messages Beseda sent to one client
// (the event's ExternalUserID): one message named by Beseda's tag
// (MessageID, see SendTag) or by the platform's ids, or, where the platform
// says it so, every message sent to the client up to Watermark.
type StatusReport struct {
	State       DeliveryState `json:"state"`
	MessageID   int64         `json:"message_id,omitempty"`
	ExternalIDs []string      `json:"external_ids,omitempty"`
	Watermark   *time.Time    `json:"watermark,omitempty"`
	Reason      string        `json:"reason,omitempty"`
}

// TemplateUpdate is a platform's word that a message template's review
// status changed.
type TemplateUpdate struct {
	Name     string `json:"name"`
	Language string `json:"language"`
	Status   string `json:"status"`
}

// Header is a request's headers, as a webhook's verification reads them
// (http.Header is one).
type Header interface {
	Get(name string) string
}

// ChannelWebhook is how a platform's webhook is read. The shared skeleton
// (channel.Webhooks) routes /webhooks/{kind}/{key}, finds the channel, limits
// the body and hands the events to the use cases one by one; the platform's
// package only says what its requests mean.
type ChannelWebhook interface {
	// Verify checks that a POST came from the platform: a secret header, a
	// signature of the body. Returns EUNAUTHORIZED, or EFORBIDDEN for a
	// wrong signature where that is what the platform's side expects.
	Verify(ch *Channel, header Header, body []byte) error
	// Parse reads the events of a verified body, in order; kinds of update
	// Beseda does not act on (delivery receipts, edits) are left out.
	// Returns EINVALID for a body that is not the platform's.
	Parse(ch *Channel, body []byte) ([]InboundEvent, error)
	// Challenge answers the platform's GET check of a new webhook (Meta's
	// hub.challenge) with the text to echo. Returns EFORBIDDEN for a wrong
	// token, ENOTFOUND when the platform makes no such check.
	Challenge(ch *Channel, query map[string][]string) (string, error)
	// Acknowledge tells the platform an event was handled, when it waits for
	// that (on some platforms a tapped button spins until answered).
	Acknowledge(ctx context.Context, ch *Channel, ev InboundEvent) error
}
