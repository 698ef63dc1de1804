package beseda_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/beseda/beseda"
)

// TestAttachments_FileNamesAreCleaned: a client's file name keeps no path,
// no control or invisible formatting characters, and a bounded length with
// its extension.
func TestAttachments_FileNamesAreCleaned(t *testing.T) {
	long := strings.Repeat("ы", 300)
	for _, tc := range []struct{ in, want string }{
		{"receipt.pdf", "receipt.pdf"},
		{"../../etc/passwd", "passwd"},
		{`C:\Users\ann\Desktop\скриншот 1.png`, "скриншот 1.png"},
		{"evil\r\nX-Header: 1.txt", "evilX-Header: 1.txt"},
		{"a\x00b\x7f.txt", "ab.txt"},
		{"invoice\u202Efdp.exe", "invoicefdp.exe"}, // right-to-left override
		{"zero\u200bwidth.txt", "zerowidth.txt"},
		{"bad \xff utf-8.txt", "bad  utf-8.txt"},
		{"  spaced .txt. ", "spaced .txt"},
		{"..", "file"},
		{"", "file"},
		{"/", "file"},
		{"\x01\x02", "file"},
		{long + ".docx", strings.Repeat("ы", beseda.MaxFileNameLength-5) + ".docx"},
		{long, strings.Repeat("ы", beseda.MaxFileNameLength)},
	} {
		got := beseda.CleanFileName(tc.in)
		if got != tc.want {
			t.Errorf("CleanFileName(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if n := utf8.RuneCountInString(got); n > beseda.MaxFileNameLength || !utf8.ValidString(got) {
			t.Errorf("CleanFileName(%q) = %q: %d characters", tc.in, got, n)
		}
	}
}

// TestAttachments_MessageInput: a message needs a text or a file; files are
// distinct upload ids, at most ten.
func TestAttachments_MessageInput(t *testing.T) {
	ids := func(n int) []int64 {
		out := make([]int64, n)
		for i := range out {
			out[i] = int64(i + 1)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		in   beseda.MessageInput
		ok   bool
	}{
		{"text", beseda.MessageInput{Text: " hi "}, true},
		{"files only", beseda.MessageInput{AttachmentIDs: []int64{7}}, true},
		{"both", beseda.MessageInput{Text: "see", AttachmentIDs: []int64{7, 8}}, true},
		{"neither", beseda.MessageInput{Text: "   "}, false},
		{"ten files", beseda.MessageInput{AttachmentIDs: ids(beseda.MaxAttachments)}, true},
		{"eleven files", beseda.MessageInput{AttachmentIDs: ids(beseda.MaxAttachments + 1)}, false},
		{"twice", beseda.MessageInput{AttachmentIDs: []int64{3, 3}}, false},
		{"not an id", beseda.MessageInput{AttachmentIDs: []int64{0}}, false},
		{"too long", beseda.MessageInput{Text: strings.Repeat("a", 11), AttachmentIDs: []int64{1}}, false},
	} {
		in := tc.in
		err := in.Clean(beseda.TextLimit{Max: 10})
		if (err == nil) != tc.ok || (err != nil && beseda.ErrorCode(err) != beseda.EINVALID) {
			t.Errorf("%s: %v", tc.name, err)
		}
		if err == nil && in.Text != strings.TrimSpace(tc.in.Text) {
			t.Errorf("%s: text %q", tc.name, in.Text)
		}
	}
}

// TestAttachments_WhoReads: before it is attached, an upload is its owner's
// alone; attached, every manager of the workspace reads it, and the client
// of its chat when the message is theirs to see — never a note's.
func TestAttachments_WhoReads(t *testing.T) {
	manager, other := int64(1), int64(2)
	client := int64(10)
	msg := int64(100)
	mine := beseda.Viewer{WorkspaceID: 5, UserID: manager}
	colleague := beseda.Viewer{WorkspaceID: 5, UserID: other}
	stranger := beseda.Viewer{WorkspaceID: 6, UserID: manager}
	theClient := beseda.Viewer{WorkspaceID: 5, SubscriberID: client}
	anotherClient := beseda.Viewer{WorkspaceID: 5, SubscriberID: 11}
	for _, tc := range []struct {
		name string
		u    beseda.Upload
		v    beseda.Viewer
		want bool
	}{
		{"unattached, its uploader", beseda.Upload{WorkspaceID: 5, UploaderID: &manager}, mine, true},
		{"unattached, a colleague", beseda.Upload{WorkspaceID: 5, UploaderID: &manager}, colleague, false},
		{"unattached, the client", beseda.Upload{WorkspaceID: 5, UploaderID: &manager}, theClient, false},
		{"unattached client upload, the client", beseda.Upload{WorkspaceID: 5, SubscriberID: &client}, theClient, true},
		{"unattached client upload, a manager", beseda.Upload{WorkspaceID: 5, SubscriberID: &client}, mine, false},
		{"attached, a colleague", beseda.Upload{WorkspaceID: 5, UploaderID: &manager, MessageID: &msg, ChatSubscriberID: client}, colleague, true},
		{"attached, another workspace", beseda.Upload{WorkspaceID: 5, UploaderID: &manager, MessageID: &msg, ChatSubscriberID: client}, stranger, false},
		{"attached and delivered, the client", beseda.Upload{WorkspaceID: 5, UploaderID: &manager, MessageID: &msg, ChatSubscriberID: client, VisibleToClient: true}, theClient, true},
		{"attached and delivered, another client", beseda.Upload{WorkspaceID: 5, UploaderID: &manager, MessageID: &msg, ChatSubscriberID: client, VisibleToClient: true}, anotherClient, false},
		{"on a note or not delivered, the client", beseda.Upload{WorkspaceID: 5, UploaderID: &manager, MessageID: &msg, ChatSubscriberID: client}, theClient, false},
		{"nobody", beseda.Upload{WorkspaceID: 5, UploaderID: &manager, MessageID: &msg, ChatSubscriberID: client, VisibleToClient: true}, beseda.Viewer{}, false},
	} {
		if got := tc.u.CanRead(tc.v); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestAttachments_InlineOnlyForRasterImages: pictures are shown; SVG, HTML
// and everything else are downloads.
func TestAttachments_InlineOnlyForRasterImages(t *testing.T) {
	for ct, want := range map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true,
		"image/svg+xml": false, "text/html; charset=utf-8": false, "application/pdf": false, "text/plain; charset=utf-8": false,
		"image/heic": false, "": false} {
		if got := beseda.ShownInline(ct); got != want {
			t.Errorf("ShownInline(%q) = %v", ct, got)
		}
	}
}

// TestAttachments_SignedAddresses: a signed address works for its file and
// client until it expires, and for nothing else.
func TestAttachments_SignedAddresses(t *testing.T) {
	secret := []byte("secret")
	now := time.Date(2025, 3, 1, 10, 20, 0, 0, time.UTC)
	exp := beseda.AttachmentExpiry(now)
	if exp.Sub(now) < beseda.SignedAttachmentTTL || exp != beseda.AttachmentExpiry(now.Add(30*time.Minute)) {
		t.Errorf("expiry %v for %v: at least a day, the same within the hour", exp, now)
	}
	sig := beseda.AttachmentSignature(secret, 7, 3, exp.Unix())
	if !beseda.CheckAttachmentSignature(secret, 7, 3, exp.Unix(), sig, now) {
		t.Error("a good signature is refused")
	}
	for name, ok := range map[string]bool{
		"another file":   beseda.CheckAttachmentSignature(secret, 8, 3, exp.Unix(), sig, now),
		"another client": beseda.CheckAttachmentSignature(secret, 7, 4, exp.Unix(), sig, now),
		"a later expiry": beseda.CheckAttachmentSignature(secret, 7, 3, exp.Unix()+3600, sig, now),
		"expired":        beseda.CheckAttachmentSignature(secret, 7, 3, exp.Unix(), sig, exp),
		"another secret": beseda.CheckAttachmentSignature([]byte("other"), 7, 3, exp.Unix(), sig, now),
	} {
		if ok {
			t.Errorf("%s: accepted", name)
		}
	}
}
