package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/openapi"
	"github.com/beseda/beseda/internal/server"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/internal/testkit/fakewhatsapp"
	"github.com/beseda/beseda/store"
)

// inScope are the routes the document must describe: the public API.
func inScope(pattern string) bool {
	_, path, _ := strings.Cut(pattern, " ")
	for _, p := range []string{"/api/v1/", "/widget", "/webhooks/"} {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return path == "/healthz" || path == "/metrics"
}

// TestOpenAPI_DocumentsEveryRouteBothWays: every route served under
// /api/v1, /widget and /webhooks (and /healthz, /metrics) is in the
// document, and every route in the document is served.
func TestOpenAPI_DocumentsEveryRouteBothWays(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{})
	var served []string
	for _, p := range srv.Routes() {
		if inScope(p) {
			served = append(served, p)
		}
	}
	if len(served) < 60 {
		t.Fatalf("only %d routes recorded: is every surface registered on the recording mux?", len(served))
	}
	undocumented, unserved := openapi.Documented(served)
	for _, p := range undocumented {
		t.Errorf("%s is served but not documented: add an openapi.Op for it in the openapi.go of the package that registers it", p)
	}
	for _, p := range unserved {
		t.Errorf("%s is documented but not served: remove its openapi.Op, or register the route", p)
	}

	// The document as served: public, JSON, every $ref resolves, every
	// path of every route.
	res := testkit.NewClient(t, srv.URL).MustDo("GET", "/api/v1/openapi.json", nil, 200, nil)
	var doc map[string]any
	if err := json.Unmarshal(res.Body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi %v", doc["openapi"])
	}
	for _, ref := range refs(doc) {
		if _, ok := openapi.SchemaAt(doc, ref); !ok {
			t.Errorf("unresolved %s", ref)
		}
	}
	paths := doc["paths"].(map[string]any)
	ids := map[string]bool{}
	for _, p := range served {
		method, path, _ := strings.Cut(p, " ")
		if strings.HasSuffix(path, "/") {
			path += "{path}"
		}
		op, ok := paths[path].(map[string]any)[strings.ToLower(method)].(map[string]any)
		if !ok {
			t.Errorf("the document has no %s %s", method, path)
			continue
		}
		id := op["operationId"].(string)
		if ids[id] {
			t.Errorf("operationId %s twice", id)
		}
		ids[id] = true
	}
	for _, scheme := range []string{"bearer", "session", "csrf", "visitor"} {
		if _, ok := openapi.SchemaAt(doc, "#/components/securitySchemes/"+scheme); !ok {
			t.Errorf("no %s security scheme", scheme)
		}
	}
	for _, event := range beseda.WebhookEventTypes {
		if _, ok := doc["webhooks"].(map[string]any)[string(event)]; !ok {
			t.Errorf("the outgoing %s webhook is not documented", event)
		}
	}
}

func refs(v any) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if s, ok := val.(string); ok && k == "$ref" {
				out = append(out, s)
			} else {
				out = append(out, refs(val)...)
			}
		}
	case []any:
		for _, val := range x {
			out = append(out, refs(val)...)
		}
	}
	return out
}

// exchange is one request of the walk and its answer.
type exchange struct {
	pattern, method, path string
	status                int
	contentType           string
	reqBody, resBody      []byte
}

type capture struct {
	mu   sync.Mutex
	list []exchange
}

type teeWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (w *teeWriter) WriteHeader(s int) { w.status = s; w.ResponseWriter.WriteHeader(s) }
func (w *teeWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = 200
	}
	w.body.Write(b)
	return w.ResponseWriter.Write(b)
}
func (w *teeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (c *capture) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		tw := &teeWriter{ResponseWriter: w}
		next.ServeHTTP(tw, r)
		c.mu.Lock()
		c.list = append(c.list, exchange{pattern: r.Pattern, method: r.Method, path: r.URL.Path, status: tw.status,
			contentType: tw.Header().Get("Content-Type"), reqBody: body, resBody: tw.body.Bytes()})
		c.mu.Unlock()
	})
}

// TestOpenAPI_AnswersMatchTheSchemas walks the whole API — every
// documented route but the event streams — and checks each request body and
// answer against the document: the status is documented for the route,
// and the JSON has exactly the documented shape.
func TestOpenAPI_AnswersMatchTheSchemas(t *testing.T) {
	t.Parallel()
	var c capture
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{
		WrapHandler: c.wrap,
		Configure:   func(cfg *server.Config) { cfg.AllowPrivateWebhooks = true },
	})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	walk(t, w)

	res := testkit.NewClient(t, srv.URL).MustDo("GET", "/api/v1/openapi.json", nil, 200, nil)
	var doc map[string]any
	if err := json.Unmarshal(res.Body, &doc); err != nil {
		t.Fatal(err)
	}
	paths := doc["paths"].(map[string]any)
	ok := map[string]bool{}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, x := range c.list {
		// The middleware hands the mux a copy of the request, so the
		// pattern is looked up again here.
		x.pattern = srv.Pattern(httptest.NewRequest(x.method, x.path, nil))
		if !inScope(x.pattern) {
			continue
		}
		what := fmt.Sprintf("%s %s → %d", x.method, x.path, x.status)
		method, path, _ := strings.Cut(x.pattern, " ")
		if strings.HasSuffix(path, "/") {
			path += "{path}"
		}
		op, found := paths[path].(map[string]any)[strings.ToLower(method)].(map[string]any)
		if !found {
			t.Errorf("%s: route %s not in the document", what, x.pattern)
			continue
		}
		resp, found := op["responses"].(map[string]any)[fmt.Sprint(x.status)].(map[string]any)
		if !found {
			t.Errorf("%s: status %d not documented: %s", what, x.status, x.resBody)
			continue
		}
		if x.status < 300 {
			ok[x.pattern] = true
		}
		content, _ := resp["content"].(map[string]any)
		if len(x.resBody) == 0 {
			if content != nil && x.method != "HEAD" {
				t.Errorf("%s: no body, but one is documented", what)
			}
			continue
		}
		if content == nil {
			t.Errorf("%s: a body (%s), but none is documented", what, x.contentType)
			continue
		}
		if strings.HasPrefix(x.contentType, "application/json") {
			media, found := content["application/json"].(map[string]any)
			if !found {
				t.Errorf("%s: JSON answered, documented as %v", what, keys(content))
				continue
			}
			for _, p := range openapi.Validate(doc, media["schema"], x.resBody) {
				t.Errorf("%s: answer %s", what, p)
			}
		} else if !documentedType(content, x.contentType) && x.status < 300 {
			t.Errorf("%s: answered %s, documented as %v", what, x.contentType, keys(content))
		}
		if rb, _ := op["requestBody"].(map[string]any); rb != nil && x.status < 300 && len(x.reqBody) > 0 {
			media, isJSON := rb["content"].(map[string]any)["application/json"].(map[string]any)
			if !isJSON {
				continue // a file upload (multipart/form-data)
			}
			for _, p := range openapi.Validate(doc, media["schema"], x.reqBody) {
				t.Errorf("%s: request %s", what, p)
			}
		}
	}
	// Every documented route was walked, but for these.
	unwalked := []string{"GET /api/v1/events", "GET /widget/{key}/events", // streams
		"GET /webhooks/{kind}/{key}", "POST /webhooks/{kind}/{key}"} // errors only: the channel tests walk them
	for _, o := range openapi.Ops() {
		if !ok[o.Route] && !slices.Contains(unwalked, o.Route) {
			t.Errorf("the walk never got a 2xx from %s", o.Route)
		}
	}
}

// documentedType reports whether an answer's media type is among the
// documented ones, ranges ("image/*", "*/*") included.
func documentedType(content map[string]any, contentType string) bool {
	mt := strings.TrimSpace(strings.Split(contentType, ";")[0])
	major, _, _ := strings.Cut(mt, "/")
	for _, k := range []string{mt, major + "/*", "*/*"} {
		if _, ok := content[k]; ok {
			return true
		}
	}
	return false
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// walkPNG is a picture of one pixel, to upload.
var walkPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
	"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

// walk calls every route of the API once or more, the way a client would.
func walk(t *testing.T, w *testkit.World) {
	owner, manager := w.Owner, w.Manager
	anon := testkit.NewClient(t, w.Srv.URL)
	anon.MustDo("GET", "/healthz", nil, 200, nil)
	anon.MustDo("GET", "/metrics", nil, 200, nil)
	anon.MustDo("GET", "/api/v1/openapi.json", nil, 200, nil)
	anon.WantError("GET", "/api/v1/me", nil, 401, beseda.EUNAUTHORIZED)
	anon.WantError("POST", "/api/v1/auth/login", map[string]string{"email": "nobody@example.com", "password": "x"}, 401, beseda.EUNAUTHORIZED)

	var me struct{ Email string }
	owner.MustDo("GET", "/api/v1/me", nil, 200, &me)
	second := testkit.Login(t, w.Srv.URL, me.Email, testkit.TestPassword)
	second.MustDo("POST", "/api/v1/auth/logout", nil, 204, nil)
	owner.MustDo("PATCH", "/api/v1/me", map[string]string{"time_zone": "Europe/Moscow"}, 200, nil)

	var users []beseda.User
	owner.MustDo("GET", "/api/v1/users", nil, 200, &users)
	var u beseda.User
	owner.MustDo("POST", "/api/v1/users", map[string]any{"email": "walker@example.com", "name": "Walker", "password": "long enough",
		"permissions": []string{"reports.view"}}, 201, &u)
	owner.MustDo("GET", testkit.Path("/api/v1/users/%d", u.ID), nil, 200, nil)
	owner.MustDo("PATCH", testkit.Path("/api/v1/users/%d", u.ID), map[string]any{"permissions": []string{}}, 200, nil)
	manager.WantError("POST", "/api/v1/users", map[string]any{"email": "x@example.com", "password": "long enough"}, 403, beseda.EFORBIDDEN)
	owner.WantError("GET", "/api/v1/users/999999", nil, 404, beseda.ENOTFOUND)

	// A manager without users.manage sees colleagues' ids and names only,
	// and no channel's setup: the document says those fields are optional.
	manager.MustDo("GET", "/api/v1/users", nil, 200, nil)
	manager.MustDo("GET", testkit.Path("/api/v1/users/%d", u.ID), nil, 200, nil)

	owner.MustDo("GET", "/api/v1/channels", nil, 200, nil)
	manager.MustDo("GET", "/api/v1/channels", nil, 200, nil)
	tg := w.AddChannel("telegram", "Bot", map[string]string{"bot_token": "123456:TEST-token_abcdefghijklmnop", "webhook_secret": "s3cret-token", "api_base_url": "http://127.0.0.1:1"})
	owner.MustDo("PATCH", testkit.Path("/api/v1/channels/%d", tg.ID), map[string]any{"name": "Bot of the shop"}, 200, nil)
	wa := fakewhatsapp.New(t, "1065403522", "wa-token")
	wa.SetTemplates("5550001", 10, fakewhatsapp.Template{Name: "order_update", Language: "en_US", Category: "UTILITY",
		Status: "APPROVED", Body: "Your order {{1}} is on its way.", QuickReplies: []string{"Thanks"}},
		fakewhatsapp.Template{Name: "rating", Language: "en", Category: "UTILITY", Status: "APPROVED",
			Body: "How did we do?", QuickReplies: []string{"Bad", "OK", "Great"}})
	wach := w.AddChannel("whatsapp", "WhatsApp", map[string]string{"phone_number_id": "1065403522", "access_token": "wa-token",
		"app_secret": "wa-secret", "verify_token": "wa-verify", "api_base_url": wa.URL, "business_account_id": "5550001"})
	manager.MustDo("GET", testkit.Path("/api/v1/channels/%d/templates?language=en", wach.ID), nil, 200, nil)
	manager.MustDo("POST", testkit.Path("/api/v1/channels/%d/templates/sync", wach.ID), nil, 200, nil)
	owner.MustDo("PUT", "/api/v1/settings/rating-template", map[string]any{"template": map[string]any{"name": "rating", "language": "en"}}, 200, nil)
	owner.MustDo("GET", "/api/v1/settings/rating-template", nil, 200, nil)
	manager.WantError("PATCH", testkit.Path("/api/v1/channels/%d", tg.ID), map[string]any{"enabled": false}, 403, beseda.EFORBIDDEN)
	anon.WantError("POST", "/webhooks/telegram/"+tg.Key, map[string]any{"update_id": 1}, 401, beseda.EUNAUTHORIZED)
	anon.WantError("POST", "/webhooks/telegram/unknown", map[string]any{"update_id": 1}, 404, beseda.ENOTFOUND)
	anon.WantError("GET", "/webhooks/messenger/unknown?hub.mode=subscribe", nil, 404, beseda.ENOTFOUND)
	anon.WantError("POST", "/webhooks/messenger/unknown", map[string]any{"object": "page"}, 404, beseda.ENOTFOUND)

	// The web chat.
	anon.MustDo("GET", "/widget/"+w.WebKey, nil, 200, nil)
	anon.MustDo("GET", "/widget-static/widget.js", nil, 200, nil)
	v := w.NewVisitor("Walker Client")
	v.Say("Hello, I need help")
	v.MustDo("GET", "/widget/"+w.WebKey+"/messages", nil, 200, nil)
	anon.WantError("GET", "/widget/"+w.WebKey+"/messages", nil, 401, beseda.EUNAUTHORIZED)

	sub := testkit.Path("/api/v1/subscribers/%d", v.SubscriberID)
	owner.MustDo("GET", "/api/v1/subscribers?q=Walker&limit=5", nil, 200, nil)
	owner.MustDo("GET", sub, nil, 200, nil)
	owner.MustDo("GET", sub+"/messages?limit=10", nil, 200, nil)
	owner.MustDo("POST", sub+"/messages", map[string]string{"text": "Hi! How can we help?"}, 201, nil)
	owner.WantError("POST", sub+"/messages", `{"text":`, 400, beseda.EINVALID)

	// Settings lists, one of each change.
	ids := map[string]int64{}
	for _, path := range []string{"dialog-types", "dialog-reasons", "dialog-components"} {
		base := "/api/v1/settings/" + path
		owner.MustDo("GET", base, nil, 200, nil)
		var it beseda.CatalogItem
		owner.MustDo("POST", base, map[string]string{"name": "Walk " + path}, 201, &it)
		owner.MustDo("PATCH", testkit.Path("%s/%d", base, it.ID), map[string]string{"name": "Walked " + path}, 200, nil)
		var extra beseda.CatalogItem
		owner.MustDo("POST", base, map[string]string{"name": "Spare " + path}, 201, &extra)
		owner.MustDo("DELETE", testkit.Path("%s/%d", base, extra.ID), nil, 204, nil)
		ids[path] = it.ID
	}
	owner.WantError("POST", "/api/v1/settings/dialog-types", map[string]string{"name": "Walked dialog-types"}, 409, beseda.ENAMETAKEN)

	// A dialog, its life and its messages.
	var d beseda.Dialog
	owner.MustDo("POST", "/api/v1/dialogs", map[string]any{"subscriber_id": v.SubscriberID, "title": "Walk", "type_id": ids["dialog-types"],
		"reason_ids": []int64{ids["dialog-reasons"]}, "component_ids": []int64{ids["dialog-components"]}, "participant_ids": []int64{w.ManagerID}}, 201, &d)
	owner.WantError("POST", "/api/v1/dialogs", map[string]any{"subscriber_id": v.SubscriberID, "title": "Again", "type_id": ids["dialog-types"]}, 409, beseda.EACTIVEDIALOG)
	dp := testkit.Path("/api/v1/dialogs/%d", d.ID)
	owner.MustDo("GET", "/api/v1/dialogs?status=active&mine=true", nil, 200, nil)
	owner.MustDo("GET", dp, nil, 200, nil)
	owner.MustDo("PATCH", dp, map[string]any{"title": "Walk, renamed"}, 200, nil)
	owner.MustDo("POST", dp+"/messages", map[string]string{"text": "Let us sort it out."}, 201, nil)
	v.MustDo("POST", "/widget/"+w.WebKey+"/messages", map[string]string{"text": "Thanks"}, 201, nil)
	// Files both ways, and an internal note.
	var up struct{ ID int64 }
	if res := owner.Upload("/api/v1/uploads", "screen.png", "image/png", walkPNG); res.Status != 201 {
		t.Fatalf("upload: %d %s", res.Status, res.Body)
	} else {
		res.Decode(t, &up)
	}
	var withFile beseda.Message
	owner.MustDo("POST", dp+"/messages", map[string]any{"text": "See the screenshot", "attachment_ids": []int64{up.ID}}, 201, &withFile)
	owner.MustDo("POST", dp+"/messages", map[string]any{"text": "Checked with billing", "internal": true}, 201, nil)
	owner.MustDo("GET", withFile.Attachments[0].URL, nil, 200, nil)
	v.MustDo("GET", withFile.Attachments[0].URL, nil, 200, nil)
	anon.WantError("GET", withFile.Attachments[0].URL, nil, 404, beseda.ENOTFOUND)
	var vup struct{ ID int64 }
	if res := v.Upload("/widget/"+w.WebKey+"/uploads", "receipt.pdf", "", []byte("%PDF-1.4\n")); res.Status != 201 {
		t.Fatalf("widget upload: %d %s", res.Status, res.Body)
	} else {
		res.Decode(t, &vup)
	}
	v.MustDo("POST", "/widget/"+w.WebKey+"/messages", map[string]any{"attachment_ids": []int64{vup.ID}}, 201, nil)
	owner.WantError("POST", "/api/v1/uploads", map[string]string{"file": "x"}, 400, beseda.EINVALID)
	owner.MustDo("GET", dp+"/messages", nil, 200, nil)
	owner.MustDo("PATCH", dp, map[string]any{"status": "completed", "account_rating": 3, "send_rating_form": true}, 200, nil)
	owner.WantError("PATCH", dp, map[string]any{"status": "active"}, 409, beseda.EDIALOGCOMPLETED)
	owner.MustDo("GET", dp+"/events", nil, 200, nil)
	var payload string
	testkit.Eventually(t, 10*time.Second, "the rating form", func() bool {
		for _, m := range v.Messages() {
			if len(m.Buttons) == 3 {
				payload = m.Buttons[2].Payload
			}
		}
		return payload != ""
	})
	v.MustDo("POST", "/widget/"+w.WebKey+"/postback", map[string]string{"payload": payload}, 200, nil)
	owner.MustDo("GET", dp, nil, 200, nil)

	// Saved replies and standard messages.
	var sr beseda.SavedReply
	owner.MustDo("POST", "/api/v1/saved-replies", map[string]string{"name": "hello", "text": "Hello!"}, 201, &sr)
	owner.MustDo("GET", "/api/v1/saved-replies", nil, 200, nil)
	owner.MustDo("PATCH", testkit.Path("/api/v1/saved-replies/%d", sr.ID), map[string]string{"text": "Hello there!"}, 200, nil)
	owner.MustDo("DELETE", testkit.Path("/api/v1/saved-replies/%d", sr.ID), nil, 204, nil)
	owner.MustDo("GET", "/api/v1/settings/standard-messages", nil, 200, nil)
	owner.MustDo("PUT", "/api/v1/settings/standard-messages", map[string]string{"thank_you": "Thank you!"}, 200, nil)

	// The report, as JSON and CSV.
	owner.MustDo("GET", "/api/v1/reports/dialogs?status=completed&tz=Europe/Moscow", nil, 200, nil)
	owner.MustDo("GET", "/api/v1/reports/dialogs?format=csv", nil, 200, nil)
	manager.WantError("GET", "/api/v1/reports/dialogs", nil, 403, beseda.EFORBIDDEN)
	for _, kind := range []string{"message", "subscriber", "dialog"} {
		manager.MustDo("GET", "/api/v1/search?q=a*&kind="+kind, nil, 200, nil)
	}
	manager.WantError("GET", "/api/v1/search?q=", nil, 400, beseda.EINVALID)

	// The manager's tasks and notifications.
	manager.MustDo("GET", "/api/v1/tasks", nil, 200, nil)
	var notes []beseda.Notification
	manager.MustDo("GET", "/api/v1/notifications?unread=true", nil, 200, &notes)
	if len(notes) > 0 {
		manager.MustDo("POST", testkit.Path("/api/v1/notifications/%d/read", notes[0].ID), nil, 204, nil)
	} else {
		t.Errorf("the manager added to the dialog has no notification")
	}
	manager.MustDo("POST", "/api/v1/notifications/read", nil, 204, nil)

	// Automation.
	out := map[string]any{"subscriber_id": v.SubscriberID, "source": "broadcast", "text": "Sale", "idempotency_key": "walk-1"}
	owner.MustDo("POST", "/api/v1/outbound", out, 201, nil)
	owner.MustDo("POST", "/api/v1/outbound", out, 200, nil)
	var b beseda.Broadcast
	owner.MustDo("POST", "/api/v1/broadcasts", map[string]any{"text": "News", "subscriber_ids": []int64{v.SubscriberID}}, 201, &b)
	owner.MustDo("GET", testkit.Path("/api/v1/broadcasts/%d", b.ID), nil, 200, nil)
	var f beseda.Funnel
	owner.MustDo("POST", "/api/v1/funnels", map[string]any{"name": "Welcome", "steps": []map[string]any{{"delay_seconds": 60, "text": "Welcome!"}}}, 201, &f)
	owner.MustDo("GET", "/api/v1/funnels", nil, 200, nil)
	owner.MustDo("POST", testkit.Path("/api/v1/funnels/%d/subscribers", f.ID), map[string]any{"subscriber_id": v.SubscriberID}, 201, nil)
	owner.MustDo("POST", testkit.Path("/api/v1/funnels/%d/subscribers", f.ID), map[string]any{"subscriber_id": v.SubscriberID}, 200, nil)
	var sa beseda.SmartAnswer
	owner.MustDo("POST", "/api/v1/smart-answers", map[string]any{"keywords": []string{"price"}, "answer": "See our prices."}, 201, &sa)
	owner.MustDo("GET", "/api/v1/smart-answers", nil, 200, nil)
	owner.MustDo("DELETE", testkit.Path("/api/v1/smart-answers/%d", sa.ID), nil, 204, nil)

	// Webhooks.
	rc := testkit.NewReceiver(t)
	var hook beseda.Webhook
	owner.MustDo("POST", "/api/v1/webhooks", map[string]any{"url": rc.URL, "events": []string{"dialog.created"}, "secret": "s"}, 201, &hook)
	hp := testkit.Path("/api/v1/webhooks/%d", hook.ID)
	owner.MustDo("GET", "/api/v1/webhooks", nil, 200, nil)
	owner.MustDo("GET", hp, nil, 200, nil)
	owner.MustDo("POST", hp+"/test", nil, 202, nil)
	rc.WaitFor(1)
	testkit.Eventually(t, 10*time.Second, "the attempt to be recorded", func() bool {
		var list []beseda.WebhookDelivery
		owner.MustDo("GET", hp+"/deliveries", nil, 200, &list)
		return len(list) == 1 && len(list[0].AttemptLog) == 1
	})
	owner.MustDo("DELETE", hp, nil, 204, nil)
	manager.WantError("GET", "/api/v1/webhooks", nil, 403, beseda.EFORBIDDEN)
	owner.MustDo("GET", "/api/v1/me", nil, 200, nil)
	walkSLA(t, w)
	walkDataRights(t, w)
	walkSignIn(t, w)
	walkRouting(t, w)
}
