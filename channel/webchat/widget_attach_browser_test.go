package webchat_test

import (
	"bytes"
	"image"
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

func widgetPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 60, 40))
	for i := range img.Pix {
		img.Pix[i] = 0xcc
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestWidgetAttachesFiles: the client picks a picture in the web chat,
// sees it upload, sends it without words and sees it inline (through its
// signed address: an <img> sends no token); a picture and a PDF a manager
// sends arrive live, the picture inline and the PDF as a link.
func TestWidgetAttachesFiles(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	dir := t.TempDir()
	picture := filepath.Join(dir, "receipt.png")
	if err := os.WriteFile(picture, widgetPNG(t), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := testkit.Browser(t)
	run(t, ctx, "start a chat and send a picture",
		chromedp.Navigate(srv.URL+"/widget/"+w.WebKey),
		chromedp.WaitVisible(chromedp.ID("visitor-name")),
		chromedp.SendKeys(chromedp.ID("visitor-name"), "Zoe"),
		chromedp.Click(`#start button`),
		chromedp.WaitVisible(chromedp.ID("text")),
		chromedp.SetUploadFiles(`#file`, []string{picture}),
		chromedp.WaitVisible(`#pending li.ready`),
		chromedp.Click(`#composer button`),
		chromedp.WaitVisible(`li.msg.in .files img[alt="receipt.png"]`),
		testkit.ImagesLoaded(`li.msg.in .files img`),
	)
	if !js[bool](t, ctx, `document.getElementById("pending").hidden`) {
		t.Errorf("the sent file still shows as waiting")
	}
	subs := subscribers(t, w)
	var sub beseda.Subscriber
	for _, s := range subs {
		if s.Name == "Zoe" {
			sub = s
		}
	}
	var msgs []beseda.Message
	w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d/messages", sub.ID), nil, 200, &msgs)
	if len(msgs) != 1 || msgs[0].Text != "" || len(msgs[0].Attachments) != 1 || msgs[0].Attachments[0].ContentType != "image/png" {
		t.Fatalf("the manager sees %+v", msgs)
	}

	// The manager answers with a picture and a PDF.
	var up1, up2 struct{ ID int64 }
	res := w.Owner.Upload("/api/v1/uploads", "how-to.png", "", widgetPNG(t))
	res.Decode(t, &up1)
	res = w.Owner.Upload("/api/v1/uploads", "guide.pdf", "", []byte("%PDF-1.4\n"+strings.Repeat("x", 2048)))
	res.Decode(t, &up2)
	w.Owner.MustDo("POST", testkit.Path("/api/v1/subscribers/%d/messages", sub.ID),
		map[string]any{"text": "Here is how", "attachment_ids": []int64{up1.ID, up2.ID}}, 201, nil)
	run(t, ctx, "the answer arrives with its files",
		chromedp.WaitVisible(`li.msg.out .files img[alt="how-to.png"]`),
		testkit.ImagesLoaded(`li.msg.out .files img`),
	)
	if got := js[string](t, ctx, `document.querySelector("li.msg.out .files a.file").textContent`); !strings.Contains(got, "guide.pdf") {
		t.Errorf("the PDF's link says %q", got)
	}
	if got := js[string](t, ctx, `document.querySelector("li.msg.out .files a.file").getAttribute("href")`); !strings.Contains(got, "sig=") {
		t.Errorf("the PDF's address %q is not signed for the client", got)
	}
}
