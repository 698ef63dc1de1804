package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/channel/telegram"
	"github.com/beseda/beseda/internal/server"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/internal/testkit/faketelegram"
	"github.com/beseda/beseda/store"
)

// uploaded is what an upload answers.
type uploaded struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
}

func pngFile(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	img.Pix[0] = 200
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func mustUpload(t *testing.T, c *testkit.Client, path, name, contentType string, data []byte) uploaded {
	t.Helper()
	res := c.Upload(path, name, contentType, data)
	if res.Status != http.StatusCreated {
		t.Fatalf("upload %s: %d %s", name, res.Status, res.Body)
	}
	var u uploaded
	res.Decode(t, &u)
	return u
}

// attachmentDir starts a server whose files live in a directory the test
// can look into.
func attachmentServer(t *testing.T, dbURL string, configure func(*server.Config)) (*testkit.World, string) {
	dir := t.TempDir()
	srv := testkit.StartServer(t, dbURL, testkit.Options{Configure: func(c *server.Config) {
		c.DataDir = dir
		if configure != nil {
			configure(c)
		}
	}})
	return testkit.NewWorld(t, srv, beseda.LocaleEN), filepath.Join(dir, "attachments")
}

// storedFiles lists the files kept under the attachments directory.
func storedFiles(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(root, path)
			out = append(out, rel)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestAttachments_UploadAttachDownload: a manager uploads a file, attaches
// it to a message, and the workspace's managers (bearer token or console
// session) and the chat's client (visitor token, or the signed address the
// web chat gives) fetch it; nobody else does — not another client, not
// another workspace, not an anonymous caller (404).
func TestAttachments_UploadAttachDownload(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w, _ := attachmentServer(t, dbURL, nil)
		v := w.NewVisitor("Anna")
		img := pngFile(t)

		// A PNG the client calls text and names .txt, with a path: the
		// bytes decide the type, the path goes.
		up := mustUpload(t, w.Manager, "/api/v1/uploads", `..\shots/screen.txt`, "text/plain", img)
		if up.Name != "screen.txt" || up.Size != int64(len(img)) || up.ContentType != "image/png" || up.ID == 0 {
			t.Errorf("upload %+v", up)
		}

		chat := testkit.Path("/api/v1/subscribers/%d/messages", v.SubscriberID)
		var m beseda.Message
		w.Manager.MustDo("POST", chat, map[string]any{"attachment_ids": []int64{up.ID}}, 201, &m)
		want := beseda.Attachment{ID: up.ID, Name: "screen.txt", Size: int64(len(img)), ContentType: "image/png",
			URL: testkit.Path("/api/v1/attachments/%d", up.ID)}
		if m.Text != "" || len(m.Attachments) != 1 || m.Attachments[0] != want || m.Internal {
			t.Fatalf("message %+v", m)
		}
		var msgs []beseda.Message
		w.Owner.MustDo("GET", chat, nil, 200, &msgs)
		if last := msgs[len(msgs)-1]; last.ID != m.ID || len(last.Attachments) != 1 || last.Attachments[0] != want {
			t.Errorf("listed %+v", last)
		}

		fetch := func(who string, c *testkit.Client, path string) {
			t.Helper()
			res := c.MustDo("GET", path, nil, 200, nil)
			if !bytes.Equal(res.Body, img) {
				t.Errorf("%s got %d bytes", who, len(res.Body))
			}
			h := res.Header
			if h.Get("Content-Type") != "image/png" || !strings.HasPrefix(h.Get("Content-Disposition"), "inline") ||
				!strings.Contains(h.Get("Content-Disposition"), `filename=screen.txt`) ||
				h.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") {
				t.Errorf("%s: headers %v", who, h)
			}
		}
		fetch("the uploader", w.Manager, want.URL)
		fetch("the owner", w.Owner, want.URL)
		var me beseda.User
		w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &me)
		console := testkit.ConsoleLogin(t, w.Srv.URL, me.Email, testkit.TestPassword)
		if res := console.Get(want.URL); res.Status != 200 || !bytes.Equal(res.Body, img) {
			t.Errorf("with the console's session: %d", res.Status)
		}

		// The client: their widget's message carries a signed address that
		// works without headers (an <img src>), and their token works too.
		var signed string
		for _, vm := range v.Messages() {
			if vm.ID == m.ID && len(vm.Attachments) == 1 {
				signed = vm.Attachments[0].URL
			}
		}
		if !strings.HasPrefix(signed, want.URL+"?exp=") || !strings.Contains(signed, "&sig=") {
			t.Fatalf("the widget's address %q", signed)
		}
		anon := testkit.NewClient(t, w.Srv.URL)
		fetch("the client by signed address", anon, signed)
		fetch("the client by token", v.Client, want.URL)

		// Nobody else.
		other := w.NewVisitor("Boris")
		elsewhere := testkit.NewWorld(t, w.Srv, beseda.LocaleEN)
		stranger := elsewhere.NewVisitor("Carl")
		badToken := testkit.NewClient(t, w.Srv.URL)
		badToken.Token = "not-a-token"
		for who, c := range map[string]*testkit.Client{"anonymous": anon, "another client": other.Client,
			"another workspace's owner": elsewhere.Owner, "another workspace's client": stranger.Client, "a bad token": badToken} {
			if res := c.Do("GET", want.URL, nil); res.Status != 404 || res.ErrorCode() != beseda.ENOTFOUND {
				t.Errorf("%s: %d %s", who, res.Status, res.Body)
			}
		}
		for _, path := range []string{
			strings.Replace(signed, "sig=", "sig=x", 1),
			strings.Replace(signed, "exp=", "exp=1", 1),
			testkit.Path("/api/v1/attachments/%d", up.ID+1000) + signed[len(want.URL):],
			want.URL + "?sig=abc",
		} {
			anon.WantError("GET", path, nil, 404, beseda.ENOTFOUND)
		}

		// A signed address ends; the token does not.
		w.Srv.Clock.Advance(beseda.SignedAttachmentTTL + 2*time.Hour)
		anon.WantError("GET", signed, nil, 404, beseda.ENOTFOUND)
		fetch("the client by token, later", v.Client, want.URL)
	})
}

// TestAttachments_AttachedOnceByTheirOwner: an upload is attached by who
// made it, once, to a message of their workspace; a refused message
// attaches nothing.
func TestAttachments_AttachedOnceByTheirOwner(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w, _ := attachmentServer(t, dbURL, nil)
		v := w.NewVisitor("Anna")
		chat := testkit.Path("/api/v1/subscribers/%d/messages", v.SubscriberID)
		widget := "/widget/" + w.WebKey
		up := mustUpload(t, w.Manager, "/api/v1/uploads", "a.png", "", pngFile(t))
		url := testkit.Path("/api/v1/attachments/%d", up.ID)

		// Before it is attached, only its uploader sees it.
		w.Manager.MustDo("GET", url, nil, 200, nil)
		w.Owner.WantError("GET", url, nil, 404, beseda.ENOTFOUND)
		v.WantError("GET", url, nil, 404, beseda.ENOTFOUND)
		// Nobody else attaches it.
		w.Owner.WantError("POST", chat, map[string]any{"text": "mine?", "attachment_ids": []int64{up.ID}}, 400, beseda.EINVALID)
		v.WantError("POST", widget+"/messages", map[string]any{"attachment_ids": []int64{up.ID}}, 400, beseda.EINVALID)
		elsewhere := testkit.NewWorld(t, w.Srv, beseda.LocaleEN)
		ev := elsewhere.NewVisitor("Carl")
		elsewhere.Owner.WantError("POST", testkit.Path("/api/v1/subscribers/%d/messages", ev.SubscriberID),
			map[string]any{"attachment_ids": []int64{up.ID}}, 400, beseda.EINVALID)

		// A refused message (the general chat is locked) attaches nothing:
		// the upload goes with the next message, once.
		d := w.CreateDialog(v.SubscriberID, "Case")
		w.Manager.WantError("POST", chat, map[string]any{"attachment_ids": []int64{up.ID}}, 409, beseda.EGENERALCHATLOCKED)
		dialog := testkit.Path("/api/v1/dialogs/%d/messages", d.ID)
		w.Manager.MustDo("POST", dialog, map[string]any{"text": "see the picture", "attachment_ids": []int64{up.ID}}, 201, nil)
		w.Manager.WantError("POST", dialog, map[string]any{"text": "again", "attachment_ids": []int64{up.ID}}, 400, beseda.EINVALID)
		w.Owner.MustDo("GET", url, nil, 200, nil) // attached: every manager

		// Bad lists are refused as a whole.
		second := mustUpload(t, w.Manager, "/api/v1/uploads", "b.png", "", pngFile(t))
		for _, ids := range [][]int64{{second.ID, 999999}, {second.ID, second.ID}, {0}} {
			w.Manager.WantError("POST", dialog, map[string]any{"text": "x", "attachment_ids": ids}, 400, beseda.EINVALID)
		}
		w.Manager.WantError("POST", dialog, map[string]any{"text": "   "}, 400, beseda.EINVALID)
		w.Manager.WantError("POST", dialog, map[string]any{"attachment_ids": "1"}, 400, beseda.EINVALID)

		// A client's upload is theirs: not a manager's, not another client's.
		vu := mustUpload(t, v.Client, widget+"/uploads", "scan.png", "", pngFile(t))
		w.Manager.WantError("POST", dialog, map[string]any{"text": "x", "attachment_ids": []int64{vu.ID}}, 400, beseda.EINVALID)
		other := w.NewVisitor("Boris")
		other.WantError("POST", widget+"/messages", map[string]any{"attachment_ids": []int64{vu.ID}}, 400, beseda.EINVALID)
		v.MustDo("POST", widget+"/messages", map[string]any{"attachment_ids": []int64{vu.ID}}, 201, nil)
		var msgs []beseda.Message
		w.Owner.MustDo("GET", dialog, nil, 200, &msgs)
		if len(msgs) != 2 || len(msgs[0].Attachments) != 1 || msgs[1].Direction != beseda.DirectionIn || len(msgs[1].Attachments) != 1 {
			t.Errorf("the dialog's messages: %+v", msgs)
		}
	})
}

// TestAttachments_SizeLimit: over the limit is 413 too_large, by default
// over 20 MiB (exactly 20 MiB is taken) and at the server's setting; a
// refused upload leaves no file and no row.
func TestAttachments_SizeLimit(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w, root := attachmentServer(t, dbURL, nil)
		big := make([]byte, beseda.DefaultMaxUploadBytes+1)
		res := w.Manager.Upload("/api/v1/uploads", "big.bin", "", big)
		if res.Status != 413 || res.ErrorCode() != beseda.ETOOLARGE || !strings.Contains(res.ErrorMessage(), "20 MiB") {
			t.Errorf("20 MiB + 1: %d %s", res.Status, res.Body)
		}
		if got := storedFiles(t, root); len(got) != 0 {
			t.Errorf("a refused upload left %v", got)
		}
		u := mustUpload(t, w.Manager, "/api/v1/uploads", "exact.bin", "", big[:beseda.DefaultMaxUploadBytes])
		if u.Size != beseda.DefaultMaxUploadBytes {
			t.Errorf("exactly 20 MiB: %+v", u)
		}
	})
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w, root := attachmentServer(t, dbURL, func(c *server.Config) { c.MaxUploadBytes = 1000 })
		v := w.NewVisitor("Anna")
		for _, c := range []struct {
			client *testkit.Client
			path   string
		}{{w.Manager, "/api/v1/uploads"}, {v.Client, "/widget/" + w.WebKey + "/uploads"}} {
			if res := c.client.Upload(c.path, "f.bin", "", make([]byte, 1001)); res.Status != 413 || res.ErrorCode() != beseda.ETOOLARGE {
				t.Errorf("%s, 1001 bytes over 1000: %d %s", c.path, res.Status, res.Body)
			}
			mustUpload(t, c.client, c.path, "f.bin", "", bytes.Repeat([]byte{1}, 1000))
		}
		// Bad requests: not a form, no file in it, an empty file.
		w.Manager.WantError("POST", "/api/v1/uploads", map[string]string{"file": "x"}, 400, beseda.EINVALID)
		if res := w.Manager.Send("POST", "/api/v1/uploads", "multipart/form-data; boundary=X",
			strings.NewReader("--X\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nv\r\n--X--\r\n")); res.Status != 400 {
			t.Errorf("a form without a file: %d %s", res.Status, res.Body)
		}
		if res := w.Manager.Upload("/api/v1/uploads", "empty.txt", "", nil); res.Status != 400 || res.ErrorCode() != beseda.EINVALID {
			t.Errorf("an empty file: %d %s", res.Status, res.Body)
		}
		if res := testkit.NewClient(t, w.Srv.URL).Upload("/api/v1/uploads", "f.bin", "", []byte("x")); res.Status != 401 {
			t.Errorf("anonymous upload: %d", res.Status)
		}
		if got := storedFiles(t, root); len(got) != 2 {
			t.Errorf("files kept: %v, want the two accepted", got)
		}
	})
}

// TestAttachments_TypeIsSniffed: the type comes from the bytes, never from
// the name or the client's Content-Type; only raster images are shown
// inline, and an HTML or SVG file is always a download that runs nothing.
func TestAttachments_TypeIsSniffed(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w, _ := attachmentServer(t, dbURL, nil)
		v := w.NewVisitor("Anna")
		html := []byte("<!doctype html><html><body><script>alert(document.cookie)</script></body></html>")
		svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>`)
		pdf := []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")
		for _, c := range []struct {
			name, claimed string
			data          []byte
			want          string
			inline        bool
		}{
			{"photo.txt", "text/plain", pngFile(t), "image/png", true},
			{"photo.png", "image/png", html, "text/html; charset=utf-8", false},
			{"logo.svg", "image/svg+xml", svg, "image/svg+xml", false},
			{"invoice.pdf", "application/pdf", pdf, "application/pdf", false},
		} {
			up := mustUpload(t, w.Manager, "/api/v1/uploads", c.name, c.claimed, c.data)
			if up.ContentType != c.want {
				t.Errorf("%s: %s, want %s", c.name, up.ContentType, c.want)
			}
			w.Manager.MustDo("POST", testkit.Path("/api/v1/subscribers/%d/messages", v.SubscriberID),
				map[string]any{"text": c.name, "attachment_ids": []int64{up.ID}}, 201, nil)
			res := v.MustDo("GET", testkit.Path("/api/v1/attachments/%d", up.ID), nil, 200, nil)
			disp := res.Header.Get("Content-Disposition")
			if c.inline != strings.HasPrefix(disp, "inline") || (!c.inline && !strings.HasPrefix(disp, "attachment")) {
				t.Errorf("%s served with Content-Disposition %q", c.name, disp)
			}
			csp := res.Header.Get("Content-Security-Policy")
			if !strings.Contains(csp, "sandbox") || !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
				t.Errorf("%s served with CSP %q", c.name, csp)
			}
			if res.Header.Get("Content-Type") != c.want || res.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s served as %q", c.name, res.Header.Get("Content-Type"))
			}
		}
	})
}

// TestAttachments_WidgetUpload: the web-chat client uploads a file and
// sends it alone; managers see and fetch it, the client sees it with a
// signed address, and the message.received webhook carries it.
func TestAttachments_WidgetUpload(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w, _ := attachmentServer(t, dbURL, func(c *server.Config) { c.AllowPrivateWebhooks = true })
		rc := testkit.NewReceiver(t)
		w.Owner.MustDo("POST", "/api/v1/webhooks", map[string]any{"url": rc.URL, "events": []string{"message.received"}, "secret": "s"}, 201, nil)
		v := w.NewVisitor("Anna")
		widget := "/widget/" + w.WebKey
		img := pngFile(t)
		up := mustUpload(t, v.Client, widget+"/uploads", "receipt.png", "application/octet-stream", img)
		if up.ContentType != "image/png" || up.Name != "receipt.png" {
			t.Errorf("upload %+v", up)
		}
		v.MustDo("GET", testkit.Path("/api/v1/attachments/%d", up.ID), nil, 200, nil) // their own, before sending
		w.NewVisitor("Boris").WantError("GET", testkit.Path("/api/v1/attachments/%d", up.ID), nil, 404, beseda.ENOTFOUND)

		var sent struct {
			ID          int64               `json:"id"`
			Text        string              `json:"text"`
			Attachments []beseda.Attachment `json:"attachments"`
		}
		v.MustDo("POST", widget+"/messages", map[string]any{"text": "", "attachment_ids": []int64{up.ID}}, 201, &sent)
		if sent.Text != "" || len(sent.Attachments) != 1 || !strings.Contains(sent.Attachments[0].URL, "sig=") {
			t.Fatalf("the widget's answer %+v", sent)
		}
		if res := testkit.NewClient(t, w.Srv.URL).MustDo("GET", sent.Attachments[0].URL, nil, 200, nil); !bytes.Equal(res.Body, img) {
			t.Errorf("the signed address gave %d bytes", len(res.Body))
		}
		var msgs []beseda.Message
		w.Manager.MustDo("GET", testkit.Path("/api/v1/subscribers/%d/messages", v.SubscriberID), nil, 200, &msgs)
		m := msgs[len(msgs)-1]
		if m.ID != sent.ID || m.Direction != beseda.DirectionIn || len(m.Attachments) != 1 || m.Attachments[0].URL != testkit.Path("/api/v1/attachments/%d", up.ID) {
			t.Fatalf("the manager sees %+v", m)
		}
		if res := w.Manager.MustDo("GET", m.Attachments[0].URL, nil, 200, nil); !bytes.Equal(res.Body, img) {
			t.Errorf("the manager got %d bytes", len(res.Body))
		}
		var body struct {
			Data beseda.Message `json:"data"`
		}
		if err := json.Unmarshal(rc.WaitFor(1)[0].Body, &body); err != nil || len(body.Data.Attachments) != 1 || body.Data.Attachments[0].ID != up.ID {
			t.Errorf("the webhook's message: %+v %v", body.Data, err)
		}
	})
}

// TestAttachments_MessengerClientsGetFiles: a message of files alone may go
// to a client of a messenger channel: it reaches the platform through its
// media API (here Telegram's sendPhoto), with no text.
func TestAttachments_MessengerClientsGetFiles(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w, _ := attachmentServer(t, dbURL, nil)
		const token, secret = "123456:TEST-token_abcdefghijklmnop", "hook-secret_42"
		api := faketelegram.New(t, token)
		ch := w.AddChannel("telegram", "Bot", map[string]string{"bot_token": token, "webhook_secret": secret, "api_base_url": api.URL})
		if res := w.Webhook(ch.WebhookURL, faketelegram.TextUpdate(1, 777, "Ivan", "hello"), map[string]string{"X-Telegram-Bot-Api-Secret-Token": secret}); res.Status != 200 {
			t.Fatalf("webhook: %d", res.Status)
		}
		var subs []beseda.Subscriber
		w.Owner.MustDo("GET", "/api/v1/subscribers", nil, 200, &subs)
		var sub beseda.Subscriber
		for _, s := range subs {
			if s.ChannelKind == telegram.Kind {
				sub = s
			}
		}
		chat := testkit.Path("/api/v1/subscribers/%d/messages", sub.ID)
		up := mustUpload(t, w.Manager, "/api/v1/uploads", "a.png", "", pngFile(t))
		var m beseda.Message
		w.Manager.MustDo("POST", chat, map[string]any{"attachment_ids": []int64{up.ID}}, 201, &m)
		if len(m.Attachments) != 1 || m.Text != "" {
			t.Errorf("message %+v", m)
		}
		testkit.Eventually(t, 10*time.Second, "the picture to reach Telegram", func() bool {
			sent := api.Sent()
			return len(sent) == 1 && sent[0].Method == "sendPhoto" && sent[0].Caption == "" && sent[0].File.Name == "a.png"
		})
	})
}

// TestAttachments_Outbound: automation sends files too; a repeated
// idempotency key returns the first message, files and all.
func TestAttachments_Outbound(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w, _ := attachmentServer(t, dbURL, nil)
		v := w.NewVisitor("Anna")
		up := mustUpload(t, w.Owner, "/api/v1/uploads", "price-list.pdf", "", []byte("%PDF-1.4\n"))
		body := map[string]any{"subscriber_id": v.SubscriberID, "source": "broadcast", "attachment_ids": []int64{up.ID}, "idempotency_key": "k1"}
		var first, again beseda.Message
		w.Owner.MustDo("POST", "/api/v1/outbound", body, 201, &first)
		w.Owner.MustDo("POST", "/api/v1/outbound", body, 200, &again)
		if len(first.Attachments) != 1 || first.Attachments[0].ContentType != "application/pdf" || again.ID != first.ID {
			t.Errorf("first %+v, again %+v", first, again)
		}
		w.Owner.WantError("POST", "/api/v1/outbound", map[string]any{"subscriber_id": v.SubscriberID, "source": "broadcast",
			"attachment_ids": []int64{up.ID}}, 400, beseda.EINVALID)
	})
}

// TestAttachments_CostTheirOwnStatement: a message without files costs what
// it did (TestWritePathStatementBudget); files add one statement on
// PostgreSQL (the claim; attaching joins the deferred writes), however many.
func TestAttachments_CostTheirOwnStatement(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		var mu sync.Mutex
		counted := map[string]testkit.StatementLog{}
		srv := testkit.StartServer(t, dbURL, testkit.Options{
			Configure: func(c *server.Config) {
				c.DBOptions = append(c.DBOptions, store.WithConnector(testkit.CountingConnector))
			},
			WrapHandler: func(h http.Handler) http.Handler {
				return testkit.CountRequests(h, func(r *http.Request, s *testkit.Statements) {
					mu.Lock()
					counted[r.Method+" "+r.URL.Path] = s.Snapshot()
					mu.Unlock()
				})
			},
		})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		post := func(body map[string]any) int {
			v := w.NewVisitor("Budget")
			d := w.CreateDialog(v.SubscriberID, "Budget")
			path := testkit.Path("/api/v1/dialogs/%d/messages", d.ID)
			w.Owner.MustDo("POST", path, body, 201, nil)
			mu.Lock()
			defer mu.Unlock()
			return len(counted["POST "+path].Queries)
		}
		post(map[string]any{"text": "warm"}) // the first requests fill caches
		ids := func() []int64 {
			a := mustUpload(t, w.Owner, "/api/v1/uploads", "a.png", "", pngFile(t))
			b := mustUpload(t, w.Owner, "/api/v1/uploads", "b.png", "", pngFile(t))
			return []int64{a.ID, b.ID}
		}
		post(map[string]any{"text": "warm", "attachment_ids": ids()})
		without := post(map[string]any{"text": "hello"})
		with := post(map[string]any{"text": "hello", "attachment_ids": ids()})
		extra := 1
		if strings.HasPrefix(dbURL, "sqlite") {
			extra = 2 // deferred writes go one by one in-process
		}
		if with != without+extra {
			t.Errorf("a message costs %d statements without files and %d with two, want %d more", without, with, extra)
		}
	})
}

// TestAttachments_UnattachedUploadsAreRemoved: an upload never attached is
// removed with its file after beseda.UploadRetention (the periodic sweep's
// work), and so are temporary files an interrupted upload left; attached
// ones stay.
func TestAttachments_UnattachedUploadsAreRemoved(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w, root := attachmentServer(t, dbURL, nil)
		v := w.NewVisitor("Anna")
		kept := mustUpload(t, w.Manager, "/api/v1/uploads", "kept.png", "", pngFile(t))
		left := mustUpload(t, w.Manager, "/api/v1/uploads", "left.png", "", pngFile(t))
		visitorLeft := mustUpload(t, v.Client, "/widget/"+w.WebKey+"/uploads", "v.png", "", pngFile(t))
		w.Manager.MustDo("POST", testkit.Path("/api/v1/subscribers/%d/messages", v.SubscriberID),
			map[string]any{"attachment_ids": []int64{kept.ID}}, 201, nil)
		crashed := filepath.Join(root, "tmp", "upload-crashed")
		if err := os.WriteFile(crashed, []byte("half"), 0o600); err != nil {
			t.Fatal(err)
		}
		old := time.Now().Add(-2 * beseda.UploadRetention)
		if err := os.Chtimes(crashed, old, old); err != nil {
			t.Fatal(err)
		}
		if len(storedFiles(t, root)) != 4 {
			t.Fatalf("files before: %v", storedFiles(t, root))
		}

		ctx := context.Background()
		w.Srv.Clock.Advance(beseda.UploadRetention - time.Hour)
		if n, err := w.Srv.App.Files.PruneUploads(ctx); err != nil || n != 0 {
			t.Fatalf("before the retention: removed %d, %v", n, err)
		}
		w.Manager.MustDo("GET", testkit.Path("/api/v1/attachments/%d", left.ID), nil, 200, nil)
		w.Srv.Clock.Advance(2 * time.Hour)
		if n, err := w.Srv.App.Files.PruneUploads(ctx); err != nil || n != 2 {
			t.Fatalf("after the retention: removed %d, %v", n, err)
		}
		w.Manager.WantError("GET", testkit.Path("/api/v1/attachments/%d", left.ID), nil, 404, beseda.ENOTFOUND)
		v.WantError("GET", testkit.Path("/api/v1/attachments/%d", visitorLeft.ID), nil, 404, beseda.ENOTFOUND)
		w.Manager.WantError("POST", testkit.Path("/api/v1/subscribers/%d/messages", v.SubscriberID),
			map[string]any{"attachment_ids": []int64{left.ID}}, 400, beseda.EINVALID)
		w.Owner.MustDo("GET", testkit.Path("/api/v1/attachments/%d", kept.ID), nil, 200, nil)
		if got := storedFiles(t, root); len(got) != 1 || strings.HasPrefix(got[0], "tmp") {
			t.Errorf("files after: %v, want the attached one", got)
		}
	})
}

// TestH4_WidgetUploadsAreLimited: web-chat clients at one address upload at
// most beseda.WidgetUploadsPerMinute files a minute; then 429 with
// Retry-After, until the minute has passed.
func TestH4_WidgetUploadsAreLimited(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w, _ := attachmentServer(t, dbURL, nil)
		path := "/widget/" + w.WebKey + "/uploads"
		v, other := w.NewVisitor("Anna"), w.NewVisitor("Boris")
		for i := range beseda.WidgetUploadsPerMinute {
			c := v.Client
			if i%2 == 1 {
				c = other.Client // the address counts, not the session
			}
			mustUpload(t, c, path, "f.txt", "", []byte("x"))
		}
		res := v.Upload(path, "f.txt", "", []byte("x"))
		if res.Status != 429 || res.ErrorCode() != beseda.EMANYATTEMPTS || res.Header.Get("Retry-After") == "" {
			t.Fatalf("one more: %d %s", res.Status, res.Body)
		}
		mustUpload(t, w.Manager, "/api/v1/uploads", "f.txt", "", []byte("x")) // managers are not limited
		w.Srv.Clock.Advance(time.Minute)
		mustUpload(t, v.Client, path, "f.txt", "", []byte("x"))
	})
}

// TestAttachments_AttachedOnceUnderConcurrency: messages racing for one
// upload attach it once; the others are refused and store nothing.
func TestAttachments_AttachedOnceUnderConcurrency(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w, _ := attachmentServer(t, dbURL, nil)
		const n = 8
		subs := make([]int64, n)
		for i := range subs {
			subs[i] = w.NewVisitor("Racer").SubscriberID
		}
		up := mustUpload(t, w.Manager, "/api/v1/uploads", "a.png", "", pngFile(t))
		statuses := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res := w.Manager.Do("POST", testkit.Path("/api/v1/subscribers/%d/messages", subs[i]),
					map[string]any{"text": "race", "attachment_ids": []int64{up.ID}})
				statuses[i] = res.Status
			}()
		}
		wg.Wait()
		won := 0
		for i, s := range statuses {
			var msgs []beseda.Message
			w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d/messages", subs[i]), nil, 200, &msgs)
			switch s {
			case 201:
				won++
				if len(msgs) != 1 || len(msgs[0].Attachments) != 1 {
					t.Errorf("the winner's chat: %+v", msgs)
				}
			case 400:
				if len(msgs) != 0 {
					t.Errorf("a refused message was stored: %+v", msgs)
				}
			default:
				t.Errorf("status %d", s)
			}
		}
		if won != 1 {
			t.Errorf("%d messages attached the upload, want 1 (%v)", won, statuses)
		}
	})
}
