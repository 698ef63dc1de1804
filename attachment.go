package beseda

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// DefaultMaxUploadBytes is the largest file taken when the server is not told
// otherwise (SPEC §3: 20 MiB).
const DefaultMaxUploadBytes = 20 << 20

// MaxAttachments is how many files one message carries at most.
const MaxAttachments = 10

// UploadRetention is how long an upload may wait to be attached to a message;
// then it is removed, bytes and all.
const UploadRetention = 24 * time.Hour

// WidgetUploadsPerMinute is how many files web-chat clients at one address
// may upload a minute (as large a burst): anyone can open a chat, and each
// file takes disk space (H4).
const WidgetUploadsPerMinute = 30

// MaxFileNameLength bounds a stored file name, in characters.
const MaxFileNameLength = 120

// Attachment is a file on a message, as the API shows it. URL is where the
// workspace's managers fetch it (the web chat gives its client a signed URL
// of its own).
type Attachment struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
	URL         string `json:"url"`
}

// AttachmentPath is the address of an attachment's bytes on this server.
func AttachmentPath(id int64) string { return "/api/v1/attachments/" + strconv.FormatInt(id, 10) }

// Image reports whether the attachment is shown as a picture (see
// ShownInline).
func (a Attachment) Image() bool { return ShownInline(a.ContentType) }

// Upload is a stored file: who uploaded it, what it is, where its bytes are
// kept, and the message it went out with, once attached. An upload belongs
// to who made it — a manager of the workspace (UploaderID) or a client in
// the web chat (SubscriberID) — and only they can attach it, once.
type Upload struct {
	ID           int64
	WorkspaceID  int64
	UploaderID   *int64 // the manager who uploaded it
	SubscriberID *int64 // or the client who did
	Name         string
	Size         int64
	ContentType  string // sniffed from the bytes, never the client's word
	StorageKey   string // where the file store keeps the bytes
	SHA256       string // hex
	CreatedAt    time.Time
	MessageID    *int64
	AttachedAt   *time.Time

	// Of the message it is attached to: whose chat it is, and whether that
	// client may see it (their own message, or one delivered to them and
	// not an internal note).
	ChatSubscriberID int64
	VisibleToClient  bool
}

// Attachment is the upload as a message shows it.
func (u *Upload) Attachment() Attachment {
	return Attachment{ID: u.ID, Name: u.Name, Size: u.Size, ContentType: u.ContentType, URL: AttachmentPath(u.ID)}
}

// Owner is who made an upload, and who may attach it: a manager of a
// workspace, or a client (subscriber) of it.
type Owner struct {
	WorkspaceID  int64
	UserID       int64
	SubscriberID int64
}

// ManagerOwner is a manager as the owner of their uploads.
func ManagerOwner(u *User) Owner { return Owner{WorkspaceID: u.WorkspaceID, UserID: u.ID} }

// ClientOwner is a client as the owner of their uploads.
func ClientOwner(s *Subscriber) Owner { return Owner{WorkspaceID: s.WorkspaceID, SubscriberID: s.ID} }

// Owns reports whether the upload is o's.
func (o Owner) Owns(u *Upload) bool {
	if u.WorkspaceID != o.WorkspaceID {
		return false
	}
	if o.UserID != 0 {
		return u.UploaderID != nil && *u.UploaderID == o.UserID
	}
	return o.SubscriberID != 0 && u.SubscriberID != nil && *u.SubscriberID == o.SubscriberID
}

// Viewer is who asks for a file's bytes: a manager of a workspace (UserID
// set) or a client (SubscriberID set).
type Viewer = Owner

// CanRead decides who may fetch an upload's bytes (SPEC §3): before it is
// attached, only its owner; once attached, every manager of the workspace,
// and the client of that chat when the message is theirs to see. Everyone
// else is told it does not exist (P3).
func (u *Upload) CanRead(v Viewer) bool {
	if u.MessageID == nil {
		return v.Owns(u)
	}
	if u.WorkspaceID != v.WorkspaceID {
		return false
	}
	if v.UserID != 0 {
		return true
	}
	return v.SubscriberID != 0 && v.SubscriberID == u.ChatSubscriberID && u.VisibleToClient
}

// ShownInline reports whether a file of the content type may be shown in a
// page — as an <img>, or opened in a tab: raster images only. SVG and HTML
// can carry script, and every other type is a download.
func ShownInline(contentType string) bool {
	base, _, _ := strings.Cut(contentType, ";")
	switch strings.TrimSpace(strings.ToLower(base)) {
	case "image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "image/avif":
		return true
	}
	return false
}

// CleanFileName makes a client's file name safe to keep and show: the last
// element of any path, no control or invisible formatting characters (a
// right-to-left override can disguise "gpj.exe"), valid UTF-8, no leading or
// trailing spaces or dots, at most MaxFileNameLength characters with the
// extension kept. A name with nothing left is "file".
func CleanFileName(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			return -1
		}
		if unicode.IsSpace(r) {
			return ' '
		}
		return r
	}, name)
	name = strings.Trim(name, " .")
	if name == "" {
		return "file"
	}
	if utf8.RuneCountInString(name) <= MaxFileNameLength {
		return name
	}
	ext := ""
	if i := strings.LastIndexByte(name, '.'); i > 0 && utf8.RuneCountInString(name[i:]) <= 16 {
		name, ext = name[:i], name[i:]
	}
	r := []rune(name)
	return strings.TrimRight(string(r[:MaxFileNameLength-utf8.RuneCountInString(ext)]), " .") + ext
}

// MessageInput is what a manager (or a client) writes: a text, files
// uploaded before (attachment_ids), or both. Internal makes a dialog's
// message a note for managers, which the client never gets.
type MessageInput struct {
	Text          string  `json:"text"`
	AttachmentIDs []int64 `json:"attachment_ids"`
	Internal      bool    `json:"internal"`
	// Template sends one of the channel's approved message templates
	// instead of text (it goes when the client's window is closed).
	Template *TemplateRef `json:"template,omitempty"`
}

// Clean trims the text and checks the input: a text or a file at least, a
// text within the channel's limit (maxText characters), at most
// MaxAttachments distinct files.
func (in *MessageInput) Clean(limits ...TextLimit) error {
	if len(in.AttachmentIDs) > MaxAttachments {
		return Errorf(EINVALID, "attachment_ids holds %d files; a message takes at most %d", len(in.AttachmentIDs), MaxAttachments)
	}
	for i, id := range in.AttachmentIDs {
		if id <= 0 {
			return Errorf(EINVALID, "attachment_ids[%d] must be the id of an upload", i)
		}
		if slices.Contains(in.AttachmentIDs[:i], id) {
			return Errorf(EINVALID, "attachment_ids names upload %d twice", id)
		}
	}
	in.Text = strings.TrimSpace(in.Text)
	if in.Text == "" {
		if len(in.AttachmentIDs) == 0 {
			return Errorf(EINVALID, "text or attachment_ids is required")
		}
		return nil
	}
	_, err := CleanText(in.Text, limits...)
	return err
}

// SignedAttachmentTTL is how long a signed address of an attachment, given to
// a web-chat client whose page cannot send headers with an <img>, works at
// least.
const SignedAttachmentTTL = 24 * time.Hour

// AttachmentExpiry is when an address signed at now stops working: at least
// SignedAttachmentTTL later, on the hour, so that the address stays the same
// for an hour and browsers can cache what it shows.
func AttachmentExpiry(now time.Time) time.Time {
	return now.UTC().Truncate(time.Hour).Add(SignedAttachmentTTL + time.Hour)
}

// AttachmentSignature signs an attachment's address for one client until
// expires (Unix seconds): the MAC binds the file, the client and the time.
func AttachmentSignature(secret []byte, attachmentID, subscriberID, expires int64) string {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte("attachment." + strconv.FormatInt(attachmentID, 10) + "." +
		strconv.FormatInt(subscriberID, 10) + "." + strconv.FormatInt(expires, 10)))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

// CheckAttachmentSignature reports whether sig signs the attachment for the
// client and has not expired at now.
func CheckAttachmentSignature(secret []byte, attachmentID, subscriberID, expires int64, sig string, now time.Time) bool {
	if expires <= now.Unix() {
		return false
	}
	return hmac.Equal([]byte(sig), []byte(AttachmentSignature(secret, attachmentID, subscriberID, expires)))
}
