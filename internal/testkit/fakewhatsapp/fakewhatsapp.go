// Package fakewhatsapp is a local stand-in for the WhatsApp Cloud API. It
// checks every request Beseda sends against the published API
// (developers.facebook.com/docs/whatsapp/cloud-api/reference/messages): the
// versioned path with the phone number ID, the bearer access token, the JSON
// fields and their types and limits (text bodies of 1–4096 characters;
// interactive button messages with a body of 1–1024 and 1–3 reply buttons,
// titles of 1–20 characters unique in the message, ids of 1–256). It records
// what was sent, answers as the API does, and can answer with its errors
// (131047 outside the 24-hour window, 130429 rate limit, 190 token expired).
// It also makes the webhook bodies the API posts.
package fakewhatsapp

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/beseda/beseda/internal/testkit/fakeform"
)

// Sent is one accepted message.
type Sent struct {
	To      string
	Type    string // text, interactive, image or document
	Text    string // the text's body, or the interactive message's body
	Buttons []Button
	// An image or document: the caption, the document's file name, and the
	// file uploaded before under its media id.
	Caption  string
	Filename string
	File     *Media
	// Tag is the biz_opaque_callback_data it was sent with, which its
	// status webhooks carry back.
	Tag string
	ID  string // the wamid the API gave it
	// Template is the name and language ("name/en_US") of a template
	// message; Text is then its body rendered with the parameters, and
	// Buttons its quick replies with the payloads sent.
	Template string
}

// Media is a file in the number's media: uploaded by Beseda, or sent by a
// client (AddMedia).
type Media struct {
	Name     string // the upload's file name
	MimeType string
	Data     []byte
}

// Button is a reply button as sent.
type Button struct {
	ID    string
	Title string
}

// Server is the fake Cloud API for one phone number and access token.
type Server struct {
	*httptest.Server
	tb            testing.TB
	phoneNumberID string
	token         string

	mu       sync.Mutex
	sent     []Sent
	failures []failure
	calls    int
	nextID   int
	media    map[string]*Media // by media id
	uploads  []*Media

	// The business account's message templates, served in pages.
	waba          string
	templates     []Template
	pageSize      int
	templatePages int

	// PostStatuses: where and with which app secret to post a "sent"
	// status webhook of every message accepted.
	hookURL, appSecret string
	// Slow: how long a send waits before it is taken, and after, before
	// the answer.
	slowBefore, slowAfter time.Duration
	posting               sync.WaitGroup
	closing               chan struct{}
}

type failure struct {
	status  int
	code    int
	message string
}

// New starts a fake Cloud API for the phone number, accepting the token.
func New(tb testing.TB, phoneNumberID, accessToken string) *Server {
	s := &Server{tb: tb, phoneNumberID: phoneNumberID, token: accessToken, closing: make(chan struct{})}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(func() {
		close(s.closing)
		s.posting.Wait()
		s.Close()
	})
	return s
}

// PostStatuses makes the fake post, as the Cloud API does, a "sent" status
// webhook of every message it takes to the URL, signed with the app secret,
// carrying the message's biz_opaque_callback_data. Like Meta, it posts again
// until the server answers 200 (it may be down, or restarting).
func (s *Server) PostStatuses(url, appSecret string) {
	s.mu.Lock()
	s.hookURL, s.appSecret = url, appSecret
	s.mu.Unlock()
}

// Slow makes every send wait before the message is taken and, once taken,
// before the answer: a sender killed meanwhile does not know whether its
// message went.
func (s *Server) Slow(before, after time.Duration) {
	s.mu.Lock()
	s.slowBefore, s.slowAfter = before, after
	s.mu.Unlock()
}

// postStatus posts the status webhook of a message taken, until it is taken.
func (s *Server) postStatus(url, secret string, sent Sent) {
	defer s.posting.Done()
	body := StatusTagged(s.phoneNumberID, sent.To, sent.ID, "sent", sent.Tag)
	for {
		req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Hub-Signature-256", Sign(body, secret))
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		select {
		case <-s.closing:
			return
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// FailNext makes the next send answer with a Cloud API error.
func (s *Server) FailNext(status, code int, message string) {
	s.mu.Lock()
	s.failures = append(s.failures, failure{status, code, message})
	s.mu.Unlock()
}

// AddMedia makes a file a client sent under its media id: GET /{media-id}
// gives its address, which serves it to the bearer of the access token.
func (s *Server) AddMedia(id, mimeType string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.media == nil {
		s.media = map[string]*Media{}
	}
	s.media[id] = &Media{MimeType: mimeType, Data: data}
}

// Uploads returns the files uploaded to the number's media.
func (s *Server) Uploads() []*Media {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Media(nil), s.uploads...)
}

// Sent returns the accepted messages.
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

var (
	versionPath = regexp.MustCompile(`^/v[0-9]+\.[0-9]+/([^/]+)/(messages|media)$`)
	mediaPath   = regexp.MustCompile(`^/v[0-9]+\.[0-9]+/([^/]+)$`)
	// templatesPath is GET /{waba_id}/message_templates of the Business
	// Management API.
	templatesPath = regexp.MustCompile(`^/v[0-9]+\.[0-9]+/([^/]+)/message_templates$`)
)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.calls++
	s.mu.Unlock()
	if r.Method == "GET" && templatesPath.MatchString(r.URL.Path) {
		s.listTemplates(w, r)
		return
	}
	if r.Method == "GET" {
		s.get(w, r)
		return
	}
	m := versionPath.FindStringSubmatch(r.URL.Path)
	if r.Method != "POST" || m == nil {
		s.tb.Errorf("fakewhatsapp: unexpected %s %s; sends are POST /{version}/{phone_number_id}/messages", r.Method, r.URL.Path)
		s.fail(w, failure{404, 100, "Unknown path components"})
		return
	}
	if m[1] != s.phoneNumberID {
		s.fail(w, failure{400, 100, "Unsupported post request. Object with ID '" + m[1] + "' does not exist"})
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+s.token || r.URL.Query().Has("access_token") {
		s.fail(w, failure{401, 190, "Invalid OAuth access token - Cannot parse access token"})
		return
	}
	if m[2] == "media" {
		s.upload(w, r)
		return
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		s.tb.Errorf("fakewhatsapp: Content-Type %q; the API takes JSON", r.Header.Get("Content-Type"))
	}
	body, _ := io.ReadAll(r.Body)
	var req map[string]any
	if err := json.Unmarshal(body, &req); err != nil {
		s.tb.Errorf("fakewhatsapp: body is not a JSON object: %s", body)
		s.fail(w, failure{400, 100, "Invalid JSON"})
		return
	}
	out := s.check(req)
	if f := s.nextFailure(); f != nil {
		s.fail(w, *f)
		return
	}
	s.mu.Lock()
	before, after := s.slowBefore, s.slowAfter
	s.mu.Unlock()
	if !s.pause(r, before) {
		return // the sender gave up: nothing was taken
	}
	s.mu.Lock()
	s.nextID++
	id := fmt.Sprintf("wamid.HBgL%06d", s.nextID)
	out.ID = id
	s.sent = append(s.sent, out)
	if s.hookURL != "" && out.Tag != "" {
		s.posting.Add(1)
		go s.postStatus(s.hookURL, s.appSecret, out)
	}
	s.mu.Unlock()
	s.pause(r, after)
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"messaging_product":"whatsapp","contacts":[{"input":%q,"wa_id":%q}],"messages":[{"id":%q}]}`,
		out.To, out.To, id)
}

// pause waits d, or until the sender goes away (false).
func (s *Server) pause(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	select {
	case <-time.After(d):
		return true
	case <-r.Context().Done():
		return false
	}
}

// check validates a send against the messages reference.
func (s *Server) check(req map[string]any) Sent {
	var out Sent
	s.allowed("message", req, "messaging_product", "recipient_type", "to", "type", "text", "interactive", "image", "document",
		"biz_opaque_callback_data", "template")
	if tag, ok := req["biz_opaque_callback_data"]; ok {
		if t, isString := tag.(string); !isString || utf8.RuneCountInString(t) > 512 {
			s.tb.Errorf("fakewhatsapp: biz_opaque_callback_data must be a string of up to 512 characters, got %#v", tag)
		}
		out.Tag, _ = tag.(string)
	}
	if req["messaging_product"] != "whatsapp" {
		s.tb.Errorf("fakewhatsapp: messaging_product must be \"whatsapp\", got %v", req["messaging_product"])
	}
	if rt, ok := req["recipient_type"]; ok && rt != "individual" {
		s.tb.Errorf("fakewhatsapp: recipient_type must be \"individual\", got %v", rt)
	}
	to, ok := req["to"].(string)
	if !ok || to == "" || strings.Trim(to, "+0123456789") != "" {
		s.tb.Errorf("fakewhatsapp: to must be the client's phone number (wa_id) as a string, got %#v", req["to"])
	}
	out.To = to
	out.Type, _ = req["type"].(string)
	switch out.Type {
	case "text":
		if _, ok := req["interactive"]; ok {
			s.tb.Errorf("fakewhatsapp: a text message carries no interactive object")
		}
		text, _ := req["text"].(map[string]any)
		s.allowed("text", text, "body", "preview_url")
		if pu, ok := text["preview_url"]; ok {
			if _, isBool := pu.(bool); !isBool {
				s.tb.Errorf("fakewhatsapp: text.preview_url must be a boolean, got %#v", pu)
			}
		}
		body, ok := text["body"].(string)
		if n := utf8.RuneCountInString(body); !ok || n == 0 || n > 4096 {
			s.tb.Errorf("fakewhatsapp: text.body must be 1-4096 characters, got %d", n)
		}
		out.Text = body
	case "interactive":
		if _, ok := req["text"]; ok {
			s.tb.Errorf("fakewhatsapp: an interactive message carries no text object")
		}
		in, _ := req["interactive"].(map[string]any)
		s.allowed("interactive", in, "type", "body", "action", "header", "footer")
		if in["type"] != "button" {
			s.tb.Errorf("fakewhatsapp: Beseda sends interactive messages of type button, got %v", in["type"])
		}
		b, _ := in["body"].(map[string]any)
		s.allowed("interactive.body", b, "text")
		out.Text, _ = b["text"].(string)
		if n := utf8.RuneCountInString(out.Text); n == 0 || n > 1024 {
			s.tb.Errorf("fakewhatsapp: interactive.body.text must be 1-1024 characters, got %d", n)
		}
		action, _ := in["action"].(map[string]any)
		s.allowed("interactive.action", action, "buttons")
		buttons, _ := action["buttons"].([]any)
		if len(buttons) < 1 || len(buttons) > 3 {
			s.tb.Errorf("fakewhatsapp: a button message has 1-3 reply buttons, got %d", len(buttons))
		}
		titles := map[string]bool{}
		for _, x := range buttons {
			btn, _ := x.(map[string]any)
			s.allowed("button", btn, "type", "reply")
			if btn["type"] != "reply" {
				s.tb.Errorf("fakewhatsapp: button type must be reply, got %v", btn["type"])
			}
			reply, _ := btn["reply"].(map[string]any)
			s.allowed("button.reply", reply, "id", "title")
			id, _ := reply["id"].(string)
			title, _ := reply["title"].(string)
			if n := utf8.RuneCountInString(title); n == 0 || n > 20 {
				s.tb.Errorf("fakewhatsapp: reply title must be 1-20 characters, got %d: %q", n, title)
			}
			if titles[title] {
				s.tb.Errorf("fakewhatsapp: reply titles must be unique in a message, %q twice", title)
			}
			titles[title] = true
			if n := utf8.RuneCountInString(id); n == 0 || n > 256 || strings.TrimSpace(id) != id {
				s.tb.Errorf("fakewhatsapp: reply id must be 1-256 characters without leading or trailing spaces, got %q", id)
			}
			out.Buttons = append(out.Buttons, Button{ID: id, Title: title})
		}
	case "image", "document":
		obj, _ := req[out.Type].(map[string]any)
		if out.Type == "image" {
			s.allowed("image", obj, "id", "link", "caption")
		} else {
			s.allowed("document", obj, "id", "link", "caption", "filename")
		}
		id, _ := obj["id"].(string)
		s.mu.Lock()
		out.File = s.media[id]
		s.mu.Unlock()
		if out.File == nil {
			s.tb.Errorf("fakewhatsapp: %s.id %q is no media uploaded to the number", out.Type, id)
		}
		out.Caption, _ = obj["caption"].(string)
		if n := utf8.RuneCountInString(out.Caption); n > 1024 {
			s.tb.Errorf("fakewhatsapp: a caption takes up to 1024 characters, got %d", n)
		}
		out.Filename, _ = obj["filename"].(string)
	case "template":
		s.checkTemplate(req, &out)
	default:
		s.tb.Errorf("fakewhatsapp: Beseda sends messages of type text, interactive, image, document or template, got %q", out.Type)
	}
	return out
}

// upload checks POST /{phone_number_id}/media
// (developers.facebook.com/docs/whatsapp/cloud-api/reference/media):
// multipart/form-data with messaging_product=whatsapp, type (the file's
// MIME type) and the file in field file; it answers the media id.
func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	fields, files, err := fakeform.Read(r)
	if err != nil {
		s.tb.Errorf("fakewhatsapp: %v", err)
		s.fail(w, failure{400, 100, "Invalid parameter"})
		return
	}
	for k := range fields {
		if k != "messaging_product" && k != "type" {
			s.tb.Errorf("fakewhatsapp: a media upload has a field the API does not know: %q", k)
		}
	}
	if fields["messaging_product"] != "whatsapp" {
		s.tb.Errorf("fakewhatsapp: a media upload needs messaging_product=whatsapp")
	}
	file := files["file"]
	if file == nil || len(files) != 1 {
		s.tb.Errorf("fakewhatsapp: a media upload carries one file, in field file")
		s.fail(w, failure{400, 100, "The parameter file is required."})
		return
	}
	m := &Media{Name: file.Name, MimeType: fields["type"], Data: file.Data}
	if m.MimeType == "" || m.MimeType != file.ContentType {
		s.tb.Errorf("fakewhatsapp: type %q must be the file's MIME type %q", m.MimeType, file.ContentType)
	}
	if f := s.nextFailure(); f != nil {
		s.fail(w, *f)
		return
	}
	s.mu.Lock()
	s.nextID++
	id := fmt.Sprintf("%d", 900000+s.nextID)
	if s.media == nil {
		s.media = map[string]*Media{}
	}
	s.media[id] = m
	s.uploads = append(s.uploads, m)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"id":%q}`, id)
}

// get serves GET /{media-id} (the file's address, for a short time) and the
// address itself; both need the bearer token.
func (s *Server) get(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+s.token {
		s.fail(w, failure{401, 190, "Invalid OAuth access token - Cannot parse access token"})
		return
	}
	id, download := strings.CutPrefix(r.URL.Path, "/whatsapp_business/attachments/")
	if download {
		id = r.URL.Query().Get("mid")
	} else if m := mediaPath.FindStringSubmatch(r.URL.Path); m != nil {
		id = m[1]
	}
	s.mu.Lock()
	media := s.media[id]
	s.mu.Unlock()
	switch {
	case media == nil:
		s.fail(w, failure{400, 100, "Unsupported get request. Object with ID '" + id + "' does not exist"})
	case download:
		w.Header().Set("Content-Type", media.MimeType)
		w.Write(media.Data)
	default:
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"messaging_product":"whatsapp","url":%q,"mime_type":%q,"sha256":"x","file_size":%d,"id":%q}`,
			s.URL+"/whatsapp_business/attachments/?mid="+id, media.MimeType, len(media.Data), id)
	}
}

// nextFailure takes the failure the next call answers with, if any.
func (s *Server) nextFailure() *failure {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.failures) == 0 {
		return nil
	}
	f := s.failures[0]
	s.failures = s.failures[1:]
	return &f
}

func (s *Server) fail(w http.ResponseWriter, f failure) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(f.status)
	fmt.Fprintf(w, `{"error":{"message":%q,"type":"OAuthException","code":%d,"error_data":{"messaging_product":"whatsapp","details":%q},"fbtrace_id":"Afake"}}`,
		f.message, f.code, f.message)
}

func (s *Server) allowed(what string, obj map[string]any, fields ...string) {
	for k := range obj {
		ok := false
		for _, f := range fields {
			ok = ok || k == f
		}
		if !ok {
			s.tb.Errorf("fakewhatsapp: %s has a field the Cloud API does not know: %q", what, k)
		}
	}
}

// TextMessage is a webhook body with a client's text message to the number.
func TextMessage(phoneNumberID, waID, name, id, text string) []byte {
	return Webhook(phoneNumberID, waID, name, map[string]any{"from": waID, "id": id, "timestamp": "1700000000",
		"type": "text", "text": map[string]any{"body": text}})
}

// MediaMessage is a webhook body with a client's file: kind image,
// document, audio, video or sticker, under the media id (AddMedia), with a
// caption and a file name where the kind has them.
func MediaMessage(phoneNumberID, waID, name, id, kind, mediaID, mimeType, caption, filename string) []byte {
	media := map[string]any{"id": mediaID, "mime_type": mimeType, "sha256": "x"}
	if caption != "" {
		media["caption"] = caption
	}
	if filename != "" {
		media["filename"] = filename
	}
	return Webhook(phoneNumberID, waID, name, map[string]any{"from": waID, "id": id, "timestamp": "1700000000",
		"type": kind, kind: media})
}

// ButtonReply is a webhook body with a tap on a reply button.
func ButtonReply(phoneNumberID, waID, id, replyID, title string) []byte {
	return Webhook(phoneNumberID, waID, "", map[string]any{"from": waID, "id": id, "timestamp": "1700000000",
		"type": "interactive", "context": map[string]any{"from": "15550001111", "id": "wamid.context"},
		"interactive": map[string]any{"type": "button_reply", "button_reply": map[string]any{"id": replyID, "title": title}}})
}

// Webhook is a webhook body with messages of one client, as the API posts it.
func Webhook(phoneNumberID, waID, name string, messages ...map[string]any) []byte {
	value := map[string]any{"messaging_product": "whatsapp",
		"metadata": map[string]any{"display_phone_number": "15550001111", "phone_number_id": phoneNumberID},
		"messages": messages}
	if name != "" {
		value["contacts"] = []any{map[string]any{"profile": map[string]any{"name": name}, "wa_id": waID}}
	}
	return envelope(value)
}

// Status is a webhook body with a status update of a message sent.
func Status(phoneNumberID, waID, messageID, status string) []byte {
	return StatusTagged(phoneNumberID, waID, messageID, status, "")
}

// StatusTagged is a status update of a message sent with
// biz_opaque_callback_data, which the update carries back.
func StatusTagged(phoneNumberID, waID, messageID, status, tag string) []byte {
	st := map[string]any{"id": messageID, "status": status, "timestamp": "1700000001", "recipient_id": waID}
	if tag != "" {
		st["biz_opaque_callback_data"] = tag
	}
	return envelope(map[string]any{"messaging_product": "whatsapp",
		"metadata": map[string]any{"display_phone_number": "15550001111", "phone_number_id": phoneNumberID},
		"statuses": []any{st}})
}

func envelope(value map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"object": "whatsapp_business_account", "entry": []any{map[string]any{
		"id": "102290129340398", "changes": []any{map[string]any{"field": "messages", "value": value}}}}})
	return b
}

// Sign returns the X-Hub-Signature-256 of a body.
func Sign(body []byte, appSecret string) string {
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// StatusFailed is a "failed" status update of a tagged message, with the
// Cloud API's error (131047: more than 24 hours since the client wrote).
func StatusFailed(phoneNumberID, waID, messageID, tag string, code int, title string) []byte {
	st := map[string]any{"id": messageID, "status": "failed", "timestamp": "1700000001", "recipient_id": waID,
		"biz_opaque_callback_data": tag, "errors": []any{map[string]any{"code": code, "title": title,
			"message": title, "error_data": map[string]any{"details": title}}}}
	return envelope(map[string]any{"messaging_product": "whatsapp",
		"metadata": map[string]any{"display_phone_number": "15550001111", "phone_number_id": phoneNumberID},
		"statuses": []any{st}})
}
