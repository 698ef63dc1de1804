package httpapi

import (
	"net/http"

	"github.com/beseda/beseda"
)

func (h *Handler) getStandardMessages(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	m, err := h.app.Ratings.StandardMessages(r.Context(), actor)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, m)
}

func (h *Handler) putStandardMessages(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	var upd beseda.StandardTextsUpdate
	if err := Decode(w, r, &upd); err != nil {
		Error(w, r, err)
		return
	}
	m, err := h.app.Ratings.UpdateStandardMessages(r.Context(), actor, upd)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, m)
}
