package web

import (
	"errors"
	"mime"
	"net/http"
	"strconv"

	"github.com/beseda/beseda"
)

// The composers attach files two ways. With the console's script
// (attach.js), files picked, dropped or pasted are uploaded at once through
// the API (POST /api/v1/uploads, with the session and its CSRF token) and
// the form carries their ids (attachment_ids). Without it, the form itself
// is multipart and carries the files (files), which are uploaded here before
// the message is written.

// readMultipart reads a multipart form (a composer's) within a bound: the
// files of one message at the most and a little form around them.
func (h *Handler) readMultipart(w http.ResponseWriter, r *http.Request) error {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, beseda.MaxAttachments*h.app.Files.MaxUploadBytes()+1<<20)
	// Small fields are kept in memory; files go to temporary files, which
	// net/http removes when the request is done.
	err := r.ParseMultipartForm(1 << 20)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return beseda.Errorf(beseda.ETOOLARGE, "the files are larger than a message takes")
	} else if err != nil {
		return beseda.Errorf(beseda.EINVALID, "the form cannot be read")
	}
	return nil
}

// messageInput is what a composer sent: the text, the ids of files uploaded
// by the script, files sent with the form (uploaded now), and the note mode.
func (h *Handler) messageInput(r *http.Request, p *page) (beseda.MessageInput, error) {
	in := beseda.MessageInput{Text: r.PostFormValue("text"), AttachmentIDs: formIDs(r, "attachment_ids"),
		Internal: r.PostFormValue("internal") != ""}
	if r.MultipartForm == nil {
		return in, nil
	}
	for _, fh := range r.MultipartForm.File["files"] {
		if fh.Filename == "" && fh.Size == 0 {
			continue // the empty part of a file input left empty
		}
		f, err := fh.Open()
		if err != nil {
			return in, beseda.Errorf(beseda.EINVALID, "the form cannot be read")
		}
		u, err := h.app.Files.Upload(r.Context(), p.User, fh.Filename, f)
		f.Close()
		if err != nil {
			return in, err
		}
		in.AttachmentIDs = append(in.AttachmentIDs, u.ID)
	}
	return in, nil
}

// FileSize writes a file's size for people, in the manager's language.
func (p *page) FileSize(n int64) string {
	switch {
	case n >= 1<<20:
		return p.T("attach.size_mb", strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64))
	case n >= 1<<10:
		return p.T("attach.size_kb", strconv.FormatInt((n+1<<9)>>10, 10))
	}
	return p.T("attach.size_b", n)
}

// Preview is what the chat list shows of a last message: its text, else
// the files it carries.
func (d chatsData) Preview(p *page, m *beseda.Message) string {
	if m.Text != "" || len(m.Attachments) == 0 {
		return m.Text
	}
	if len(m.Attachments) == 1 {
		return "📎 " + m.Attachments[0].Name
	}
	return "📎 " + p.T("attach.files", len(m.Attachments))
}

// filesView is a message's files for the "message-files" template.
type filesView struct {
	P           *page
	Attachments []beseda.Attachment
}

// Files prepares a message's files for the "message-files" template.
func (l messageList) Files(m *beseda.Message) filesView {
	return filesView{P: l.P, Attachments: m.Attachments}
}
