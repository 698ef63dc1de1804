// Package messenger is the Facebook Messenger channel: the webhook (GET
// verification with hub.verify_token, POST events signed with
// X-Hub-Signature-256) and the sender that speaks the Send API (text, or a
// button template of postback buttons). Whether a message may go out at all
// under Messenger's 24-hour window is decided by the domain
// (beseda.MessengerMode); Window applies it before every send and tags a
// human agent's message. The Graph API's base URL is configurable per channel
// so that tests use a fake.
package messenger

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/beseda/beseda"
)

// DefaultAPI is the Graph API's address, with the version Beseda speaks.
const DefaultAPI = "https://graph.facebook.com/v21.0"

// Graph API errors that mean something to delivery.
const (
	errPermission    = 10
	subcodeOutWindow = 2018278
)

// SendRequest is the body of POST /me/messages.
type SendRequest struct {
	Recipient     Recipient   `json:"recipient"`
	MessagingType string      `json:"messaging_type"`
	Tag           string      `json:"tag,omitempty"`
	Message       SendMessage `json:"message"`
}

// Recipient names the client by their page-scoped id.
type Recipient struct {
	ID string `json:"id"`
}

// SendMessage is a text, or an attachment (the button template).
type SendMessage struct {
	Text       string      `json:"text,omitempty"`
	Attachment *Attachment `json:"attachment,omitempty"`
}

// Attachment is a template attachment.
type Attachment struct {
	Type    string          `json:"type"`
	Payload TemplatePayload `json:"payload"`
}

// TemplatePayload is a button template: text (≤ 640) and 1–3 buttons.
type TemplatePayload struct {
	TemplateType string   `json:"template_type"`
	Text         string   `json:"text"`
	Buttons      []Button `json:"buttons"`
}

// Button is a postback button: title ≤ 20 characters, payload ≤ 1000.
type Button struct {
	Type    string `json:"type"`
	Title   string `json:"title"`
	Payload string `json:"payload"`
}

// SendResponse is the Send API's answer.
type SendResponse struct {
	RecipientID string `json:"recipient_id"`
	MessageID   string `json:"message_id"`
}

// GraphError is the Graph API's error body.
type GraphError struct {
	Error struct {
		Message      string `json:"message"`
		Type         string `json:"type"`
		Code         int    `json:"code"`
		ErrorSubcode int    `json:"error_subcode"`
	} `json:"error"`
}

// Sender delivers messages through the Send API.
type Sender struct {
	HTTP *http.Client
}

// NewSender returns a sender with sane timeouts.
func NewSender() *Sender {
	return &Sender{HTTP: &http.Client{Timeout: 15 * time.Second}}
}

// Window is the delivery engine's check of a Messenger delivery just before
// it is sent (delivery.Prepare): outside the 24-hour window a manager's
// message goes as a human agent's, anything else fails for good, visibly.
func Window(d *beseda.Delivery, now time.Time) error {
	switch beseda.MessengerMode(d.Message.Source, d.Subscriber.LastInboundAt, now) {
	case beseda.MessengerClosed:
		return &beseda.SendError{Reason: beseda.OutsideWindow, Permanent: true}
	case beseda.MessengerHumanAgent:
		d.HumanAgent = true
	}
	return nil
}

// Send implements beseda.Sender. Automation within the window goes as UPDATE,
// replies as RESPONSE; a manager after the window as MESSAGE_TAG with
// HUMAN_AGENT (Window decided that it may).
func (s *Sender) Send(ctx context.Context, d beseda.Delivery) (string, error) {
	req := SendRequest{Recipient: Recipient{ID: d.Subscriber.ExternalID}, MessagingType: "RESPONSE"}
	switch {
	case d.HumanAgent:
		req.MessagingType, req.Tag = "MESSAGE_TAG", "HUMAN_AGENT"
	case d.Message.Source == beseda.SourceFunnel || d.Message.Source == beseda.SourceBroadcast:
		req.MessagingType = "UPDATE"
	}
	if len(d.Message.Buttons) > 0 {
		buttons := make([]Button, len(d.Message.Buttons))
		for i, b := range d.Message.Buttons {
			buttons[i] = Button{Type: "postback", Title: b.Title, Payload: b.Payload}
		}
		req.Message.Attachment = &Attachment{Type: "template", Payload: TemplatePayload{
			TemplateType: "button", Text: d.Message.Text, Buttons: buttons}}
	} else {
		req.Message.Text = d.Message.Text
	}
	var out SendResponse
	if err := s.post(ctx, d.Channel, req, &out); err != nil {
		return "", err
	}
	return out.MessageID, nil
}

func (s *Sender) post(ctx context.Context, ch *beseda.Channel, body, result any) error {
	data, err := json.Marshal(body)
	if err != nil {
		return err
	}
	base := ch.Config.APIBaseURL
	if base == "" {
		base = DefaultAPI
	}
	endpoint := base + "/me/messages?access_token=" + url.QueryEscape(ch.Config.PageAccessToken)
	req, err := http.NewRequestWithContext(ctx, "POST", endpoint, bytes.NewReader(data))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := s.HTTP.Do(req)
	if err != nil {
		// The error names the URL, which holds the page token: keep it out.
		return &beseda.SendError{Reason: "graph api unreachable"}
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return &beseda.SendError{Reason: "graph api answer cut short"}
	}
	if res.StatusCode == http.StatusOK {
		return json.Unmarshal(raw, result)
	}
	var ge GraphError
	if json.Unmarshal(raw, &ge) != nil || ge.Error.Code == 0 {
		return &beseda.SendError{Reason: fmt.Sprintf("graph api answered %d", res.StatusCode),
			Permanent: res.StatusCode >= 400 && res.StatusCode < 500}
	}
	return classify(&ge)
}

// classify maps a Graph API error to the retry policy.
func classify(ge *GraphError) *beseda.SendError {
	e := ge.Error
	reason := fmt.Sprintf("graph api error %d: %s", e.Code, e.Message)
	switch {
	case e.Code == errPermission && e.ErrorSubcode == subcodeOutWindow:
		return &beseda.SendError{Reason: beseda.OutsideWindow, Permanent: true}
	case e.Code == 4 || e.Code == 17 || e.Code == 32 || e.Code == 613:
		return &beseda.SendError{Reason: reason, RetryAfter: time.Minute} // rate limits
	case e.Code == 1 || e.Code == 2:
		return &beseda.SendError{Reason: reason} // temporary
	}
	return &beseda.SendError{Reason: reason, Permanent: true}
}
