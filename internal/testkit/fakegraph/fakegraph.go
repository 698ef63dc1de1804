// Package fakegraph is a local stand-in for the Graph API's Messenger Send
// API. It checks every request Beseda sends against the published API
// (access token, recipient, messaging_type and tag, text and button template
// limits), records what was sent, and can answer with Graph API errors (the
// 24-hour window's code 10 / subcode 2018278, rate limits).
package fakegraph

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/beseda/beseda/internal/testkit/fakeform"
)

// Sent is one accepted Send API call.
type Sent struct {
	PSID          string
	MessagingType string
	Tag           string
	Text          string   // the text, or the button template's text
	Buttons       []Button // a button template's postback buttons
	// A file uploaded with the call: its attachment type (image, video,
	// audio, file) and bytes.
	AttachmentType string
	File           *File
	// Metadata is what the message was sent with, which its echo carries
	// back (see EchoTagged).
	Metadata string
}

// File is a file uploaded in the filedata field.
type File = fakeform.File

// Button is a postback button as sent.
type Button struct {
	Title   string
	Payload string
}

// Server is the fake Graph API for one page access token.
type Server struct {
	*httptest.Server
	tb    testing.TB
	token string

	mu       sync.Mutex
	sent     []Sent
	failures []failure
	nextID   int
	calls    int
	files    map[string][]byte // served at /cdn/{name}, as Messenger's CDN serves clients' files
}

type failure struct {
	status  int
	code    int
	subcode int
	message string
}

// New starts a fake Graph API accepting the page access token.
func New(tb testing.TB, pageToken string) *Server {
	s := &Server{tb: tb, token: pageToken}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.Close)
	return s
}

// AddFile makes a file a client sent and returns its address, which a
// webhook event names (AttachmentEvent).
func (s *Server) AddFile(name string, data []byte) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.files == nil {
		s.files = map[string][]byte{}
	}
	s.files[name] = data
	return s.URL + "/cdn/" + name + "?_nc_sig=fake"
}

// FailNext makes the next call answer with a Graph API error.
func (s *Server) FailNext(status, code, subcode int, message string) {
	s.mu.Lock()
	s.failures = append(s.failures, failure{status, code, subcode, message})
	s.mu.Unlock()
}

// Sent returns the accepted calls.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// Calls counts every call, failed ones included.
func (s *Server) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.calls++
	s.mu.Unlock()
	if name, ok := strings.CutPrefix(r.URL.Path, "/cdn/"); ok && r.Method == "GET" {
		s.mu.Lock()
		data, ok := s.files[name]
		s.mu.Unlock()
		if !ok || r.URL.Query().Has("access_token") {
			http.NotFound(w, r)
			return
		}
		w.Write(data)
		return
	}
	if r.Method != "POST" || r.URL.Path != "/me/messages" {
		s.tb.Errorf("fakegraph: unexpected %s %s", r.Method, r.URL.Path)
		s.fail(w, failure{404, 803, 0, "Unknown path"})
		return
	}
	if r.URL.Query().Get("access_token") != s.token {
		s.fail(w, failure{400, 190, 0, "Invalid OAuth access token."})
		return
	}
	var req map[string]any
	var file *File
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if req, file = s.multipart(r); req == nil {
			s.fail(w, failure{400, 100, 0, "Invalid multipart body"})
			return
		}
	} else {
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &req); err != nil {
			s.tb.Errorf("fakegraph: body is not JSON: %s", body)
			s.fail(w, failure{400, 100, 0, "Invalid JSON"})
			return
		}
	}
	out := s.check(req)
	switch {
	case out.AttachmentType != "" && file == nil:
		s.tb.Errorf("fakegraph: a %s attachment without a url is uploaded in filedata", out.AttachmentType)
	case file != nil && out.AttachmentType == "":
		s.tb.Errorf("fakegraph: a file uploaded with a message that is no file attachment")
	}
	out.File = file
	s.mu.Lock()
	if len(s.failures) > 0 {
		f := s.failures[0]
		s.failures = s.failures[1:]
		s.mu.Unlock()
		s.fail(w, f)
		return
	}
	s.nextID++
	id := s.nextID
	s.sent = append(s.sent, out)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"recipient_id":%q,"message_id":"m_%d"}`, out.PSID, id)
}

// check validates a Send API request
// (https://developers.facebook.com/docs/messenger-platform/reference/send-api).
func (s *Server) check(req map[string]any) Sent {
	var out Sent
	allowed(s.tb, "request", req, "recipient", "messaging_type", "tag", "message")
	recipient, _ := req["recipient"].(map[string]any)
	out.PSID, _ = recipient["id"].(string)
	if out.PSID == "" {
		s.tb.Errorf("fakegraph: recipient.id (the PSID) must be a non-empty string")
	}
	out.MessagingType, _ = req["messaging_type"].(string)
	out.Tag, _ = req["tag"].(string)
	switch out.MessagingType {
	case "RESPONSE", "UPDATE":
		if out.Tag != "" {
			s.tb.Errorf("fakegraph: a tag needs messaging_type MESSAGE_TAG")
		}
	case "MESSAGE_TAG":
		if out.Tag != "HUMAN_AGENT" && out.Tag != "ACCOUNT_UPDATE" && out.Tag != "CONFIRMED_EVENT_UPDATE" && out.Tag != "POST_PURCHASE_UPDATE" {
			s.tb.Errorf("fakegraph: unknown tag %q", out.Tag)
		}
	default:
		s.tb.Errorf("fakegraph: messaging_type must be RESPONSE, UPDATE or MESSAGE_TAG, got %q", out.MessagingType)
	}
	msg, _ := req["message"].(map[string]any)
	allowed(s.tb, "message", msg, "text", "attachment", "metadata")
	if md, ok := msg["metadata"]; ok {
		if m, isString := md.(string); !isString || m == "" || utf8.RuneCountInString(m) > 1000 {
			s.tb.Errorf("fakegraph: metadata must be a string of 1-1000 characters, got %#v", md)
		}
		out.Metadata, _ = md.(string)
	}
	text, hasText := msg["text"].(string)
	att, hasAtt := msg["attachment"].(map[string]any)
	if hasText == hasAtt {
		s.tb.Errorf("fakegraph: a message has text or an attachment, exactly one")
	}
	if hasText {
		if n := utf8.RuneCountInString(text); n == 0 || n > 2000 {
			s.tb.Errorf("fakegraph: text must be 1-2000 characters, got %d", n)
		}
		out.Text = text
	}
	if hasAtt && att["type"] != "template" {
		// A file: https://developers.facebook.com/docs/messenger-platform/send-messages#sending_attachments
		allowed(s.tb, "attachment", att, "type", "payload")
		payload, _ := att["payload"].(map[string]any)
		allowed(s.tb, "attachment payload", payload, "is_reusable", "url")
		if _, ok := payload["is_reusable"].(bool); !ok {
			s.tb.Errorf("fakegraph: payload.is_reusable must be a boolean, got %#v", payload["is_reusable"])
		}
		out.AttachmentType, _ = att["type"].(string)
		switch out.AttachmentType {
		case "image", "video", "audio", "file":
		default:
			s.tb.Errorf("fakegraph: attachment type must be image, video, audio or file, got %q", out.AttachmentType)
		}
	} else if hasAtt {
		payload, _ := att["payload"].(map[string]any)
		if att["type"] != "template" || payload["template_type"] != "button" {
			s.tb.Errorf("fakegraph: Beseda sends only the button template, got %v", att)
		}
		allowed(s.tb, "button template", payload, "template_type", "text", "buttons")
		out.Text, _ = payload["text"].(string)
		if n := utf8.RuneCountInString(out.Text); n == 0 || n > 640 {
			s.tb.Errorf("fakegraph: button template text must be 1-640 characters, got %d", n)
		}
		buttons, _ := payload["buttons"].([]any)
		if len(buttons) < 1 || len(buttons) > 3 {
			s.tb.Errorf("fakegraph: a button template has 1-3 buttons, got %d", len(buttons))
		}
		for _, b := range buttons {
			btn, _ := b.(map[string]any)
			allowed(s.tb, "button", btn, "type", "title", "payload")
			title, _ := btn["title"].(string)
			pl, _ := btn["payload"].(string)
			if btn["type"] != "postback" {
				s.tb.Errorf("fakegraph: button type must be postback")
			}
			if n := utf8.RuneCountInString(title); n == 0 || n > 20 {
				s.tb.Errorf("fakegraph: button title must be 1-20 characters, got %d: %q", n, title)
			}
			if n := len(pl); n == 0 || n > 1000 {
				s.tb.Errorf("fakegraph: button payload must be 1-1000 characters, got %d", n)
			}
			out.Buttons = append(out.Buttons, Button{Title: title, Payload: pl})
		}
	}
	return out
}

// multipart reads a Send API call with an upload: the fields recipient and
// message (JSON), messaging_type and tag, and the file in filedata.
func (s *Server) multipart(r *http.Request) (map[string]any, *File) {
	fields, files, err := fakeform.Read(r)
	if err != nil {
		s.tb.Errorf("fakegraph: %v", err)
		return nil, nil
	}
	req := map[string]any{}
	for k, v := range fields {
		switch k {
		case "recipient", "message":
			var obj map[string]any
			if err := json.Unmarshal([]byte(v), &obj); err != nil {
				s.tb.Errorf("fakegraph: form field %s must be a JSON object, got %q", k, v)
			}
			req[k] = obj
		default:
			req[k] = v
		}
	}
	for k := range files {
		if k != "filedata" {
			s.tb.Errorf("fakegraph: the file goes in the filedata field, got %q", k)
		}
	}
	return req, files["filedata"]
}

func (s *Server) fail(w http.ResponseWriter, f failure) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(f.status)
	sub := ""
	if f.subcode != 0 {
		sub = fmt.Sprintf(`,"error_subcode":%d`, f.subcode)
	}
	fmt.Fprintf(w, `{"error":{"message":%q,"type":"OAuthException","code":%d%s,"fbtrace_id":"Afake"}}`, f.message, f.code, sub)
}

func allowed(tb testing.TB, what string, obj map[string]any, fields ...string) {
	for k := range obj {
		ok := false
		for _, f := range fields {
			ok = ok || k == f
		}
		if !ok {
			tb.Errorf("fakegraph: %s has a field the Send API does not know: %q", what, k)
		}
	}
}

// MessageEvent is a webhook body with a client's text message.
func MessageEvent(pageID, psid, mid, text string) []byte {
	return webhook(pageID, map[string]any{"sender": map[string]any{"id": psid}, "recipient": map[string]any{"id": pageID},
		"timestamp": 1700000000000, "message": map[string]any{"mid": mid, "text": text}})
}

// AttachmentEvent is a webhook body with a client's message of files (of
// type image, file…) at the addresses given (AddFile), and a text if any.
func AttachmentEvent(pageID, psid, mid, text, kind string, urls ...string) []byte {
	var atts []any
	for _, u := range urls {
		atts = append(atts, map[string]any{"type": kind, "payload": map[string]any{"url": u}})
	}
	msg := map[string]any{"mid": mid, "attachments": atts}
	if text != "" {
		msg["text"] = text
	}
	return webhook(pageID, map[string]any{"sender": map[string]any{"id": psid}, "recipient": map[string]any{"id": pageID},
		"timestamp": 1700000000000, "message": msg})
}

// EchoTagged is a webhook body echoing a message the page sent with
// metadata, as Messenger posts to a page subscribed to message_echoes.
func EchoTagged(pageID, psid, mid, metadata string) []byte {
	return webhook(pageID, map[string]any{"sender": map[string]any{"id": pageID}, "recipient": map[string]any{"id": psid},
		"timestamp": 1700000000000, "message": map[string]any{"mid": mid, "is_echo": true, "metadata": metadata}})
}

// EchoEvent is a webhook body echoing a message the page itself sent.
func EchoEvent(pageID, psid, mid, text string) []byte {
	return webhook(pageID, map[string]any{"sender": map[string]any{"id": pageID}, "recipient": map[string]any{"id": psid},
		"timestamp": 1700000000000, "message": map[string]any{"mid": mid, "text": text, "is_echo": true}})
}

// PostbackEvent is a webhook body with a tap on a postback button.
func PostbackEvent(pageID, psid, mid, title, payload string) []byte {
	return webhook(pageID, map[string]any{"sender": map[string]any{"id": psid}, "recipient": map[string]any{"id": pageID},
		"timestamp": 1700000000000, "postback": map[string]any{"mid": mid, "title": title, "payload": payload}})
}

func webhook(pageID string, event map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"object": "page", "entry": []any{map[string]any{
		"id": pageID, "time": 1700000000000, "messaging": []any{event}}}})
	return b
}

// Sign returns the X-Hub-Signature-256 of a body.
func Sign(body []byte, appSecret string) string {
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Batch is one webhook body carrying the events of several single-event
// bodies (MessageEvent…), in order, as Messenger batches them.
func Batch(pageID string, bodies ...[]byte) []byte {
	var events []any
	for _, b := range bodies {
		var hook struct {
			Entry []struct {
				Messaging []any `json:"messaging"`
			} `json:"entry"`
		}
		_ = json.Unmarshal(b, &hook)
		for _, e := range hook.Entry {
			events = append(events, e.Messaging...)
		}
	}
	out, _ := json.Marshal(map[string]any{"object": "page", "entry": []any{map[string]any{
		"id": pageID, "time": 1700000000000, "messaging": events}}})
	return out
}

// DeliveryEvent is a webhook body saying the page's messages to the client
// were delivered: those named by mid, and every one sent up to the
// watermark (ms since the epoch).
func DeliveryEvent(pageID, psid string, watermark int64, mids ...string) []byte {
	delivery := map[string]any{"watermark": watermark}
	if len(mids) > 0 {
		delivery["mids"] = mids
	}
	return webhook(pageID, map[string]any{"sender": map[string]any{"id": psid}, "recipient": map[string]any{"id": pageID},
		"timestamp": watermark, "delivery": delivery})
}

// ReadEvent is a webhook body saying the client read every message the page
// sent up to the watermark (ms since the epoch).
func ReadEvent(pageID, psid string, watermark int64) []byte {
	return webhook(pageID, map[string]any{"sender": map[string]any{"id": psid}, "recipient": map[string]any{"id": pageID},
		"timestamp": watermark, "read": map[string]any{"watermark": watermark}})
}
