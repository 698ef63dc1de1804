package httpapi

import (
	"net/http"

	"github.com/beseda/beseda"
)

// messagePage reads ?before=ID, ?after=ID and ?limit=N.
func messagePage(r *http.Request) (beseda.MessageFilter, error) {
	var f beseda.MessageFilter
	var err error
	if f.BeforeID, _, err = queryCursor(r, "before"); err != nil {
		return f, err
	}
	if f.AfterID, f.Forward, err = queryCursor(r, "after"); err != nil {
		return f, err
	}
	limit, _, err := queryInt64(r, "limit")
	f.Limit = int(min(limit, 1000))
	return f, err
}

// postMessage is a message in the general chat: a text, files uploaded
// before, or both (notes are for dialogs: beseda.MessageInput).
type postMessage struct {
	Text          string              `json:"text"`
	AttachmentIDs []int64             `json:"attachment_ids"`
	Template      *beseda.TemplateRef `json:"template,omitempty"`
}

func (h *Handler) listChatMessages(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	id, err := pathID(r, "subscriber")
	if err != nil {
		Error(w, r, err)
		return
	}
	page, err := messagePage(r)
	if err != nil {
		Error(w, r, err)
		return
	}
	msgs, err := h.app.Messages.ChatMessages(r.Context(), actor, id, page)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, msgs)
}

func (h *Handler) postChatMessage(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	id, err := pathID(r, "subscriber")
	if err != nil {
		Error(w, r, err)
		return
	}
	var in postMessage
	if err := Decode(w, r, &in); err != nil {
		Error(w, r, err)
		return
	}
	m, err := h.app.Messages.PostChatMessage(r.Context(), actor, id, beseda.MessageInput{Text: in.Text, AttachmentIDs: in.AttachmentIDs,
		Template: in.Template})
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, m)
}

func (h *Handler) listDialogMessages(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	id, err := pathID(r, "dialog")
	if err != nil {
		Error(w, r, err)
		return
	}
	page, err := messagePage(r)
	if err != nil {
		Error(w, r, err)
		return
	}
	msgs, err := h.app.Messages.DialogMessages(r.Context(), actor, id, page)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, msgs)
}

func (h *Handler) postDialogMessage(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	id, err := pathID(r, "dialog")
	if err != nil {
		Error(w, r, err)
		return
	}
	var in beseda.MessageInput
	if err := Decode(w, r, &in); err != nil {
		Error(w, r, err)
		return
	}
	m, err := h.app.Messages.PostDialogMessage(r.Context(), actor, id, in)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, m)
}
