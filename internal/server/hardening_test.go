package server_test

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/server"
	"github.com/beseda/beseda/internal/testkit"
)

// route is one route of the server with its {placeholders}.
type route struct {
	method, path string
	console      bool // a console route (session cookie and form) rather than JSON
}

// allRoutes lists every route the server answers; the probe fills in the
// placeholders with ids of a real workspace.
var allRoutes = []route{
	{"GET", "/healthz", false},
	{"GET", "/metrics", false},
	{"POST", "/api/v1/auth/login", false},
	{"GET", "/api/v1/me", false},
	{"PATCH", "/api/v1/me", false},
	{"GET", "/api/v1/users", false},
	{"POST", "/api/v1/users", false},
	{"GET", "/api/v1/users/{user}", false},
	{"PATCH", "/api/v1/users/{user}", false},
	{"GET", "/api/v1/channels", false},
	{"POST", "/api/v1/channels", false},
	{"PATCH", "/api/v1/channels/{channel}", false},
	{"GET", "/api/v1/subscribers", false},
	{"GET", "/api/v1/subscribers/{sub}", false},
	{"GET", "/api/v1/subscribers/{sub}/messages", false},
	{"POST", "/api/v1/subscribers/{sub}/messages", false},
	{"POST", "/api/v1/dialogs", false},
	{"GET", "/api/v1/dialogs", false},
	{"GET", "/api/v1/dialogs/{dialog}", false},
	{"PATCH", "/api/v1/dialogs/{dialog}", false},
	{"GET", "/api/v1/dialogs/{dialog}/messages", false},
	{"POST", "/api/v1/dialogs/{dialog}/messages", false},
	{"GET", "/api/v1/dialogs/{dialog}/events", false},
	{"GET", "/api/v1/settings/standard-messages", false},
	{"PUT", "/api/v1/settings/standard-messages", false},
	{"GET", "/api/v1/reports/dialogs", false},
	{"GET", "/api/v1/tasks", false},
	{"GET", "/api/v1/notifications", false},
	{"POST", "/api/v1/notifications/read", false},
	{"POST", "/api/v1/notifications/{notification}/read", false},
	{"GET", "/api/v1/events", false},
	{"POST", "/api/v1/outbound", false},
	{"POST", "/api/v1/broadcasts", false},
	{"GET", "/api/v1/broadcasts/{broadcast}", false},
	{"GET", "/api/v1/funnels", false},
	{"POST", "/api/v1/funnels", false},
	{"POST", "/api/v1/funnels/{funnel}/subscribers", false},
	{"GET", "/api/v1/smart-answers", false},
	{"POST", "/api/v1/smart-answers", false},
	{"DELETE", "/api/v1/smart-answers/{smart}", false},
	{"GET", "/api/v1/settings/dialog-types", false},
	{"POST", "/api/v1/settings/dialog-types", false},
	{"PATCH", "/api/v1/settings/dialog-types/{type}", false},
	{"DELETE", "/api/v1/settings/dialog-types/{type}", false},
	{"GET", "/api/v1/settings/dialog-reasons", false},
	{"POST", "/api/v1/settings/dialog-reasons", false},
	{"PATCH", "/api/v1/settings/dialog-reasons/{reason}", false},
	{"GET", "/api/v1/nowhere", false},
	{"GET", "/widget/{key}", false},
	{"POST", "/widget/{key}/sessions", false},
	{"GET", "/widget/{key}/messages", false},
	{"POST", "/widget/{key}/messages", false},
	{"POST", "/widget/{key}/postback", false},
	{"GET", "/widget-static/static/widget.js", false},
	{"POST", "/webhooks/telegram/{key}", false},
	{"GET", "/webhooks/messenger/{key}", false},
	{"POST", "/webhooks/messenger/{key}", false},
	{"GET", "/webhooks/{kind}/{key}", false},
	{"POST", "/webhooks/{kind}/{key}", false},

	{"GET", "/", true},
	{"GET", "/login", true},
	{"POST", "/login", true},
	{"GET", "/static/app.js", true},
	{"GET", "/chats", true},
	{"GET", "/chats/{sub}", true},
	{"POST", "/chats/{sub}/messages", true},
	{"POST", "/chats/{sub}/dialogs", true},
	{"GET", "/dialogs", true},
	{"GET", "/dialogs/{dialog}", true},
	{"POST", "/dialogs/{dialog}", true},
	{"POST", "/dialogs/{dialog}/status", true},
	{"POST", "/dialogs/{dialog}/messages", true},
	{"GET", "/notifications", true},
	{"POST", "/notifications/{notification}/read", true},
	{"POST", "/notifications/read", true},
	{"GET", "/report", true},
	{"GET", "/settings/dialogs", true},
	{"POST", "/settings/dialogs/{catalog}", true},
	{"POST", "/settings/dialogs/{catalog}/{type}", true},
	{"GET", "/settings/standard-messages", true},
	{"POST", "/settings/standard-messages", true},
	{"GET", "/settings/users", true},
	{"POST", "/settings/users", true},
	{"POST", "/settings/users/{user}", true},
	{"GET", "/settings/channels", true},
	{"POST", "/settings/channels", true},
	{"POST", "/settings/channels/{channel}", true},
	{"GET", "/account", true},
	{"POST", "/account", true},
	{"GET", "/nowhere", true},
}

// oddQueries are appended to every route.
var oddQueries = []string{
	"", "?fragment=messages", "?fragment=settings-nav", "?fragment=bar-chart", "?fragment=layout",
	"?fragment=content", "?fragment=create-dialog", "?fragment=chat-messages", "?fragment=dialog-panel",
	"?fragment=chat-list&fragment=dialogs-list", "?fragment=nope",
	"?limit=99999999999999999999", "?limit=-1", "?limit=0", "?limit=1e3", "?offset=-1",
	"?offset=99999999999999999999", "?offset=9223372036854775807", "?before=-1", "?after=9223372036854775807",
	"?before=abc", "?after=%FF", "?status=bogus", "?status=active&status=paused", "?subscriber_id=+1",
	"?subscriber_id=01", "?subscriber_id=9223372036854775807", "?mine=maybe", "?mine=1", "?unread=perhaps",
	"?q=%FF", "?q=%00", "?q=" + strings.Repeat("%D0%B9", 3000), "?q=%25_%5C", "?tz=Mars/Base", "?tz=../../etc/passwd",
	"?tz=%00", "?from=9999-12-31", "?from=0001-01-01&to=9999-12-31", "?from=2026-13-45",
	"?to=1000-01-01T00:00:00Z", "?from=2030-01-01&to=2020-01-01", "?type_id=9223372036854775807",
	"?manager_id=-5", "?reason_id=0", "?format=xml", "?format=csv&tz=Asia/Tokyo", "?next=//evil.example",
	"?saved=1", "?last_event_id=-1", "?last_event_id=99999999999999999999", "?a=%ZZ&b", "?hub.mode=subscribe&hub.verify_token=x&hub.challenge=%FF",
}

// oddBodies are sent to every JSON route that takes a body.
var oddBodies = []string{
	``, `{}`, `[]`, `null`, `"text"`, `{"text":"\u0000"}`, `{"name":"a\u0000b"}`, `{"id":1e400}`,
	`{"subscriber_id":-1,"title":"x","type_id":99999999999999999999}`, `{"subscriber_id":9223372036854775807,"text":"hi"}`,
	`{"status":"completed","account_rating":99}`, `{"permissions":["x"],"role":"god"}`, `{"email":"\ud800@x.y","password":"\ud800"}`,
	`{"config":{"a":"\u0000"},"kind":"web","name":"n"}`, `{"text":"` + strings.Repeat("я", 5000) + `"}`,
	`{"payload":"rate:1:2:3"}`, `{"update_id":1,"message":{"text":"\u0000"}}`,
}

// oddForms are posted to every console route that takes a form.
var oddForms = func() []url.Values {
	fields := []string{"text", "title", "type_id", "participant_ids", "reason_ids", "component_ids", "status",
		"account_rating", "send_rating_form", "name", "action", "role", "permissions", "password", "email",
		"back", "locale", "time_zone", "rating_prompt", "caption_bad", "thank_you", "next", "current_password"}
	var out []url.Values
	for _, v := range []string{"", "\x00", "\xff\xfe", "99999999999999999999", "-1", "+1", "01", "completed", "owner",
		strings.Repeat("x", 70000), "//evil.example", "Mars/Base"} {
		f := url.Values{}
		for _, k := range fields {
			f[k] = []string{v, v}
		}
		out = append(out, f)
	}
	return out
}()

// TestH2_NoRequestAnswers5xx walks every route of the API, the widget, the
// webhooks and the console with odd ids, queries, headers, bodies and forms,
// signed in as an owner, and wants no 5xx.
func TestH2_NoRequestAnswers5xx(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		logs, logger := testkit.NewLogs()
		srv := testkit.StartServer(t, dbURL, testkit.Options{Logger: logger})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		v := w.NewVisitor("Anna")
		v.Say("hello")
		d := w.CreateDialog(v.SubscriberID, "Probe", w.ManagerID)
		var reason, smart, funnel, broadcast struct{ ID int64 }
		w.Owner.MustDo("POST", "/api/v1/settings/dialog-reasons", map[string]string{"name": "Bug"}, 201, &reason)
		w.Owner.MustDo("POST", "/api/v1/smart-answers", map[string]any{"keywords": []string{"price"}, "answer": "10"}, 201, &smart)
		w.Owner.MustDo("POST", "/api/v1/funnels", map[string]any{"name": "F", "steps": []map[string]any{{"delay_seconds": 60, "text": "x"}}}, 201, &funnel)
		w.Owner.MustDo("POST", "/api/v1/broadcasts", map[string]any{"text": "b"}, 201, &broadcast)
		var chans []struct{ ID int64 }
		w.Owner.MustDo("GET", "/api/v1/channels", nil, 200, &chans)
		chID := chans[0].ID
		var notes []struct{ ID int64 }
		w.Manager.MustDo("GET", "/api/v1/notifications", nil, 200, &notes)
		if len(notes) == 0 {
			t.Fatal("no notification to probe with")
		}
		var owner struct{ Email string }
		w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &owner)
		console := testkit.ConsoleLogin(t, srv.URL, owner.Email, testkit.TestPassword)

		ids := map[string][]string{
			"{user}":         {itoa(w.ManagerID), "+1", "01", "-1", "99999999999999999999", "1.0", "%20" + itoa(w.ManagerID), "%FF"},
			"{sub}":          {itoa(v.SubscriberID), "+1", "0", "9223372036854775807", "%00"},
			"{dialog}":       {itoa(d.ID), "+1", "01", "-0", "1e3"},
			"{notification}": {itoa(notes[0].ID), "+1"},
			"{broadcast}":    {itoa(broadcast.ID), "01"},
			"{funnel}":       {itoa(funnel.ID), "-1"},
			"{smart}":        {"01", itoa(smart.ID)},
			"{type}":         {"+1", "01", itoa(w.Types[1].ID)},
			"{reason}":       {itoa(reason.ID), "x"},
			"{key}":          {w.WebKey, "nokey", "%FF%FE", "%2e%2e"},
			"{catalog}":      {"types", "nope"},
			"{channel}":      {itoa(chID), "+1", "99999999999999999999"},
			"{kind}":         append(kinds(), "nope", "%FF"),
		}
		var paths []route
		for _, rt := range allRoutes {
			expanded := []string{rt.path}
			for ph, values := range ids {
				var next []string
				for _, p := range expanded {
					if !strings.Contains(p, ph) {
						next = append(next, p)
						continue
					}
					for _, v := range values {
						next = append(next, strings.ReplaceAll(p, ph, v))
					}
				}
				expanded = next
			}
			for _, p := range expanded {
				paths = append(paths, route{rt.method, p, rt.console})
			}
		}

		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		headerSets := []map[string]string{
			{},
			{"Accept-Language": "zz-ZZ;q=abc, *;q=-1", "Cookie": "tz=Mars%2FBase", "Last-Event-ID": "-5"},
			{"Cookie": "tz=%FF%FE; beseda_session=" + strings.Repeat("x", 4000), "X-Forwarded-For": "not an address",
				"Last-Event-ID": "99999999999999999999", "X-Visitor-Token": "\u00ff"},
		}
		probe := func(rt route, query string, body string, headers map[string]string) {
			req, err := http.NewRequest(rt.method, srv.URL+rt.path+query, strings.NewReader(body))
			if err != nil {
				return // not a request a client can send
			}
			for k, v := range headers {
				req.Header.Set(k, v)
			}
			if rt.console {
				for _, c := range console.HTTP.Jar.Cookies(req.URL) {
					if req.Header.Get("Cookie") == "" {
						req.AddCookie(c)
					}
				}
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("X-CSRF-Token", console.CSRF)
			} else {
				req.Header.Set("Authorization", "Bearer "+w.Owner.Token)
				req.Header.Set("X-Visitor-Token", v.Header.Get("X-Visitor-Token"))
				req.Header.Set("Content-Type", "application/json")
			}
			res, err := client.Do(req)
			if err != nil {
				t.Errorf("%s %s%s: %v", rt.method, rt.path, query, err)
				return
			}
			var data []byte
			if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") { // a stream never ends
				data, _ = io.ReadAll(io.LimitReader(res.Body, 2048))
			}
			res.Body.Close()
			if res.StatusCode >= 500 {
				t.Errorf("%s %s%s (body %.60q): %d %s", rt.method, rt.path, query, body, res.StatusCode, data)
			}
		}
		n := 0
		for _, rt := range paths {
			if strings.HasSuffix(rt.path, "/logout") {
				continue
			}
			queries := oddQueries
			if rt.method != "GET" {
				queries = oddQueries[:3]
			}
			for _, q := range queries {
				n++
				probe(rt, q, "", headerSets[n%len(headerSets)])
			}
			if rt.method == "GET" {
				continue
			}
			if rt.console {
				for _, f := range oddForms {
					n++
					probe(rt, "", f.Encode(), headerSets[n%len(headerSets)])
				}
			} else {
				for _, b := range oddBodies {
					n++
					probe(rt, "", b, headerSets[n%len(headerSets)])
				}
			}
		}
		t.Logf("%d requests", n)
		for _, r := range logs.Records(slog.LevelError) {
			t.Errorf("logged an error: %s", r)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestH1_WidgetTextIsCleaned: the web chat's session name with a NUL byte
// is stored cleaned, and a postback with one is refused as no button. A
// client's text from any channel, with NUL or invalid UTF-8, is the
// conformance suite's (TestConformance/H1_ClientTextIsCleaned).
func TestH1_WidgetTextIsCleaned(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		anon := testkit.NewClient(t, srv.URL)
		var s struct {
			VisitorToken string `json:"visitor_token"`
			SubscriberID int64  `json:"subscriber_id"`
		}
		anon.MustDo("POST", "/widget/"+w.WebKey+"/sessions", `{"name":"An\u0000na"}`, 201, &s)
		anon.Header.Set("X-Visitor-Token", s.VisitorToken)
		anon.WantError("POST", "/widget/"+w.WebKey+"/postback", `{"payload":"no\u0000such"}`, 400, beseda.EINVALID)
		var sub beseda.Subscriber
		w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d", s.SubscriberID), nil, 200, &sub)
		if sub.Name != "Anna" {
			t.Errorf("name stored as %q", sub.Name)
		}
	})
}

// TestH2_ServerErrorsAreLogged breaks the database under a running server:
// the API, the widget and the console answer 500 without details, and each
// failure is logged at ERROR with its route and cause.
func TestH2_ServerErrorsAreLogged(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		logs, logger := testkit.NewLogs()
		srv := testkit.StartServer(t, dbURL, testkit.Options{Logger: logger})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		var me beseda.User
		w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &me)
		console := testkit.ConsoleLogin(t, srv.URL, me.Email, testkit.TestPassword)
		if _, err := srv.DB.WriteDB().Exec(`ALTER TABLE subscribers RENAME TO subscribers_gone`); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			route string
			do    func() *testkit.Response
		}{
			{"GET /api/v1/subscribers", func() *testkit.Response { return w.Owner.Do("GET", "/api/v1/subscribers", nil) }},
			{"POST /widget/{key}/sessions", func() *testkit.Response {
				return testkit.NewClient(t, srv.URL).Do("POST", "/widget/"+w.WebKey+"/sessions", `{"name":"Anna"}`)
			}},
			{"GET /chats", func() *testkit.Response { return console.Get("/chats") }},
		} {
			res := tc.do()
			if res.Status != 500 || strings.Contains(string(res.Body), "subscribers") {
				t.Errorf("%s: %d %s", tc.route, res.Status, res.Body)
			}
			logged := false
			for _, r := range logs.Records(slog.LevelError) {
				if r.Attrs["route"] == tc.route && strings.Contains(r.Attrs["err"], "subscribers") {
					logged = true
				}
			}
			if !logged {
				t.Errorf("%s: the 500 is not logged at ERROR with its cause: %v", tc.route, logs.Records(slog.LevelInfo))
			}
		}
	})
}

// TestMetrics_PrivateByDefault: on the main address /metrics answers local
// clients only (a client forwarded by a trusted proxy is not local); with
// --metrics-addr it is served there, with the profiler if asked, and the main
// address has none.
func TestMetrics_PrivateByDefault(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, "sqlite"), testkit.Options{Configure: func(c *server.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	}})
	get := func(base, path, forwardedFor string) int {
		c := testkit.NewClient(t, base)
		if forwardedFor != "" {
			c.Header.Set("X-Forwarded-For", forwardedFor)
		}
		return c.Do("GET", path, nil).Status
	}
	if got := get(srv.URL, "/metrics", ""); got != 200 {
		t.Errorf("local client: %d", got)
	}
	if got := get(srv.URL, "/metrics", "203.0.113.7"); got != 403 {
		t.Errorf("a client through the proxy: %d", got)
	}
	if got := get(srv.URL, "/debug/pprof/", ""); got == 200 {
		t.Errorf("pprof on the main address")
	}

	for _, withPprof := range []bool{false, true} {
		ml, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, "sqlite"), testkit.Options{Configure: func(c *server.Config) {
			c.MetricsListener, c.Pprof = ml, withPprof
		}})
		private := "http://" + ml.Addr().String()
		if got := get(srv.URL, "/metrics", ""); got != 404 {
			t.Errorf("/metrics on the main address beside --metrics-addr: %d", got)
		}
		if got := get(private, "/metrics", ""); got != 200 {
			t.Errorf("/metrics on --metrics-addr: %d", got)
		}
		want := 404
		if withPprof {
			want = 200
		}
		if got := get(private, "/debug/pprof/", ""); got != want {
			t.Errorf("pprof=%v: /debug/pprof/ %d", withPprof, got)
		}
		if got := get(srv.URL, "/debug/pprof/", ""); got == 200 {
			t.Errorf("pprof on the main address")
		}
	}
}

// TestHSTS_BehindTLS: Strict-Transport-Security is sent over TLS and when the
// public URL is https, never on plain HTTP otherwise.
func TestHSTS_BehindTLS(t *testing.T) {
	t.Parallel()
	plain := testkit.StartServer(t, testkit.NewMigratedDatabase(t, "sqlite"), testkit.Options{})
	if h := testkit.NewClient(t, plain.URL).Do("GET", "/login", nil).Header.Get("Strict-Transport-Security"); h != "" {
		t.Errorf("HSTS over plain HTTP: %q", h)
	}
	public := testkit.StartServer(t, testkit.NewMigratedDatabase(t, "sqlite"), testkit.Options{Configure: func(c *server.Config) {
		c.PublicURL = "https://support.example.com"
	}})
	for _, path := range []string{"/login", "/api/v1/me", "/healthz"} {
		if h := testkit.NewClient(t, public.URL).Do("GET", path, nil).Header.Get("Strict-Transport-Security"); !strings.HasPrefix(h, "max-age=") {
			t.Errorf("%s behind an https public URL: %q", path, h)
		}
	}
	ts := httptest.NewUnstartedServer(plain.Handler)
	ts.StartTLS()
	defer ts.Close()
	res, err := ts.Client().Get(ts.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if h := res.Header.Get("Strict-Transport-Security"); !strings.HasPrefix(h, "max-age=") {
		t.Errorf("over TLS: %q", h)
	}
}

// kinds are the channel kinds the server speaks, for /webhooks/{kind}/….
func kinds() []string {
	var out []string
	for _, k := range server.Channels().Kinds() {
		out = append(out, string(k))
	}
	return out
}
