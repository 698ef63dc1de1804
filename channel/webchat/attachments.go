package webchat

import (
	"net/http"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/httpx"
)

// upload stores a file the client sends, to attach to their next message.
func (h *Handler) upload(w http.ResponseWriter, r *http.Request, sub *beseda.Subscriber) {
	part, err := httpx.FilePart(w, r, h.app.Files.MaxUploadBytes())
	if err != nil {
		httpx.Error(w, r, err)
		return
	}
	u, err := h.app.Files.VisitorUpload(r.Context(), sub, httpx.ClientAddr(r), part.FileName(), part)
	if err != nil {
		httpx.Error(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, httpx.UploadAnswer(u))
}

// clientAttachments are a message's files as its client gets them: each
// address signed for them, as the page shows pictures with <img src>,
// which cannot send the visitor token.
func (h *Handler) clientAttachments(sub *beseda.Subscriber, m *beseda.Message) []beseda.Attachment {
	out := make([]beseda.Attachment, len(m.Attachments))
	for i, a := range m.Attachments {
		a.URL = h.app.Files.VisitorAttachmentURL(sub, a)
		out[i] = a
	}
	return out
}
