package whatsapp

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/channel"
)

// Webhook is the body the Cloud API posts: changes of a business account,
// of which Beseda reads the "messages" field.
type Webhook struct {
	Object string `json:"object"`
	Entry  []struct {
		ID      string `json:"id"`
		Changes []struct {
			Field string `json:"field"`
			Value Value  `json:"value"`
		} `json:"changes"`
	} `json:"entry"`
}

// templateUpdate reads a message_template_status_update of the channel's
// business account: a template approved, rejected, paused.
func templateUpdate(ch *beseda.Channel, waba string, v Value) *beseda.InboundEvent {
	if waba != ch.Config.Get("business_account_id") || v.MessageTemplateName == "" || v.Event == "" {
		return nil
	}
	up := &beseda.TemplateUpdate{Name: beseda.SanitizeText(v.MessageTemplateName),
		Language: beseda.SanitizeText(v.MessageTemplateLanguage), Status: beseda.SanitizeText(v.Event)}
	return &beseda.InboundEvent{Key: "template:" + up.Name + ":" + up.Language + ":" + up.Status, Template: up}
}

// Value is what changed: messages from clients (with their profiles), or
// status updates of messages sent.
type Value struct {
	MessagingProduct string `json:"messaging_product"`
	Metadata         struct {
		DisplayPhoneNumber string `json:"display_phone_number"`
		PhoneNumberID      string `json:"phone_number_id"`
	} `json:"metadata"`
	Contacts []struct {
		Profile struct {
			Name string `json:"name"`
		} `json:"profile"`
		WaID string `json:"wa_id"`
	} `json:"contacts"`
	Messages []json.RawMessage `json:"messages"`
	Statuses []json.RawMessage `json:"statuses"`
	// A message_template_status_update: the template and its new status
	// (event: APPROVED, REJECTED, PAUSED…).
	Event                   string `json:"event"`
	MessageTemplateName     string `json:"message_template_name"`
	MessageTemplateLanguage string `json:"message_template_language"`
}

// Message is a client's message.
type Message struct {
	From      string `json:"from"`
	ID        string `json:"id"`
	Timestamp string `json:"timestamp"`
	Type      string `json:"type"`
	Text      *struct {
		Body string `json:"body"`
	} `json:"text"`
	Interactive *struct {
		Type        string `json:"type"`
		ButtonReply *struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		} `json:"button_reply"`
		ListReply *struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		} `json:"list_reply"`
	} `json:"interactive"`
	// Button is a tap on a template's quick reply button.
	Button *struct {
		Payload string `json:"payload"`
		Text    string `json:"text"`
	} `json:"button"`
	Image    *Media `json:"image"`
	Video    *Media `json:"video"`
	Audio    *Media `json:"audio"`
	Document *Media `json:"document"`
	Sticker  *Media `json:"sticker"`
}

// Media is a file of a message: its media id (fetched with GET /{id}), and
// a caption and file name for some kinds.
type Media struct {
	ID       string `json:"id"`
	MimeType string `json:"mime_type"`
	Caption  string `json:"caption"`
	Filename string `json:"filename"`
}

type webhook struct{}

func (webhook) Verify(ch *beseda.Channel, header beseda.Header, body []byte) error {
	return channel.VerifyHubSignature(header, body, ch.Config.Get("app_secret"))
}

func (webhook) Challenge(ch *beseda.Channel, query map[string][]string) (string, error) {
	return channel.HubChallenge(query, ch.Config.Get("verify_token"))
}

func (webhook) Acknowledge(context.Context, *beseda.Channel, beseda.InboundEvent) error { return nil }

// Parse reads the clients' messages of the channel's number, and the status
// updates of messages Beseda sent with its tag (biz_opaque_callback_data):
// each says the platform took the message (beseda.SentReport) and how far it
// got (beseda.StatusReport). Changes for
// another number of the same business account, which Meta posts to the
// app's one callback, create nothing.
func (webhook) Parse(ch *beseda.Channel, body []byte) ([]beseda.InboundEvent, error) {
	var hook Webhook
	if err := json.Unmarshal(body, &hook); err != nil || hook.Object != "whatsapp_business_account" {
		return nil, beseda.Errorf(beseda.EINVALID, "not a WhatsApp Business Account webhook")
	}
	var out []beseda.InboundEvent
	for _, entry := range hook.Entry {
		for _, change := range entry.Changes {
			if change.Field == "message_template_status_update" {
				if ev := templateUpdate(ch, entry.ID, change.Value); ev != nil {
					out = append(out, *ev)
				}
				continue
			}
			v := change.Value
			if change.Field != "messages" || v.Metadata.PhoneNumberID != ch.Config.Get("phone_number_id") {
				continue
			}
			names := map[string]string{}
			for _, c := range v.Contacts {
				names[c.WaID] = c.Profile.Name
			}
			for _, raw := range v.Statuses {
				if ev := statusReport(raw); ev != nil {
					out = append(out, *ev)
				}
			}
			for _, raw := range v.Messages {
				var m Message
				if json.Unmarshal(raw, &m) != nil || m.From == "" {
					continue // one malformed message does not cost the others
				}
				if ev := event(&m, names[m.From]); ev != nil {
					ev.Raw = raw
					out = append(out, *ev)
				}
			}
		}
	}
	return out, nil
}

// event turns a message into what Beseda acts on; nil for kinds it ignores
// (reactions, system notices).
func event(m *Message, name string) *beseda.InboundEvent {
	if strings.TrimSpace(name) == "" {
		name = "WhatsApp user"
		if len(m.From) >= 4 {
			name += " …" + m.From[len(m.From)-4:]
		}
	}
	ev := &beseda.InboundEvent{ExternalUserID: m.From, Name: name, Key: "message:" + m.ID}
	if m.ID == "" {
		ev.Key = ""
	}
	switch {
	case m.Type == "reaction" || m.Type == "system":
		return nil
	case m.Interactive != nil && m.Interactive.ButtonReply != nil:
		ev.Postback, ev.Payload = true, m.Interactive.ButtonReply.ID
	case m.Interactive != nil && m.Interactive.ListReply != nil:
		ev.Postback, ev.Payload = true, m.Interactive.ListReply.ID
	case m.Button != nil:
		ev.Postback, ev.Payload = true, m.Button.Payload
	case m.Text != nil && beseda.HasText(m.Text.Body):
		ev.Text = m.Text.Body
	case media(m) != nil:
		f := media(m)
		ev.Text, ev.Media = f.Caption, []beseda.Media{{Ref: f.ID, Name: f.Filename, Kind: m.Type}}
	default:
		ev.Text = placeholder(m)
	}
	return ev
}

// media is the file of a message of a kind with one.
func media(m *Message) *Media {
	for _, f := range []*Media{m.Image, m.Video, m.Audio, m.Document, m.Sticker} {
		if f != nil && f.ID != "" {
			return f
		}
	}
	return nil
}

// placeholder stands for a message without text or file.
func placeholder(m *Message) string {
	switch m.Type {
	case "image", "video", "audio", "document", "sticker", "location", "contacts":
		return "[" + m.Type + "]"
	}
	return "[unsupported message]"
}

// Status is a status update of a message the business sent.
type Status struct {
	ID                    string `json:"id"`
	Status                string `json:"status"` // sent, delivered, read, failed
	RecipientID           string `json:"recipient_id"`
	BizOpaqueCallbackData string `json:"biz_opaque_callback_data"`
	Errors                []struct {
		Code    int    `json:"code"`
		Title   string `json:"title"`
		Message string `json:"message"`
	} `json:"errors"`
}

// statusReport reads a status update of a message Beseda tagged: any but
// failed is the platform's word that it took the message (beseda.SentReport),
// and delivered, read and failed move the message's delivery state
// (beseda.StatusReport). Nil for messages without the tag.
func statusReport(raw json.RawMessage) *beseda.InboundEvent {
	var st Status
	if json.Unmarshal(raw, &st) != nil || st.ID == "" {
		return nil
	}
	id, ok := beseda.ParseSendTag(st.BizOpaqueCallbackData)
	if !ok {
		return nil
	}
	ev := &beseda.InboundEvent{ExternalUserID: st.RecipientID, Key: "status:" + st.ID + ":" + st.Status, Raw: raw}
	state := beseda.DeliveryState(st.Status)
	switch state {
	case beseda.DeliverySent, beseda.DeliveryDelivered, beseda.DeliveryRead:
		ev.Sent = &beseda.SentReport{MessageID: id, ExternalID: st.ID}
		if state != beseda.DeliverySent {
			ev.Status = &beseda.StatusReport{State: state, MessageID: id}
		}
	case beseda.DeliveryFailed:
		reason := "whatsapp: failed"
		if len(st.Errors) > 0 {
			e := st.Errors[0]
			reason = fmt.Sprintf("whatsapp error %d: %s", e.Code, e.Title)
			if e.Code == errReengagement {
				reason = beseda.OutsideWindow
			}
		}
		ev.Status = &beseda.StatusReport{State: state, MessageID: id, Reason: reason}
	default:
		return nil
	}
	return ev
}
