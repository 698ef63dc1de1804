// Package faketelegram is a local stand-in for the Telegram Bot API. It checks
// every request Beseda sends against the published API (method, token, JSON
// fields and their limits), records what was sent, and can answer with the
// Bot API's errors (429 with retry_after, 403 blocked, 5xx).
package faketelegram

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf16"

	"github.com/beseda/beseda/internal/testkit/fakeform"
)

// Sent is one accepted sendMessage, sendPhoto or sendDocument call.
type Sent struct {
	Method  string // sendMessage, sendPhoto, sendDocument
	ChatID  string
	Text    string
	Buttons [][]Button // the inline keyboard, row by row
	Caption string     // of a photo or document
	File    *File      // the photo or document uploaded
}

// File is a file uploaded with a multipart call.
type File = fakeform.File

// Button is an inline keyboard button as sent.
type Button struct {
	Text         string
	CallbackData string
}

// Server is the fake Bot API for one bot token.
type Server struct {
	*httptest.Server
	tb    testing.TB
	token string

	mu        sync.Mutex
	sent      []Sent
	requested []string // the text of every sendMessage call, answered or not
	answered  []string
	failures  []failure
	nextID    int64
	calls     int
	webhook   Webhook       // what setWebhook set
	holdNext  int           // how many sendMessage calls to come are held
	release   chan struct{} // held calls wait for it to close
	waiting   int
	files     map[string][]byte // file_id → bytes, served by getFile and /file/
}

type failure struct {
	method string // "" for any
	status int
	body   string
}

// Webhook is what setWebhook registered.
type Webhook struct {
	URL         string
	SecretToken string
}

// New starts a fake Bot API serving the bot with the token.
func New(tb testing.TB, token string) *Server {
	s := &Server{tb: tb, token: token, nextID: 100}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.Close)
	return s
}

// AddFile makes a file a client sent: getFile knows the id, and its path
// serves the bytes.
func (s *Server) AddFile(fileID string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.files == nil {
		s.files = map[string][]byte{}
	}
	s.files[fileID] = data
}

// FailNext makes the next call answer with a Bot API error.
func (s *Server) FailNext(status int, description string, retryAfter int) {
	s.FailNextCall("", status, description, retryAfter)
}

// FailNextCall makes the next call of the method answer with a Bot API
// error.
func (s *Server) FailNextCall(method string, status int, description string, retryAfter int) {
	params := ""
	if retryAfter > 0 {
		params = fmt.Sprintf(`,"parameters":{"retry_after":%d}`, retryAfter)
	}
	s.mu.Lock()
	s.failures = append(s.failures, failure{method: method, status: status,
		body: fmt.Sprintf(`{"ok":false,"error_code":%d,"description":%q%s}`, status, description, params)})
	s.mu.Unlock()
}

// HoldNext makes the next n sendMessage calls wait unanswered, as on a
// network that stalls, until Release or until their caller goes away.
func (s *Server) HoldNext(n int) {
	s.mu.Lock()
	s.holdNext += n
	if s.release == nil {
		s.release = make(chan struct{})
	}
	s.mu.Unlock()
}

// Release lets the held calls go on.
func (s *Server) Release() {
	s.mu.Lock()
	if s.release != nil {
		close(s.release)
		s.release = nil
	}
	s.holdNext = 0
	s.mu.Unlock()
}

// Waiting counts the calls held now.
func (s *Server) Waiting() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.waiting
}

// Requested returns the text of every sendMessage call in the order they
// came, whatever their answer: how often a message was handed to Telegram.
func (s *Server) Requested() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requested...)
}

// Sent returns the accepted sendMessage calls.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// Answered returns the callback query ids answered.
func (s *Server) Answered() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.answered...)
}

// Webhook returns what the last setWebhook registered.
func (s *Server) Webhook() Webhook {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook
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
	if path, ok := strings.CutPrefix(r.URL.Path, "/file/bot"+s.token+"/"); ok && r.Method == "GET" {
		s.download(w, path)
		return
	}
	prefix := "/bot" + s.token + "/"
	if !strings.HasPrefix(r.URL.Path, prefix) {
		s.answer(w, 401, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
		return
	}
	method := strings.TrimPrefix(r.URL.Path, prefix)
	var req map[string]any
	var file *File
	if method == "sendPhoto" || method == "sendDocument" {
		req, file = s.multipart(r, strings.ToLower(strings.TrimPrefix(method, "send")))
		if file == nil {
			s.answer(w, 400, `{"ok":false,"error_code":400,"description":"Bad Request: there is no file in the request"}`)
			return
		}
	} else {
		if r.Method != "POST" || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			s.tb.Errorf("faketelegram: %s with Content-Type %q; Beseda sends JSON with POST", r.Method, r.Header.Get("Content-Type"))
		}
		body, _ := io.ReadAll(r.Body)
		dec := json.NewDecoder(strings.NewReader(string(body)))
		dec.UseNumber()
		if err := dec.Decode(&req); err != nil {
			s.tb.Errorf("faketelegram: body is not a JSON object: %s", body)
			s.answer(w, 400, `{"ok":false,"error_code":400,"description":"Bad Request: invalid JSON"}`)
			return
		}
	}
	s.mu.Lock()
	if method == "sendMessage" {
		text, _ := req["text"].(string)
		s.requested = append(s.requested, text)
	}
	if method == "sendMessage" && s.holdNext > 0 {
		s.holdNext--
		s.waiting++
		release := s.release
		s.mu.Unlock()
		select {
		case <-release:
		case <-r.Context().Done():
		}
		s.mu.Lock()
		s.waiting--
		if r.Context().Err() != nil {
			s.mu.Unlock()
			return
		}
	}
	for i, f := range s.failures {
		if f.method == "" || f.method == method {
			s.failures = append(s.failures[:i], s.failures[i+1:]...)
			s.mu.Unlock()
			s.answer(w, f.status, f.body)
			return
		}
	}
	s.mu.Unlock()
	switch method {
	case "sendMessage":
		s.sendMessage(w, req)
	case "sendPhoto", "sendDocument":
		s.sendFile(w, method, req, file)
	case "getFile":
		s.getFile(w, req)
	case "answerCallbackQuery":
		s.answerCallbackQuery(w, req)
	case "getMe":
		allowed(s.tb, "getMe", req)
		s.answer(w, 200, `{"ok":true,"result":{"id":123456,"is_bot":true,"first_name":"Shop bot","username":"shop_bot"}}`)
	case "setWebhook":
		s.setWebhook(w, req)
	default:
		s.tb.Errorf("faketelegram: unexpected method %q", method)
		s.answer(w, 404, `{"ok":false,"error_code":404,"description":"Not Found: method not found"}`)
	}
}

// sendMessage checks the fields of https://core.telegram.org/bots/api#sendmessage
// that Beseda uses.
func (s *Server) sendMessage(w http.ResponseWriter, req map[string]any) {
	allowed(s.tb, "sendMessage", req, "chat_id", "text", "reply_markup")
	var out Sent
	switch id := req["chat_id"].(type) {
	case json.Number:
		out.ChatID = id.String()
	case string:
		out.ChatID = id
	default:
		s.tb.Errorf("faketelegram: chat_id must be an integer or a string, got %T", req["chat_id"])
	}
	text, _ := req["text"].(string)
	if n := len(utf16.Encode([]rune(text))); n == 0 || n > 4096 {
		s.tb.Errorf("faketelegram: text must be 1-4096 characters, got %d", n)
	}
	out.Text = text
	if rm, ok := req["reply_markup"]; ok {
		markup, _ := rm.(map[string]any)
		allowed(s.tb, "reply_markup", markup, "inline_keyboard")
		rows, ok := markup["inline_keyboard"].([]any)
		if !ok || len(rows) == 0 {
			s.tb.Errorf("faketelegram: reply_markup.inline_keyboard must be an array of button rows")
		}
		for _, row := range rows {
			buttons, _ := row.([]any)
			var outRow []Button
			for _, b := range buttons {
				btn, _ := b.(map[string]any)
				allowed(s.tb, "InlineKeyboardButton", btn, "text", "callback_data", "url")
				title, _ := btn["text"].(string)
				data, _ := btn["callback_data"].(string)
				if title == "" {
					s.tb.Errorf("faketelegram: a button needs text")
				}
				if n := len(data); n < 1 || n > 64 {
					s.tb.Errorf("faketelegram: callback_data must be 1-64 bytes, got %d: %q", n, data)
				}
				outRow = append(outRow, Button{Text: title, CallbackData: data})
			}
			out.Buttons = append(out.Buttons, outRow)
		}
	}
	out.Method = "sendMessage"
	s.mu.Lock()
	s.nextID++
	id := s.nextID
	s.sent = append(s.sent, out)
	s.mu.Unlock()
	s.answer(w, 200, fmt.Sprintf(`{"ok":true,"result":{"message_id":%d,"date":1700000000,"chat":{"id":%s,"type":"private"},"text":%q}}`,
		id, out.ChatID, out.Text))
}

// multipart reads a multipart/form-data call: its fields, and the file in
// the field named after the method (photo, document).
func (s *Server) multipart(r *http.Request, field string) (map[string]any, *File) {
	fields, files, err := fakeform.Read(r)
	if err != nil {
		s.tb.Errorf("faketelegram: %v", err)
		return nil, nil
	}
	req := map[string]any{}
	for k, v := range fields {
		req[k] = v
	}
	for k := range files {
		if k != field {
			s.tb.Errorf("faketelegram: unexpected file field %q (want %q)", k, field)
		}
	}
	return req, files[field]
}

// sendFile checks https://core.telegram.org/bots/api#sendphoto and
// #senddocument: chat_id, a caption of 0-1024 characters after entity
// parsing (UTF-16 units), a photo of at most 10 MB.
func (s *Server) sendFile(w http.ResponseWriter, method string, req map[string]any, file *File) {
	allowed(s.tb, method, req, "chat_id", "caption")
	out := Sent{Method: method, File: file}
	out.ChatID, _ = req["chat_id"].(string)
	if _, err := strconv.ParseInt(out.ChatID, 10, 64); err != nil {
		s.tb.Errorf("faketelegram: chat_id must be an integer, got %q", out.ChatID)
	}
	out.Caption, _ = req["caption"].(string)
	if n := len(utf16.Encode([]rune(out.Caption))); n > 1024 {
		s.answer(w, 400, `{"ok":false,"error_code":400,"description":"Bad Request: message caption is too long"}`)
		return
	}
	if method == "sendPhoto" && len(file.Data) > 10<<20 {
		s.answer(w, 400, `{"ok":false,"error_code":400,"description":"Bad Request: PHOTO_INVALID_DIMENSIONS"}`)
		return
	}
	s.mu.Lock()
	s.nextID++
	id := s.nextID
	s.sent = append(s.sent, out)
	s.mu.Unlock()
	s.answer(w, 200, fmt.Sprintf(`{"ok":true,"result":{"message_id":%d,"date":1700000000,"chat":{"id":%s,"type":"private"}}}`, id, out.ChatID))
}

// getFile checks https://core.telegram.org/bots/api#getfile: a file_id it
// knows gets a path to download; bots get no file over 20 MB.
func (s *Server) getFile(w http.ResponseWriter, req map[string]any) {
	allowed(s.tb, "getFile", req, "file_id")
	id, _ := req["file_id"].(string)
	s.mu.Lock()
	data, ok := s.files[id]
	s.mu.Unlock()
	switch {
	case !ok:
		s.answer(w, 400, `{"ok":false,"error_code":400,"description":"Bad Request: invalid file_id"}`)
	case len(data) > 20<<20:
		s.answer(w, 400, `{"ok":false,"error_code":400,"description":"Bad Request: file is too big"}`)
	default:
		s.answer(w, 200, fmt.Sprintf(`{"ok":true,"result":{"file_id":%q,"file_unique_id":"u%s","file_size":%d,"file_path":"documents/%s"}}`,
			id, id, len(data), url.PathEscape(id)))
	}
}

// download serves a file by the path getFile gave.
func (s *Server) download(w http.ResponseWriter, path string) {
	id, ok := strings.CutPrefix(path, "documents/")
	s.mu.Lock()
	data, known := s.files[id]
	s.mu.Unlock()
	if !ok || !known {
		http.NotFound(w, nil)
		return
	}
	w.Write(data)
}

// answerCallbackQuery checks https://core.telegram.org/bots/api#answercallbackquery.
func (s *Server) answerCallbackQuery(w http.ResponseWriter, req map[string]any) {
	allowed(s.tb, "answerCallbackQuery", req, "callback_query_id", "text", "show_alert")
	id, _ := req["callback_query_id"].(string)
	if id == "" {
		s.tb.Errorf("faketelegram: answerCallbackQuery needs callback_query_id")
	}
	if text, ok := req["text"].(string); ok && len([]rune(text)) > 200 {
		s.tb.Errorf("faketelegram: callback answer text over 200 characters")
	}
	s.mu.Lock()
	s.answered = append(s.answered, id)
	s.mu.Unlock()
	s.answer(w, 200, `{"ok":true,"result":true}`)
}

// setWebhook checks https://core.telegram.org/bots/api#setwebhook: the URL
// must be HTTPS on a port Telegram posts to, the secret token 1–256
// characters of A-Z, a-z, 0-9, _ and -.
func (s *Server) setWebhook(w http.ResponseWriter, req map[string]any) {
	allowed(s.tb, "setWebhook", req, "url", "secret_token", "allowed_updates", "max_connections", "drop_pending_updates")
	u, _ := req["url"].(string)
	parsed, err := url.Parse(u)
	if err != nil || parsed.Scheme != "https" || parsed.Host == "" {
		s.answer(w, 400, `{"ok":false,"error_code":400,"description":"Bad Request: bad webhook: An HTTPS URL must be provided for webhook"}`)
		return
	}
	if p := parsed.Port(); p != "" && p != "443" && p != "80" && p != "88" && p != "8443" {
		s.answer(w, 400, `{"ok":false,"error_code":400,"description":"Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"}`)
		return
	}
	secret, _ := req["secret_token"].(string)
	if len(secret) < 1 || len(secret) > 256 || strings.Trim(secret, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != "" {
		s.tb.Errorf("faketelegram: secret_token must be 1-256 characters of A-Z, a-z, 0-9, _ and -, got %q", secret)
	}
	if au, ok := req["allowed_updates"]; ok {
		if _, isList := au.([]any); !isList {
			s.tb.Errorf("faketelegram: allowed_updates must be an array of strings, got %#v", au)
		}
	}
	s.mu.Lock()
	s.webhook = Webhook{URL: u, SecretToken: secret}
	s.mu.Unlock()
	s.answer(w, 200, `{"ok":true,"result":true,"description":"Webhook was set"}`)
}

func (s *Server) answer(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

func allowed(tb testing.TB, what string, obj map[string]any, fields ...string) {
	for k := range obj {
		ok := false
		for _, f := range fields {
			ok = ok || k == f
		}
		if !ok {
			tb.Errorf("faketelegram: %s has a field the Bot API does not know: %q", what, k)
		}
	}
}

// TextUpdate is a webhook update with a client's text message.
func TextUpdate(updateID, chatID int64, firstName, text string) []byte {
	b, _ := json.Marshal(map[string]any{"update_id": updateID, "message": map[string]any{
		"message_id": updateID, "date": 1700000000, "text": text,
		"from": map[string]any{"id": chatID, "is_bot": false, "first_name": firstName},
		"chat": map[string]any{"id": chatID, "type": "private", "first_name": firstName},
	}})
	return b
}

// CallbackUpdate is a webhook update with a tap on an inline button.
func CallbackUpdate(updateID, chatID int64, callbackID, data string) []byte {
	b, _ := json.Marshal(map[string]any{"update_id": updateID, "callback_query": map[string]any{
		"id": callbackID, "chat_instance": "ci", "data": data,
		"from":    map[string]any{"id": chatID, "is_bot": false, "first_name": "Client"},
		"message": map[string]any{"message_id": 1, "date": 1700000000, "chat": map[string]any{"id": chatID, "type": "private"}},
	}})
	return b
}

// FileUpdate is a webhook update with a client's file: kind photo (sizes of
// the file, the largest last), or document, video, voice… with its name and
// type as the client's app says.
func FileUpdate(updateID, chatID int64, kind, fileID, fileName, mimeType, caption string) []byte {
	var file any = map[string]any{"file_id": fileID, "file_unique_id": "u" + fileID, "file_name": fileName, "mime_type": mimeType}
	if kind == "photo" {
		file = []any{map[string]any{"file_id": fileID + "-small", "file_unique_id": "s", "width": 90, "height": 90},
			map[string]any{"file_id": fileID, "file_unique_id": "u" + fileID, "width": 800, "height": 600}}
	}
	msg := map[string]any{"message_id": updateID, "date": 1700000000, kind: file,
		"from": map[string]any{"id": chatID, "is_bot": false, "first_name": "Ivan"},
		"chat": map[string]any{"id": chatID, "type": "private", "first_name": "Ivan"}}
	if caption != "" {
		msg["caption"] = caption
	}
	b, _ := json.Marshal(map[string]any{"update_id": updateID, "message": msg})
	return b
}
