package httpapi_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/server"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// webhookWorld is a world whose server may post webhooks to 127.0.0.1.
func webhookWorld(t *testing.T, dbURL string, opts testkit.Options) *testkit.World {
	t.Helper()
	configure := opts.Configure
	opts.Configure = func(c *server.Config) {
		c.AllowPrivateWebhooks = true
		if configure != nil {
			configure(c)
		}
	}
	return testkit.NewWorld(t, testkit.StartServer(t, dbURL, opts), beseda.LocaleEN)
}

type webhookInfo struct {
	ID     int64    `json:"id"`
	URL    string   `json:"url"`
	Events []string `json:"events"`
}

func subscribe(t *testing.T, c *testkit.Client, url, secret string, events ...beseda.WebhookEventType) webhookInfo {
	t.Helper()
	if len(events) == 0 {
		events = beseda.WebhookEventTypes
	}
	var hook webhookInfo
	c.MustDo("POST", "/api/v1/webhooks", map[string]any{"url": url, "events": events, "secret": secret}, http.StatusCreated, &hook)
	return hook
}

type eventBody struct {
	ID          string          `json:"id"`
	Type        string          `json:"type"`
	CreatedAt   time.Time       `json:"created_at"`
	WorkspaceID int64           `json:"workspace_id"`
	Data        json.RawMessage `json:"data"`
}

// checkDelivery checks a request's headers and signature against the body
// and returns the body.
func checkDelivery(t *testing.T, r testkit.Received, secret string) eventBody {
	t.Helper()
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(r.Body)
	if want := "sha256=" + hex.EncodeToString(mac.Sum(nil)); r.Header.Get("X-Beseda-Signature") != want {
		t.Errorf("X-Beseda-Signature %q, want %q", r.Header.Get("X-Beseda-Signature"), want)
	}
	var ev eventBody
	if err := json.Unmarshal(r.Body, &ev); err != nil {
		t.Fatalf("body %s: %v", r.Body, err)
	}
	if ev.ID == "" || ev.CreatedAt.IsZero() || len(ev.Data) == 0 {
		t.Errorf("body lacks id, created_at or data: %s", r.Body)
	}
	if r.Header.Get("X-Beseda-Event") != ev.Type {
		t.Errorf("X-Beseda-Event %q for a %q event", r.Header.Get("X-Beseda-Event"), ev.Type)
	}
	if r.Header.Get("X-Beseda-Delivery") == "" {
		t.Errorf("no X-Beseda-Delivery")
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	return ev
}

// sameJSON fails unless a and b hold the same JSON value.
func sameJSON(t *testing.T, what string, a, b []byte) {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("%s: %v: %s", what, err, a)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("%s: %v: %s", what, err, b)
	}
	if !reflect.DeepEqual(va, vb) {
		t.Errorf("%s differs from the API's answer:\nwebhook %s\napi     %s", what, a, b)
	}
}

func TestWebhooks_EveryEventTypeSignedWithItsHeaders(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := webhookWorld(t, dbURL, testkit.Options{})
		rc := testkit.NewReceiver(t)
		const secret = "whsec_an example secret"
		subscribe(t, w.Owner, rc.URL+"/hooks/beseda?source=test", secret)
		byType := func(got []testkit.Received, typ string) (testkit.Received, eventBody) {
			t.Helper()
			for _, r := range got {
				if ev := checkDelivery(t, r, secret); ev.Type == typ {
					return r, ev
				}
			}
			t.Fatalf("no %s event among %d requests", typ, len(got))
			return testkit.Received{}, eventBody{}
		}

		// message.received: a client writes in the web chat.
		v := w.NewVisitor("Anna")
		v.Say("Hello, I need help")
		r, ev := byType(rc.WaitFor(1), "message.received")
		if ev.WorkspaceID != w.WorkspaceID {
			t.Errorf("workspace_id %d, want %d", ev.WorkspaceID, w.WorkspaceID)
		}
		var chat []json.RawMessage
		res := w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d/messages", v.SubscriberID), nil, 200, &chat)
		_ = res
		sameJSON(t, "message.received data", ev.Data, chat[len(chat)-1])
		if !strings.Contains(string(r.Body), "Hello, I need help") {
			t.Errorf("the message's text is not in the event: %s", r.Body)
		}

		// dialog.created: data is the dialog as POST /api/v1/dialogs answers.
		created := w.Owner.MustDo("POST", "/api/v1/dialogs", map[string]any{"subscriber_id": v.SubscriberID,
			"title": "Login <fails> & more", "type_id": w.Types[0].ID, "participant_ids": []int64{w.ManagerID}}, 201, nil)
		var d beseda.Dialog
		created.Decode(t, &d)
		_, ev = byType(rc.WaitFor(2), "dialog.created")
		sameJSON(t, "dialog.created data", ev.Data, created.Body)
		if !bytes.Contains(ev.Data, []byte("Login <fails> & more")) {
			t.Errorf("data is not escaped as the API does: %s", ev.Data)
		}

		// dialog.status_changed: data is the dialog as PATCH answers.
		changed := w.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d.ID),
			map[string]any{"status": "completed", "account_rating": 2, "send_rating_form": true}, 200, nil)
		_, ev = byType(rc.WaitFor(3), "dialog.status_changed")
		sameJSON(t, "dialog.status_changed data", ev.Data, changed.Body)

		// dialog.client_rated: data is the dialog as GET answers after it.
		form := ratingForm(t, v)
		v.MustDo("POST", "/widget/"+v.Key+"/postback", map[string]string{"payload": form.Buttons[2].Payload}, 200, nil)
		_, ev = byType(rc.WaitFor(4), "dialog.client_rated")
		rated := w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs/%d", d.ID), nil, 200, nil)
		sameJSON(t, "dialog.client_rated data", ev.Data, rated.Body)

		// Every event once, each with a delivery of its own.
		got := rc.Requests()
		ids := map[string]bool{}
		for _, r := range got {
			ids[r.Header.Get("X-Beseda-Delivery")] = true
		}
		if len(got) != 4 || len(ids) != 4 {
			t.Errorf("%d requests with %d delivery ids, want 4 and 4", len(got), len(ids))
		}
	})
}

func TestWebhooks_OnlySubscribedTypesAndWorkspace(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := webhookWorld(t, dbURL, testkit.Options{})
		other := testkit.NewWorld(t, w.Srv, beseda.LocaleEN)
		rc := testkit.NewReceiver(t)
		subscribe(t, w.Owner, rc.URL, "s3cret", beseda.WebhookDialogCreated)
		// Not subscribed: a client message here; anything in another workspace.
		v := w.NewVisitor("Anna")
		v.Say("hi")
		ov := other.NewVisitor("Olaf")
		ov.Say("hi")
		other.CreateDialog(ov.SubscriberID, "Elsewhere")
		d := w.CreateDialog(v.SubscriberID, "Here")
		got := rc.WaitFor(1)
		ev := checkDelivery(t, got[0], "s3cret")
		if ev.Type != "dialog.created" || !bytes.Contains(ev.Data, []byte(`"title":"Here"`)) {
			t.Fatalf("got %s %s", ev.Type, ev.Data)
		}
		// Nor is a status change.
		w.SetStatus(d.ID, beseda.DialogPaused)
		time.Sleep(300 * time.Millisecond) // room for a wrong delivery to show up
		if n := len(rc.Requests()); n != 1 {
			t.Errorf("%d requests, want only the dialog.created one", n)
		}
	})
}

type deliveryInfo struct {
	ID            int64      `json:"id"`
	EventID       string     `json:"event_id"`
	Type          string     `json:"type"`
	Status        string     `json:"status"`
	Attempts      int        `json:"attempts"`
	NextAttemptAt *time.Time `json:"next_attempt_at"`
	CreatedAt     time.Time  `json:"created_at"`
	AttemptLog    []struct {
		At         time.Time `json:"at"`
		StatusCode *int      `json:"status_code"`
		Error      string    `json:"error"`
		Response   string    `json:"response"`
	} `json:"attempt_log"`
}

func deliveries(t *testing.T, c *testkit.Client, hookID int64) []deliveryInfo {
	t.Helper()
	var list []deliveryInfo
	c.MustDo("GET", testkit.Path("/api/v1/webhooks/%d/deliveries", hookID), nil, 200, &list)
	return list
}

// waitAttempts waits until the subscription's latest delivery has n attempts.
func waitAttempts(t *testing.T, c *testkit.Client, hookID int64, n int) deliveryInfo {
	t.Helper()
	var d deliveryInfo
	testkit.Eventually(t, 20*time.Second, "recorded attempts", func() bool {
		list := deliveries(t, c, hookID)
		if len(list) == 0 {
			return false
		}
		d = list[0]
		return d.Attempts >= n
	})
	return d
}

func TestWebhooks_RetriedWithBackoffUntilDelivered(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := webhookWorld(t, dbURL, testkit.Options{})
		clock := w.Srv.Clock
		rc := testkit.NewReceiver(t, 500, 503) // then 200
		hook := subscribe(t, w.Owner, rc.URL, "retry-secret")
		v := w.NewVisitor("Anna")
		v.Say("hello")

		d := waitAttempts(t, w.Owner, hook.ID, 1)
		if d.Status != "pending" || d.NextAttemptAt == nil {
			t.Fatalf("after a 500: %+v", d)
		}
		if wait := d.NextAttemptAt.Sub(d.AttemptLog[0].At); wait <= 0 || wait > 10*time.Second {
			t.Errorf("first retry after %v, want within 10 s", wait)
		}
		// Not due yet: nothing more happens until the clock moves.
		time.Sleep(300 * time.Millisecond)
		if n := len(rc.Requests()); n != 1 {
			t.Fatalf("%d requests before the retry was due", n)
		}
		clock.Advance(d.NextAttemptAt.Sub(clock.Now()))
		d = waitAttempts(t, w.Owner, hook.ID, 2)
		if d.Status != "pending" || d.NextAttemptAt == nil {
			t.Fatalf("after a 503: %+v", d)
		}
		second := d.NextAttemptAt.Sub(d.AttemptLog[0].At)
		if second <= 5*time.Second {
			t.Errorf("the second wait (%v) does not grow", second)
		}
		clock.Advance(second)
		d = waitAttempts(t, w.Owner, hook.ID, 3)

		got := rc.WaitFor(3)
		if d.Status != "delivered" || d.Attempts != 3 || len(d.AttemptLog) != 3 || d.NextAttemptAt != nil {
			t.Errorf("delivery %+v", d)
		}
		var codes []int
		for _, a := range d.AttemptLog { // newest first
			if a.StatusCode != nil {
				codes = append(codes, *a.StatusCode)
			}
		}
		if !reflect.DeepEqual(codes, []int{200, 503, 500}) {
			t.Errorf("attempts answered %v, want 200, 503, 500 (newest first)", codes)
		}
		if d.AttemptLog[1].Response == "" {
			t.Errorf("no excerpt of the 503 answer")
		}
		ok := 0
		for i, r := range got {
			checkDelivery(t, r, "retry-secret")
			if r.Header.Get("X-Beseda-Delivery") != got[0].Header.Get("X-Beseda-Delivery") || !bytes.Equal(r.Body, got[0].Body) {
				t.Errorf("attempt %d is not the same delivery: %s %s", i+1, r.Header.Get("X-Beseda-Delivery"), r.Body)
			}
			if r.Status == 200 {
				ok++
			}
		}
		// Nothing is sent again once delivered.
		clock.Advance(48 * time.Hour)
		time.Sleep(2500 * time.Millisecond) // longer than the periodic job's interval
		if n := len(rc.Requests()); n != 3 || ok != 1 {
			t.Errorf("%d requests, %d answered 200; want 3 and exactly 1", n, ok)
		}
	})
}

func TestWebhooks_GivenUpAfterADay(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := webhookWorld(t, dbURL, testkit.Options{})
		clock := w.Srv.Clock
		rc := testkit.NewReceiver(t, 500, 500, 500, 500)
		hook := subscribe(t, w.Owner, rc.URL, "s")
		var res struct{ ID int64 }
		w.Owner.MustDo("POST", testkit.Path("/api/v1/webhooks/%d/test", hook.ID), nil, http.StatusAccepted, &res)
		d := waitAttempts(t, w.Owner, hook.ID, 1)
		if d.Type != "test" || d.ID != res.ID {
			t.Errorf("test delivery %+v, answered id %d", d, res.ID)
		}
		// Still retried a little before a day has passed, the next time at
		// the day's end at the latest…
		clock.Advance(beseda.WebhookRetryWindow - 10*time.Second)
		d = waitAttempts(t, w.Owner, hook.ID, 2)
		if d.Status != "pending" || d.NextAttemptAt == nil || d.NextAttemptAt.Sub(d.CreatedAt) != beseda.WebhookRetryWindow {
			t.Fatalf("before a day: %+v", d)
		}
		// …and a last time then, after which it is given up.
		clock.Advance(10 * time.Second)
		d = waitAttempts(t, w.Owner, hook.ID, 3)
		if d.Status != "failed" || d.NextAttemptAt != nil {
			t.Fatalf("after a day: %+v", d)
		}
		if last := d.AttemptLog[0].At.Sub(d.CreatedAt); last < 24*time.Hour {
			t.Errorf("given up %v after the event, want at least 24 h", last)
		}
		clock.Advance(time.Hour)
		time.Sleep(2500 * time.Millisecond)
		if n := len(rc.Requests()); n != 3 {
			t.Errorf("%d requests, want 3", n)
		}
	})
}

func TestWebhooks_PrivateAddressesRefused(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{Configure: func(c *server.Config) { c.AllowPrivateWebhooks = false }})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN) // without BESEDA_ALLOW_PRIVATE_WEBHOOKS
		rc := testkit.NewReceiver(t)
		for _, url := range []string{
			rc.URL, "http://localhost:8080/hook", "http://api.localhost/hook", "http://127.0.0.2/",
			"http://10.1.2.3/", "http://172.16.0.1/", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data",
			"http://0.0.0.0/", "http://[::1]/", "http://[::]/", "http://[fe80::1]/", "http://[fd00::1]/",
			"http://[::ffff:127.0.0.1]/", "http://[::ffff:10.0.0.1]/", "http://100.64.0.1/",
			"http://2130706433/", "http://0177.0.0.1/", "http://0x7f.1/", "http://2852039166/latest/meta-data",
		} {
			res := w.Owner.WantError("POST", "/api/v1/webhooks",
				map[string]any{"url": url, "events": []string{"dialog.created"}, "secret": "s"}, 400, beseda.EINVALID)
			if !strings.Contains(res.ErrorMessage(), "public address") {
				t.Errorf("%s: %s", url, res.Body)
			}
		}
		var list []webhookInfo
		w.Owner.MustDo("GET", "/api/v1/webhooks", nil, 200, &list)
		if len(list) != 0 {
			t.Errorf("refused webhooks were stored: %+v", list)
		}
		// A public address is taken (nothing is sent to it here).
		subscribe(t, w.Owner, "https://93.184.215.14/hooks", "s", beseda.WebhookDialogCreated)
	})
}

func TestWebhooks_Permissions(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := webhookWorld(t, dbURL, testkit.Options{})
		rc := testkit.NewReceiver(t)
		hook := subscribe(t, w.Owner, rc.URL, "s")
		one := testkit.Path("/api/v1/webhooks/%d", hook.ID)
		body := map[string]any{"url": rc.URL, "events": []string{"dialog.created"}, "secret": "s"}
		// A manager without integrations.manage (P2).
		w.Manager.WantError("GET", "/api/v1/webhooks", nil, 403, beseda.EFORBIDDEN)
		w.Manager.WantError("POST", "/api/v1/webhooks", body, 403, beseda.EFORBIDDEN)
		w.Manager.WantError("GET", one, nil, 403, beseda.EFORBIDDEN)
		w.Manager.WantError("GET", one+"/deliveries", nil, 403, beseda.EFORBIDDEN)
		w.Manager.WantError("POST", one+"/test", nil, 403, beseda.EFORBIDDEN)
		w.Manager.WantError("DELETE", one, nil, 403, beseda.EFORBIDDEN)
		// Granted, the manager manages them.
		w.Owner.MustDo("PATCH", testkit.Path("/api/v1/users/%d", w.ManagerID),
			map[string]any{"permissions": []string{"integrations.manage"}}, 200, nil)
		var list []webhookInfo
		w.Manager.MustDo("GET", "/api/v1/webhooks", nil, 200, &list)
		if len(list) != 1 || list[0].ID != hook.ID {
			t.Errorf("list %+v", list)
		}
		mine := subscribe(t, w.Manager, rc.URL+"/2", "s2", beseda.WebhookMessageReceived)
		// Another workspace sees none of them (P3).
		other := testkit.NewWorld(t, w.Srv, beseda.LocaleEN)
		other.Owner.MustDo("GET", "/api/v1/webhooks", nil, 200, &list)
		if len(list) != 0 {
			t.Errorf("another workspace lists %+v", list)
		}
		for _, method := range []string{"GET", "DELETE"} {
			other.Owner.WantError(method, one, nil, 404, beseda.ENOTFOUND)
		}
		other.Owner.WantError("GET", one+"/deliveries", nil, 404, beseda.ENOTFOUND)
		other.Owner.WantError("POST", one+"/test", nil, 404, beseda.ENOTFOUND)
		w.Owner.WantError("GET", "/api/v1/webhooks/abc", nil, 404, beseda.ENOTFOUND)
		// Removing takes it away with its deliveries.
		w.Manager.MustDo("DELETE", testkit.Path("/api/v1/webhooks/%d", mine.ID), nil, 204, nil)
		w.Manager.WantError("DELETE", testkit.Path("/api/v1/webhooks/%d", mine.ID), nil, 404, beseda.ENOTFOUND)
		w.Owner.MustDo("GET", "/api/v1/webhooks", nil, 200, &list)
		if len(list) != 1 {
			t.Errorf("after removal: %+v", list)
		}
	})
}

// syncBuffer is a log sink that tests read while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestWebhooks_SecretIsWriteOnlyAndSealed(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		var logs syncBuffer
		w := webhookWorld(t, dbURL, testkit.Options{
			Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
		rc := testkit.NewReceiver(t, 500)
		const secret = "never-shown-3f9a1c"
		var answers [][]byte
		res := w.Owner.MustDo("POST", "/api/v1/webhooks",
			map[string]any{"url": rc.URL, "events": beseda.WebhookEventTypes, "secret": secret}, 201, nil)
		answers = append(answers, res.Body)
		var hook webhookInfo
		res.Decode(t, &hook)
		one := testkit.Path("/api/v1/webhooks/%d", hook.ID)
		answers = append(answers,
			w.Owner.MustDo("GET", "/api/v1/webhooks", nil, 200, nil).Body,
			w.Owner.MustDo("GET", one, nil, 200, nil).Body,
			w.Owner.MustDo("POST", one+"/test", nil, 202, nil).Body)
		waitAttempts(t, w.Owner, hook.ID, 1)
		answers = append(answers, w.Owner.MustDo("GET", one+"/deliveries", nil, 200, nil).Body)
		for _, a := range answers {
			if bytes.Contains(a, []byte(secret)) || bytes.Contains(a, []byte(`"secret"`)) {
				t.Errorf("an answer carries the secret: %s", a)
			}
		}
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the secret was logged")
		}
		// At rest it is sealed with the server's key.
		var stored string
		if err := w.Srv.DB.WriteDB().QueryRowContext(context.Background(), `SELECT secret FROM webhooks WHERE id = $1`, hook.ID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(stored, "sealed:v1:") || strings.Contains(stored, secret) {
			t.Errorf("stored secret %q is not sealed", stored)
		}
	})
}

func TestWebhooks_BadInputIsRefused(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := webhookWorld(t, dbURL, testkit.Options{})
		rc := testkit.NewReceiver(t)
		ok := map[string]any{"url": rc.URL, "events": []string{"dialog.created"}, "secret": "s"}
		with := func(k string, v any) map[string]any {
			m := map[string]any{}
			for kk, vv := range ok {
				m[kk] = vv
			}
			if v == nil {
				delete(m, k)
			} else {
				m[k] = v
			}
			return m
		}
		for name, body := range map[string]any{
			"no url":           with("url", nil),
			"ftp url":          with("url", "ftp://example.com/x"),
			"relative url":     with("url", "/hooks"),
			"credentials":      with("url", "https://user:pass@example.com/x"),
			"no events":        with("events", []string{}),
			"unknown event":    with("events", []string{"dialog.deleted"}),
			"test event":       with("events", []string{"test"}),
			"no secret":        with("secret", nil),
			"long secret":      with("secret", strings.Repeat("s", beseda.WebhookSecretMax+1)),
			"NUL in secret":    with("secret", "a\x00b"),
			"unknown field":    with("active", true),
			"events as string": with("events", "dialog.created"),
			"not an object":    "[]",
		} {
			res := w.Owner.Do("POST", "/api/v1/webhooks", body)
			if res.Status != 400 || res.ErrorCode() != beseda.EINVALID || res.ErrorMessage() == "" {
				t.Errorf("%s: %d %s", name, res.Status, res.Body)
			}
		}
		var list []webhookInfo
		w.Owner.MustDo("GET", "/api/v1/webhooks", nil, 200, &list)
		if len(list) != 0 {
			t.Errorf("stored: %+v", list)
		}
		hook := subscribe(t, w.Owner, rc.URL+"#frag", "s", beseda.WebhookDialogClientRated, beseda.WebhookDialogCreated, beseda.WebhookDialogCreated)
		if hook.URL != rc.URL || !reflect.DeepEqual(hook.Events, []string{"dialog.created", "dialog.client_rated"}) {
			t.Errorf("normalised to %+v", hook)
		}
		w.Owner.WantError("GET", testkit.Path("/api/v1/webhooks/%d/deliveries?limit=x", hook.ID), nil, 400, beseda.EINVALID)
	})
}

// TestWebhooks_EventsCostTheRequestNoStatement: producing events joins the
// request's own round trips. On PostgreSQL, creating and completing a
// dialog in a workspace with a subscription to every event runs as many
// statements as without one — and the events are delivered.
func TestWebhooks_EventsCostTheRequestNoStatement(t *testing.T) {
	t.Parallel()
	if testkit.PostgresURL() == "" {
		t.Skip("no PostgreSQL server")
	}
	var mu sync.Mutex
	counted := map[string]int{}
	w := webhookWorld(t, testkit.NewMigratedDatabase(t, store.Postgres), testkit.Options{
		Configure: func(c *server.Config) {
			c.DBOptions = append(c.DBOptions, store.WithConnector(testkit.CountingConnector))
		},
		WrapHandler: func(h http.Handler) http.Handler {
			return testkit.CountRequests(h, func(r *http.Request, s *testkit.Statements) {
				mu.Lock()
				path := r.URL.Path
				if strings.HasPrefix(path, "/api/v1/dialogs/") {
					path = "/api/v1/dialogs/{id}"
				}
				counted[r.Method+" "+path] = len(s.Snapshot().Queries)
				mu.Unlock()
			})
		},
	})
	cycle := func(name string) (create, complete int) {
		v := w.NewVisitor(name)
		d := w.CreateDialog(v.SubscriberID, "Budget")
		w.SetStatus(d.ID, beseda.DialogCompleted)
		mu.Lock()
		defer mu.Unlock()
		return counted["POST /api/v1/dialogs"], counted["PATCH /api/v1/dialogs/{id}"]
	}
	cycle("Warm")
	create, complete := cycle("Without")
	if create == 0 || complete == 0 {
		t.Fatalf("no statements counted (%d, %d): is the counting driver in place?", create, complete)
	}
	rc := testkit.NewReceiver(t)
	subscribe(t, w.Owner, rc.URL, "s")
	cycle("Warm again")
	createHooked, completeHooked := cycle("With")
	if createHooked != create || completeHooked != complete {
		t.Errorf("statements with a subscription: create %d (without: %d), complete %d (without: %d)",
			createHooked, create, completeHooked, complete)
	}
	rc.WaitFor(4) // created and completed, twice
}
