package httpapi_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/server"
	"github.com/beseda/beseda/internal/testkit"
)

// chatWithFiles gives a web-chat client a history: their message with a
// file, a manager's reply with a file, a completed dialog rated both ways.
// It returns the client and the attachments' URLs.
func chatWithFiles(t *testing.T, w *testkit.World) (*testkit.Visitor, []string) {
	t.Helper()
	v := w.NewVisitor("Anna Client")
	fromClient := mustUpload(t, v.Client, "/widget/"+v.Key+"/uploads", "passport.png", "", pngFile(t))
	var in beseda.Message
	v.MustDo("POST", "/widget/"+v.Key+"/messages", map[string]any{"text": "my card is 4111", "attachment_ids": []int64{fromClient.ID}},
		http.StatusCreated, &in)
	d := w.CreateDialog(v.SubscriberID, "Card 4111 declined")
	fromManager := mustUpload(t, w.Owner, "/api/v1/uploads", "receipt.txt", "", []byte("receipt for Anna"))
	var out beseda.Message
	w.Owner.MustDo("POST", testkit.Path("/api/v1/dialogs/%d/messages", d.ID), map[string]any{"text": "Anna, we refunded",
		"attachment_ids": []int64{fromManager.ID}}, http.StatusCreated, &out)
	w.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d.ID), map[string]any{"status": "completed", "account_rating": 2},
		http.StatusOK, nil)
	return v, []string{in.Attachments[0].URL, out.Attachments[0].URL}
}

// TestDataRights_ExportZip: an owner downloads one client's data as a zip —
// the client, every message, the dialogs with their ratings, and the files'
// bytes; a manager may not; the audit log records the export.
func TestDataRights_ExportZip(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w, _ := attachmentServer(t, dbURL, nil)
		v, _ := chatWithFiles(t, w)
		w.NewVisitor("Someone Else").Say("not mine")
		res := w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d/export", v.SubscriberID), nil, http.StatusOK, nil)
		if res.Header.Get("Content-Type") != "application/zip" {
			t.Fatalf("content type %q", res.Header.Get("Content-Type"))
		}
		zr, err := zip.NewReader(bytes.NewReader(res.Body), int64(len(res.Body)))
		if err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			files[f.Name], _ = io.ReadAll(rc)
			rc.Close()
		}
		var client beseda.Subscriber
		var msgs []beseda.Message
		var dialogs []beseda.Dialog
		for name, v := range map[string]any{"client.json": &client, "messages.json": &msgs, "dialogs.json": &dialogs} {
			if err := json.Unmarshal(files[name], v); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		if client.ID != v.SubscriberID || client.Name != "Anna Client" {
			t.Errorf("client.json %+v", client)
		}
		var texts []string
		for _, m := range msgs {
			texts = append(texts, m.Text)
		}
		if joined := strings.Join(texts, "|"); !strings.Contains(joined, "my card is 4111") || !strings.Contains(joined, "Anna, we refunded") ||
			strings.Contains(joined, "not mine") {
			t.Errorf("messages.json texts %q", texts)
		}
		if len(dialogs) != 1 || dialogs[0].AccountRating == nil || *dialogs[0].AccountRating != 2 || dialogs[0].Title != "Card 4111 declined" {
			t.Errorf("dialogs.json %+v", dialogs)
		}
		var gotPNG, gotTxt bool
		for name, data := range files {
			gotPNG = gotPNG || (strings.HasPrefix(name, "files/") && strings.HasSuffix(name, "-passport.png") && bytes.Equal(data, pngFile(t)))
			gotTxt = gotTxt || (strings.HasPrefix(name, "files/") && string(data) == "receipt for Anna")
		}
		if !gotPNG || !gotTxt {
			t.Errorf("the zip's files: png %v, txt %v (%d entries)", gotPNG, gotTxt, len(files))
		}
		w.Manager.WantError("GET", testkit.Path("/api/v1/subscribers/%d/export", v.SubscriberID), nil, 403, beseda.EFORBIDDEN)
		w.Owner.WantError("GET", "/api/v1/subscribers/999999/export", nil, 404, beseda.ENOTFOUND)
		if got := auditOf(t, w.Owner, beseda.AuditClientExported); len(got) != 1 || *got[0].TargetID != v.SubscriberID {
			t.Errorf("export entries %+v", got)
		}
		other := testkit.NewWorld(t, w.Srv, beseda.LocaleEN)
		other.Owner.WantError("GET", testkit.Path("/api/v1/subscribers/%d/export", v.SubscriberID), nil, 404, beseda.ENOTFOUND)
	})
}

// TestDataRights_EraseKeepsFiguresOnly: after an erasure the client's
// messages and files are gone — from the API, from search and from disk —
// and its name too; its dialog stays, without title, with its ratings, in
// the report; the audit log records who erased whom.
func TestDataRights_EraseKeepsFiguresOnly(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w, root := attachmentServer(t, dbURL, nil)
		v, urls := chatWithFiles(t, w)
		keep := w.NewVisitor("Boris Kept")
		keep.Say("keep me")
		before := len(storedFiles(t, root))
		w.Manager.WantError("POST", testkit.Path("/api/v1/subscribers/%d/erase", v.SubscriberID), nil, 403, beseda.EFORBIDDEN)

		var e beseda.Erasure
		w.Owner.MustDo("POST", testkit.Path("/api/v1/subscribers/%d/erase", v.SubscriberID), nil, http.StatusOK, &e)
		if e.Messages < 2 || e.Files != 2 || e.DialogsKept != 1 || e.ErasedAt.IsZero() {
			t.Errorf("erasure %+v", e)
		}
		checkErased(t, w, v, urls)
		if after := len(storedFiles(t, root)); after != before-2 {
			t.Errorf("files on disk: %d before, %d after", before, after)
		}
		var msgs []beseda.Message
		w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d/messages", keep.SubscriberID), nil, 200, &msgs)
		if len(msgs) != 1 || msgs[0].Text != "keep me" {
			t.Errorf("another client's chat %+v", msgs)
		}
		entries := auditOf(t, w.Owner, beseda.AuditClientErased)
		if len(entries) != 1 || entries[0].Actor.ID != w.OwnerID || *entries[0].TargetID != v.SubscriberID {
			t.Errorf("erase entries %+v", entries)
		}
		// Erasing again changes nothing and says so.
		w.Owner.MustDo("POST", testkit.Path("/api/v1/subscribers/%d/erase", v.SubscriberID), nil, http.StatusOK, &e)
		if e.Messages != 0 || e.Files != 0 {
			t.Errorf("a second erasure %+v", e)
		}
	})
}

// checkErased fails unless the client is erased: no messages, no files, no
// name, no text in search, and the dialog kept with its ratings only.
func checkErased(t *testing.T, w *testkit.World, v *testkit.Visitor, urls []string) {
	t.Helper()
	var msgs []beseda.Message
	w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d/messages", v.SubscriberID), nil, 200, &msgs)
	if len(msgs) != 0 {
		t.Errorf("an erased client's chat shows %d messages", len(msgs))
	}
	for _, u := range urls {
		w.Owner.WantError("GET", u, nil, 404, beseda.ENOTFOUND)
	}
	var sub beseda.Subscriber
	w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d", v.SubscriberID), nil, 200, &sub)
	if strings.Contains(sub.Name, "Anna") {
		t.Errorf("an erased client keeps the name %q", sub.Name)
	}
	var dialogs []beseda.Dialog
	w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs?subscriber_id=%d", v.SubscriberID), nil, 200, &dialogs)
	if len(dialogs) != 1 || strings.Contains(dialogs[0].Title, "4111") || dialogs[0].AccountRating == nil || *dialogs[0].AccountRating != 2 ||
		dialogs[0].Status != beseda.DialogCompleted {
		t.Errorf("the kept dialog %+v", dialogs)
	}
	body := string(w.Owner.MustDo("GET", "/api/v1/reports/dialogs?format=csv", nil, 200, nil).Body)
	if strings.Contains(body, "Anna") || strings.Contains(body, "4111") || !strings.Contains(body, ",2,") {
		t.Errorf("the report after the erasure:\n%s", body)
	}
	for _, q := range []string{"4111", "refunded", "Anna"} {
		var page beseda.SearchPage
		w.Owner.MustDo("GET", "/api/v1/search?q="+q, nil, 200, &page)
		for _, kind := range []string{"subscriber", "dialog"} {
			var more beseda.SearchPage
			w.Owner.MustDo("GET", "/api/v1/search?kind="+kind+"&q="+q, nil, 200, &more)
			page.Items = append(page.Items, more.Items...)
		}
		if len(page.Items) != 0 {
			t.Errorf("search for %q still finds %+v", q, page.Items)
		}
	}
}

// TestDataRights_EraseCrashSafe: an erasure that fails before its
// transaction commits leaves the client whole (nothing half-erased, not
// shown as erased); one that fails after the commit, before the files went
// from disk, shows the client erased with its files unreachable, and the
// retention run that follows removes the files from disk. On both
// databases.
func TestDataRights_EraseCrashSafe(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		var failAt atomic.Value
		failAt.Store("")
		crash := errors.New("injected crash")
		w, root := attachmentServer(t, dbURL, func(c *server.Config) {
			c.FailPoint = func(step string) error {
				if failAt.Load() == step {
					return crash
				}
				return nil
			}
		})
		// The start-up retention run finishes erasures whose files are
		// left: it must not do so between the crash and the look below.
		waitStartupRetention(t, w)
		v, urls := chatWithFiles(t, w)
		files := len(storedFiles(t, root))
		var chat []beseda.Message
		w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d/messages", v.SubscriberID), nil, 200, &chat)
		erase := "/api/v1/subscribers/" + itoa(v.SubscriberID) + "/erase"

		// A crash inside the transaction, after every statement ran.
		failAt.Store("erase.before_commit")
		if res := w.Owner.Do("POST", erase, nil); res.Status != 500 {
			t.Fatalf("a crashed erasure answered %d %s", res.Status, res.Body)
		}
		var msgs []beseda.Message
		w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d/messages", v.SubscriberID), nil, 200, &msgs)
		if len(msgs) != len(chat) || len(chat) < 2 {
			t.Fatalf("after a rolled-back erasure the chat has %d of its %d messages", len(msgs), len(chat))
		}
		for _, u := range urls {
			w.Owner.MustDo("GET", u, nil, 200, nil)
		}
		at, err := w.Srv.DB.FindErasedAt(t.Context(), w.WorkspaceID, v.SubscriberID)
		if err != nil || at != nil {
			t.Fatalf("after a rolled-back erasure erased_at is %v (%v)", at, err)
		}
		if len(auditOf(t, w.Owner, beseda.AuditClientErased)) != 0 {
			t.Fatal("a rolled-back erasure is in the audit log")
		}
		if got := len(storedFiles(t, root)); got != files {
			t.Fatalf("files on disk %d, want %d", got, files)
		}

		// A crash after the commit, before the files went from disk.
		failAt.Store("erase.after_commit")
		if res := w.Owner.Do("POST", erase, nil); res.Status != 500 {
			t.Fatalf("the second erasure answered %d %s", res.Status, res.Body)
		}
		failAt.Store("")
		checkErased(t, w, v, urls)
		if at, err := w.Srv.DB.FindErasedAt(t.Context(), w.WorkspaceID, v.SubscriberID); err != nil || at == nil {
			t.Fatalf("after the commit erased_at is %v (%v)", at, err)
		}
		if got := len(storedFiles(t, root)); got != files {
			t.Fatalf("the crash came before the files went, yet %d of %d are left", got, files)
		}
		// The retention run (here called as its job does) finishes it.
		w.Srv.Clock.Advance(time.Minute)
		if _, err := w.Srv.App.DataRights.RunRetention(t.Context()); err != nil {
			t.Fatal(err)
		}
		if got := len(storedFiles(t, root)); got != files-2 {
			t.Fatalf("after the retention run %d files are on disk, want %d", got, files-2)
		}
	})
}

// TestDataRights_RetentionRemovesOldDataSetBased: with a policy of files
// kept 7 days and messages 30, the retention run at the clock's now removes
// the older files from disk (their messages stay) and then the older
// messages, leaves newer ones, records each removal in the audit log with
// its counts, and keeps audit entries only audit_days.
func TestDataRights_RetentionRemovesOldDataSetBased(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w, root := attachmentServer(t, dbURL, nil)
		clock := w.Srv.Clock
		waitStartupRetention(t, w)
		v, urls := chatWithFiles(t, w)
		var p beseda.Retention
		w.Owner.MustDo("PUT", "/api/v1/settings/retention", map[string]any{"messages_days": 30, "files_days": 7, "audit_days": 60}, 200, &p)
		if *p.MessagesDays != 30 || *p.FilesDays != 7 || *p.AuditDays != 60 {
			t.Fatalf("policy %+v", p)
		}
		run := func() []beseda.RetentionReport {
			t.Helper()
			reps, err := w.Srv.App.DataRights.RunRetention(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			return reps
		}
		chat := func(id int64) []beseda.Message {
			var msgs []beseda.Message
			w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d/messages", id), nil, 200, &msgs)
			return msgs
		}
		old := len(chat(v.SubscriberID))
		if reps := run(); len(reps) != 0 {
			t.Fatalf("a run with nothing old removed %+v", reps)
		}

		clock.Advance(8 * 24 * time.Hour)
		fresh := w.NewVisitor("Fresh")
		fresh.Say("new message")
		reps := run()
		if len(reps) != 1 || reps[0].Files != 2 || reps[0].Messages != 0 {
			t.Fatalf("after 8 days the run removed %+v", reps)
		}
		for _, u := range urls {
			w.Owner.WantError("GET", u, nil, 404, beseda.ENOTFOUND)
		}
		if n := len(storedFiles(t, root)); n != 0 {
			t.Errorf("%d files left on disk", n)
		}
		msgs := chat(v.SubscriberID)
		if len(msgs) != old {
			t.Fatalf("files' retention removed messages: %d of %d left", len(msgs), old)
		}
		for _, m := range msgs {
			if len(m.Attachments) != 0 {
				t.Errorf("message %d still lists its removed files", m.ID)
			}
		}

		var me beseda.User
		w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &me)
		clock.Advance(23 * 24 * time.Hour)                                    // 31 days after the first chat, 23 after the fresh one
		w.Owner = testkit.Login(t, w.Srv.URL, me.Email, testkit.TestPassword) // tokens last 30 days
		reps = run()
		if len(reps) != 1 || reps[0].Messages != int64(old) {
			t.Fatalf("after 31 days the run removed %+v, want %d messages", reps, old)
		}
		if n := len(chat(v.SubscriberID)); n != 0 {
			t.Errorf("%d old messages left", n)
		}
		if msgs := chat(fresh.SubscriberID); len(msgs) != 1 || msgs[0].Text != "new message" {
			t.Errorf("the newer chat %+v", msgs)
		}
		var dialogs []beseda.Dialog
		w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs?subscriber_id=%d", v.SubscriberID), nil, 200, &dialogs)
		if len(dialogs) != 1 || *dialogs[0].AccountRating != 2 {
			t.Errorf("the dialog after its messages went %+v", dialogs)
		}
		removed := auditOf(t, w.Owner, beseda.AuditRetentionRun)
		if len(removed) != 2 || removed[0].Actor != nil || removed[0].Changes["messages"] != float64(old) || removed[1].Changes["files"] != float64(2) {
			t.Fatalf("retention entries %+v", removed)
		}

		// 61 days on, every entry but the run's own is older than audit_days.
		clock.Advance(61 * 24 * time.Hour)
		reps = run()
		w.Owner = testkit.Login(t, w.Srv.URL, me.Email, testkit.TestPassword)
		if len(reps) != 1 || reps[0].AuditEntries == 0 {
			t.Fatalf("the audit retention removed %+v", reps)
		}
		var page auditPage
		w.Owner.MustDo("GET", "/api/v1/audit", nil, 200, &page)
		if len(page.Items) != 2 || page.Items[0].Action != beseda.AuditSignIn || page.Items[1].Action != beseda.AuditRetentionRun {
			t.Errorf("the log after audit retention %+v", page.Items)
		}
	})
}
