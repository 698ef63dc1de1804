package httpapi

import (
	"net/http"

	"github.com/beseda/beseda"
)

func (h *Handler) listSavedReplies(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	list, err := h.app.Settings.ListSavedReplies(r.Context(), actor)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, list)
}

func (h *Handler) createSavedReply(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	var in beseda.SavedReplyCreate
	if err := Decode(w, r, &in); err != nil {
		Error(w, r, err)
		return
	}
	sr, err := h.app.Settings.CreateSavedReply(r.Context(), actor, in)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, sr)
}

func (h *Handler) updateSavedReply(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	id, err := pathID(r, "saved reply")
	if err != nil {
		Error(w, r, err)
		return
	}
	var in beseda.SavedReplyUpdate
	if err := Decode(w, r, &in); err != nil {
		Error(w, r, err)
		return
	}
	sr, err := h.app.Settings.UpdateSavedReply(r.Context(), actor, id, in)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, sr)
}

func (h *Handler) deleteSavedReply(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	id, err := pathID(r, "saved reply")
	if err != nil {
		Error(w, r, err)
		return
	}
	if err := h.app.Settings.DeleteSavedReply(r.Context(), actor, id); err != nil {
		Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
