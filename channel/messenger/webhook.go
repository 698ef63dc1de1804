package messenger

import (
	"context"
	"encoding/json"
	"net/url"
	"path"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/channel"
)

// Event is one messaging event of a webhook entry.
type Event struct {
	Sender    Recipient `json:"sender"`
	Recipient Recipient `json:"recipient"`
	Timestamp int64     `json:"timestamp"`
	Message   *struct {
		Mid    string `json:"mid"`
		Text   string `json:"text"`
		IsEcho bool   `json:"is_echo"`
		// Metadata of an echo is what the page sent the message with.
		Metadata string `json:"metadata"`
		// Files (images, stickers…) arrive without text, each at an
		// address; other attachments (a location, a shared post) have none.
		Attachments []struct {
			Type    string `json:"type"`
			Payload struct {
				URL string `json:"url"`
			} `json:"payload"`
		} `json:"attachments"`
	} `json:"message,omitempty"`
	// Delivery says the page's messages to the client reached their device:
	// those named, or all sent up to the watermark (ms).
	Delivery *struct {
		Mids      []string `json:"mids"`
		Watermark int64    `json:"watermark"`
	} `json:"delivery,omitempty"`
	// Read says the client read every message sent up to the watermark.
	Read *struct {
		Watermark int64 `json:"watermark"`
	} `json:"read,omitempty"`
	Postback *struct {
		Mid     string `json:"mid"`
		Title   string `json:"title"`
		Payload string `json:"payload"`
	} `json:"postback,omitempty"`
}

// Webhook is the body Messenger posts: a batch of events.
type Webhook struct {
	Object string `json:"object"`
	Entry  []struct {
		ID        string            `json:"id"`
		Time      int64             `json:"time"`
		Messaging []json.RawMessage `json:"messaging"`
	} `json:"entry"`
}

// webhook reads what Messenger posts, signed with the app secret over the raw
// body.
type webhook struct{}

func (webhook) Verify(ch *beseda.Channel, header beseda.Header, body []byte) error {
	return channel.VerifyHubSignature(header, body, ch.Config.Get("app_secret"))
}

func (webhook) Challenge(ch *beseda.Channel, query map[string][]string) (string, error) {
	return channel.HubChallenge(query, ch.Config.Get("verify_token"))
}

func (webhook) Acknowledge(context.Context, *beseda.Channel, beseda.InboundEvent) error { return nil }

func (webhook) Parse(ch *beseda.Channel, body []byte) ([]beseda.InboundEvent, error) {
	var hook Webhook
	if err := json.Unmarshal(body, &hook); err != nil || hook.Object != "page" {
		return nil, beseda.Errorf(beseda.EINVALID, "not a Messenger page webhook")
	}
	var out []beseda.InboundEvent
	for _, entry := range hook.Entry {
		for _, raw := range entry.Messaging {
			var e Event
			if json.Unmarshal(raw, &e) != nil {
				continue // one malformed event does not cost the others
			}
			if ev := event(e, raw); ev != nil {
				out = append(out, *ev)
			}
		}
	}
	return out, nil
}

// event turns a messaging event into what Beseda acts on: an echo of a
// message Beseda sent with its tag is the platform's word that it took it
// (beseda.SentReport); deliveries and reads move the delivery state of the
// client's messages (beseda.StatusReport); nil for other echoes of the
// page's own messages and for kinds it ignores.
func event(e Event, raw json.RawMessage) *beseda.InboundEvent {
	psid := e.Sender.ID
	name := "Messenger user"
	if len(psid) >= 4 {
		name += " …" + psid[len(psid)-4:]
	}
	switch {
	case e.Message != nil && e.Message.IsEcho:
		id, ok := beseda.ParseSendTag(e.Message.Metadata)
		if !ok {
			return nil
		}
		return &beseda.InboundEvent{ExternalUserID: e.Recipient.ID, Key: key("echo:", e.Message.Mid, raw),
			Sent: &beseda.SentReport{MessageID: id, ExternalID: e.Message.Mid}, Raw: raw}
	case e.Message != nil:
		ev := &beseda.InboundEvent{ExternalUserID: psid, Name: name, Key: key("mid:", e.Message.Mid, raw),
			Text: e.Message.Text, Raw: raw}
		for _, a := range e.Message.Attachments {
			if a.Payload.URL != "" {
				ev.Media = append(ev.Media, beseda.Media{Ref: a.Payload.URL, Name: fileName(a.Payload.URL), Kind: a.Type})
			}
		}
		if !beseda.HasText(ev.Text) && len(ev.Media) == 0 {
			ev.Text = "[attachment]"
		}
		return ev
	case e.Delivery != nil:
		rep := &beseda.StatusReport{State: beseda.DeliveryDelivered, ExternalIDs: e.Delivery.Mids,
			Watermark: watermark(e.Delivery.Watermark)}
		if rep.Watermark == nil && len(rep.ExternalIDs) == 0 {
			return nil
		}
		return &beseda.InboundEvent{ExternalUserID: psid, Key: channel.RawKey("delivery:", raw), Status: rep, Raw: raw}
	case e.Read != nil && e.Read.Watermark > 0:
		return &beseda.InboundEvent{ExternalUserID: psid, Key: channel.RawKey("read:", raw), Raw: raw,
			Status: &beseda.StatusReport{State: beseda.DeliveryRead, Watermark: watermark(e.Read.Watermark)}}
	case e.Postback != nil:
		return &beseda.InboundEvent{ExternalUserID: psid, Name: name, Key: key("postback:", e.Postback.Mid, raw),
			Postback: true, Payload: e.Postback.Payload, Raw: raw}
	}
	return nil
}

// watermark reads a watermark (ms since the epoch); nil when there is none.
func watermark(ms int64) *time.Time {
	if ms <= 0 {
		return nil
	}
	t := time.UnixMilli(ms).UTC()
	return &t
}

// fileName is the last element of a file's address: Messenger gives no
// name, and its CDN's paths end with one (…/12345_n.jpg).
func fileName(u string) string {
	if p, err := url.Parse(u); err == nil {
		return path.Base(p.Path)
	}
	return ""
}

// key is the event's message id or, for events without one (older
// postbacks), one made from the event's bytes: two different events never
// share a key, the same event sent again does.
func key(prefix, mid string, raw []byte) string {
	if mid != "" {
		return prefix + mid
	}
	return channel.RawKey("event:", raw)
}
