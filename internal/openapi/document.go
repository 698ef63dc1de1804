package openapi

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// ErrorBody is the body of every error answer.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is what went wrong.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// DialogID names the dialog a conflict is about.
	DialogID int64 `json:"dialog_id,omitempty"`
}

var _ = Describe(ErrorDetail{}, TypeDoc{Doc: "What went wrong: a stable code and a message fit to show.",
	Fields: map[string]string{
		"code": "invalid_input, unauthorized, forbidden, not_found, too_large, too_many_attempts, internal, " +
			"or a rule's conflict: active_dialog_exists, invalid_transition, dialog_completed, dialog_not_active, " +
			"general_chat_locked, last_dialog_type, name_taken, idempotency_key_reused",
		"dialog_id": "the dialog a conflict is about (the active one for active_dialog_exists)",
	}})

// Webhook is an outgoing webhook event, for the document's "webhooks":
// what Beseda posts to subscribers.
type Webhook struct {
	Event   string // the event type, e.g. "dialog.created"
	Summary string
	Body    any // a Go value of the body's type
}

var hooks struct {
	sync.Mutex
	list []Webhook
}

// AddWebhooks documents outgoing webhook events.
func AddWebhooks(ws ...Webhook) bool {
	hooks.Lock()
	hooks.list = append(hooks.list, ws...)
	hooks.Unlock()
	return true
}

var statusText = map[int]string{
	400: "invalid_input: malformed JSON, wrong types, unknown fields or bad values",
	401: "unauthorized: no valid credentials",
	403: "forbidden: not allowed (a permission, or a missing X-CSRF-Token with the session cookie)",
	404: "not_found: no such object in the caller's workspace",
	409: "a conflict with a rule (see the code)",
	413: "too_large: the body is over 1 MiB (an upload: the file is over the server's limit, 20 MiB by default)",
	429: "too_many_attempts: slow down (see Retry-After)",
}

var pathParam = regexp.MustCompile(`\{([^}.]+)(\.\.\.)?\}`)

// Document builds the OpenAPI document of every registered operation.
func Document() map[string]any {
	s := newSchemas()
	paths := map[string]map[string]any{}
	ops := Ops()
	tags := []any{}
	seenTag := map[string]bool{}
	// Answers first: a type used both ways keeps its plain name as an answer.
	responses := make([]map[string]any, len(ops))
	for i, o := range ops {
		responses[i] = responsesOf(s, o)
	}
	for i, o := range ops {
		method, path := o.split()
		if strings.HasSuffix(path, "/") { // a subtree: files under it
			path += "{path...}"
		}
		op := map[string]any{
			"operationId": OperationID(o.Route),
			"summary":     o.Summary,
			"responses":   responses[i],
		}
		if o.Description != "" {
			op["description"] = o.Description
		}
		if o.Tag != "" {
			op["tags"] = []any{o.Tag}
			if !seenTag[o.Tag] {
				seenTag[o.Tag] = true
				tags = append(tags, map[string]any{"name": o.Tag})
			}
		}
		switch o.Auth {
		case Public, Messenger:
			op["security"] = []any{}
		case Manager:
			if method == "GET" {
				op["security"] = []any{map[string]any{"bearer": []any{}}, map[string]any{"session": []any{}}}
			} else {
				op["security"] = []any{map[string]any{"bearer": []any{}}, map[string]any{"session": []any{}, "csrf": []any{}}}
			}
		case Visitor:
			op["security"] = []any{map[string]any{"visitor": []any{}}}
		case ManagerOrVisitor:
			op["security"] = []any{map[string]any{"bearer": []any{}}, map[string]any{"session": []any{}}, map[string]any{"visitor": []any{}}}
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
			schema := Schema{"type": "string"}
			if m[1] == "id" {
				schema = Schema{"type": "integer", "minimum": 1}
			}
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": schema})
		}
		for _, p := range o.Query {
			in := p.In
			if in == "" {
				in = "query"
			}
			param := map[string]any{"name": p.Name, "in": in, "schema": s.of(p.Schema, true)}
			if p.Doc != "" {
				param["description"] = p.Doc
			}
			if p.Required {
				param["required"] = true
			}
			params = append(params, param)
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if o.Body != nil {
			typ := o.BodyType
			if typ == "" {
				typ = "application/json"
			}
			op["requestBody"] = map[string]any{"required": true,
				"content": map[string]any{typ: map[string]any{"schema": s.of(o.Body, true)}}}
		}
		key := pathParam.ReplaceAllString(path, "{$1}")
		if paths[key] == nil {
			paths[key] = map[string]any{}
		}
		paths[key][strings.ToLower(method)] = op
	}
	webhooks := map[string]any{}
	hooks.Lock()
	for _, w := range hooks.list {
		webhooks[w.Event] = map[string]any{"post": map[string]any{
			"operationId": "webhook" + OperationID("POST " + w.Event)[4:],
			"summary":     w.Summary,
			"parameters": []any{
				map[string]any{"name": "X-Beseda-Event", "in": "header", "required": true, "schema": Schema{"type": "string", "const": w.Event}},
				map[string]any{"name": "X-Beseda-Delivery", "in": "header", "required": true, "description": "the delivery's id: the same on every retry", "schema": Schema{"type": "string"}},
				map[string]any{"name": "X-Beseda-Signature", "in": "header", "required": true, "description": "sha256=HEX: the HMAC-SHA256 of the raw body with the subscription's secret", "schema": Schema{"type": "string", "pattern": "^sha256=[0-9a-f]{64}$"}},
			},
			"requestBody": map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": s.of(w.Body, false)}}},
			"responses":   map[string]any{"2XX": map[string]any{"description": "taken; anything else, or no answer within 10 s, is retried with growing waits for 24 hours"}},
		}}
	}
	hooks.Unlock()
	errSchema := s.of(ErrorBody{}, false)
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "Beseda API",
			"version": "1",
			"description": "Support dialogs in the chats of a chat platform. JSON in and out; every error is " +
				`{"error":{"code","message"}}. Managers sign in with POST /api/v1/auth/login and send ` +
				"Authorization: Bearer TOKEN; the console's session cookie works too, with X-CSRF-Token on requests " +
				"that change state. The web chat's client side uses X-Visitor-Token from POST /widget/{key}/sessions.",
		},
		"servers":  []any{map[string]any{"url": "/"}},
		"tags":     tags,
		"paths":    paths,
		"webhooks": webhooks,
		"components": map[string]any{
			"schemas": s.components,
			"responses": map[string]any{"Error": map[string]any{"description": "an error",
				"content": map[string]any{"application/json": map[string]any{"schema": errSchema}}}},
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer", "description": "the token from POST /api/v1/auth/login"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": "beseda_session", "description": "the console's session"},
				"csrf":    map[string]any{"type": "apiKey", "in": "header", "name": "X-CSRF-Token", "description": "the session's CSRF token, on requests that change state"},
				"visitor": map[string]any{"type": "apiKey", "in": "header", "name": "X-Visitor-Token", "description": "a web-chat client's token from POST /widget/{key}/sessions"},
			},
		},
	}
}

func responsesOf(s *schemas, o Op) map[string]any {
	out := map[string]any{}
	typ := o.ResponseType
	if typ == "" {
		typ = "application/json"
	}
	for _, status := range append([]int{o.Status}, o.Also...) {
		r := map[string]any{"description": http.StatusText(status)}
		if o.Response != nil {
			schema := Schema{"type": "string"}
			if strings.HasSuffix(typ, "json") {
				schema = s.of(o.Response, false)
			}
			content := map[string]any{typ: map[string]any{"schema": schema}}
			for _, other := range o.OtherTypes {
				content[other] = map[string]any{"schema": Schema{"type": "string"}}
			}
			r["content"] = content
		}
		out[strconv.Itoa(status)] = r
	}
	errs := append([]int{}, o.Errors...)
	switch o.Auth {
	case Manager:
		errs = append(errs, 401)
		if !strings.HasPrefix(o.Route, "GET ") {
			errs = append(errs, 403)
		}
	case Visitor:
		errs = append(errs, 401)
	}
	if o.Body != nil {
		errs = append(errs, 400, 413)
	}
	for _, status := range errs {
		key := strconv.Itoa(status)
		if _, ok := out[key]; ok {
			continue
		}
		out[key] = map[string]any{"description": statusText[status], "content": map[string]any{
			"application/json": map[string]any{"schema": Schema{"$ref": "#/components/schemas/ErrorBody"}}}}
	}
	return out
}

var doc = sync.OnceValues(func() ([]byte, error) { return json.Marshal(Document()) })

// ServeJSON serves the document (built once: every surface has registered
// its operations before the server answers).
func ServeJSON(w http.ResponseWriter, r *http.Request) {
	body, err := doc()
	if err != nil {
		http.Error(w, "openapi: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Write(body)
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
