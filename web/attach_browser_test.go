package web_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// writePNG writes a small picture to dir and returns its path.
func writePNG(t *testing.T, dir, name string) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	img.Set(5, 5, color.RGBA{R: 0x2f, G: 0x62, B: 0xe0, A: 0xff})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestConsoleAttachesFiles: in a composer a manager picks files (a picture
// and a PDF) or drops one on the page; each uploads with its progress, the
// message goes without text, the picture shows inline as a thumbnail that
// opens it whole, the PDF as a link with its name and size; the client
// gets both in the web chat.
func TestConsoleAttachesFiles(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	var me beseda.User
	w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &me)
	v := w.NewVisitor("Anna")
	v.Say("The payment page is broken")
	dir := t.TempDir()
	picture := writePNG(t, dir, "screen.png")
	pdf := filepath.Join(dir, "invoice.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n"+strings.Repeat("x", 3000)), 0o600); err != nil {
		t.Fatal(err)
	}

	ctx := testkit.Browser(t)
	signIn(t, ctx, srv.URL, me.Email, testkit.TestPassword)
	do(t, ctx, "attach two files and send them alone",
		chromedp.Navigate(srv.URL+testkit.Path("/chats/%d", v.SubscriberID)),
		chromedp.WaitVisible(`#composer textarea`),
		chromedp.SetUploadFiles(`#files`, []string{picture, pdf}),
		chromedp.WaitVisible(`#attach-list li.ready + li.ready`),
	)
	if got := eval[string](t, ctx, `document.getElementById("attach-list").innerText`); !strings.Contains(got, "screen.png") || !strings.Contains(got, "invoice.pdf") {
		t.Errorf("the files on their way: %q", got)
	}
	do(t, ctx, "send",
		chromedp.Click(`#composer button[type=submit]`),
		chromedp.WaitVisible(`.msg .files img[alt="screen.png"]`),
		testkit.ImagesLoaded(`.msg .files img`),
	)
	if href := eval[string](t, ctx, `document.querySelector('.msg .files img[alt="screen.png"]').closest("a").target`); href != "_blank" {
		t.Errorf("the thumbnail opens in %q", href)
	}
	if w, h := eval[float64](t, ctx, `document.querySelector('.msg .files img').getBoundingClientRect().width`),
		eval[float64](t, ctx, `document.querySelector('.msg .files img').getBoundingClientRect().height`); w > 240 || h > 180 || w == 0 {
		t.Errorf("the thumbnail is %v×%v", w, h)
	}
	if got := eval[string](t, ctx, `document.querySelector(".msg .files .file a").innerText`); !strings.Contains(got, "invoice.pdf") || !strings.Contains(got, "KB") {
		t.Errorf("the PDF's link says %q", got)
	}
	var msgs []beseda.Message
	w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d/messages", v.SubscriberID), nil, 200, &msgs)
	last := msgs[len(msgs)-1]
	if last.Text != "" || len(last.Attachments) != 2 || last.Attachments[0].ContentType != "image/png" || last.Attachments[1].ContentType != "application/pdf" {
		t.Fatalf("the message sent: %+v", last)
	}
	seen := v.Messages()
	if got := seen[len(seen)-1]; len(got.Attachments) != 2 {
		t.Errorf("the client gets %+v", got)
	}

	// A file dropped anywhere on the page goes to the composer, with text.
	do(t, ctx, "drop a file and write",
		chromedp.Evaluate[chromedp.Void](`(function(){var dt=new DataTransfer();
			dt.items.add(new File(["a dropped note"], "dropped.txt", {type: "text/plain"}));
			document.getElementById("chat-messages").dispatchEvent(new DragEvent("dragover", {dataTransfer: dt, bubbles: true, cancelable: true}));
			document.getElementById("chat-messages").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}))})()`),
		chromedp.WaitVisible(`#attach-list li.ready`),
		chromedp.SendKeys(`#composer textarea`, "And the log"),
		testkit.Press("Enter"),
		chromedp.WaitVisible(`//li[contains(@class,"msg") and contains(., "And the log")]//a[contains(., "dropped.txt")]`),
	)
	w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d/messages", v.SubscriberID), nil, 200, &msgs)
	if last := msgs[len(msgs)-1]; last.Text != "And the log" || len(last.Attachments) != 1 || last.Attachments[0].Name != "dropped.txt" {
		t.Errorf("the dropped file's message: %+v", last)
	}
}

// TestConsoleInternalNotes: the dialog composer's Note mode leaves a note
// that looks apart ("Internal note") in the dialog and the general chat; the
// client never gets it; a paused dialog's composer takes notes only.
func TestConsoleInternalNotes(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	var me beseda.User
	w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &me)
	v := w.NewVisitor("Anna")
	v.Say("Where is my refund?")
	d := w.CreateDialog(v.SubscriberID, "Refund")
	w.Owner.MustDo("POST", testkit.Path("/api/v1/dialogs/%d/messages", d.ID), map[string]string{"text": "We are checking"}, 201, nil)
	ctx := testkit.Browser(t)
	signIn(t, ctx, srv.URL, me.Email, testkit.TestPassword)
	do(t, ctx, "write a note",
		chromedp.Navigate(srv.URL+testkit.Path("/dialogs/%d", d.ID)),
		chromedp.WaitVisible(`#composer textarea`),
		chromedp.Click(`label[for="internal"]`),
		chromedp.WaitVisible(`#note-hint`),
		chromedp.SendKeys(`#composer textarea`, "Refund approved by finance"),
		chromedp.Click(`#composer button[type=submit]`),
		chromedp.WaitVisible(`//li[contains(@class,"msg") and contains(@class,"note") and contains(., "Refund approved by finance")]`),
	)
	if got := eval[string](t, ctx, `document.querySelector(".msg.note .note-label").innerText`); !strings.Contains(got, "Internal note") &&
		!strings.Contains(strings.ToLower(got), "internal note") {
		t.Errorf("the note's label: %q", got)
	}
	if bg, plain := eval[string](t, ctx, `getComputedStyle(document.querySelector(".msg.note")).backgroundColor`),
		eval[string](t, ctx, `getComputedStyle(document.querySelector(".msg.out:not(.note)")).backgroundColor`); bg == plain {
		t.Errorf("a note looks like any message (%s)", bg)
	}
	do(t, ctx, "the general chat shows it, marked",
		chromedp.Navigate(srv.URL+testkit.Path("/chats/%d", v.SubscriberID)),
		chromedp.WaitVisible(`//li[contains(@class,"msg") and contains(@class,"note") and contains(., "Refund approved by finance")]`),
	)
	for _, m := range v.Messages() {
		if strings.Contains(m.Text, "finance") {
			t.Errorf("the client sees the note")
		}
	}

	w.SetStatus(d.ID, beseda.DialogPaused)
	do(t, ctx, "a paused dialog takes a note",
		chromedp.Navigate(srv.URL+testkit.Path("/dialogs/%d", d.ID)),
		chromedp.WaitVisible(`#composer.note-only textarea`),
		chromedp.SendKeys(`#composer textarea`, "Waiting for the bank"),
		chromedp.Click(`#composer button[type=submit]`),
		chromedp.WaitVisible(`//li[contains(@class,"note") and contains(., "Waiting for the bank")]`),
	)
	var msgs []beseda.Message
	w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs/%d/messages", d.ID), nil, 200, &msgs)
	if last := msgs[len(msgs)-1]; !last.Internal || last.Text != "Waiting for the bank" {
		t.Errorf("the paused dialog's last message: %+v", last)
	}
}
