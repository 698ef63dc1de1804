package httpapi

import (
	"net/http"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
)

func (h *Handler) listUsers(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	users, err := h.app.Users.ListUsers(r.Context(), actor)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, users)
}

func (h *Handler) getUser(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	id, err := pathID(r, "user")
	if err != nil {
		Error(w, r, err)
		return
	}
	u, err := h.app.Users.GetUser(r.Context(), actor, id)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, u)
}

func (h *Handler) createUser(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	var in beseda.UserCreate
	if err := Decode(w, r, &in); err != nil {
		Error(w, r, err)
		return
	}
	u, err := h.app.Users.CreateUser(r.Context(), actor, in)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, u)
}

func (h *Handler) updateUser(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	id, err := pathID(r, "user")
	if err != nil {
		Error(w, r, err)
		return
	}
	h.patchUser(w, r, actor, id)
}

func (h *Handler) patchUser(w http.ResponseWriter, r *http.Request, actor *beseda.User, id int64) {
	var in app.UserUpdate
	if err := Decode(w, r, &in); err != nil {
		Error(w, r, err)
		return
	}
	in.KeepToken = requestToken(r)
	u, err := h.app.Users.UpdateUser(r.Context(), actor, id, in)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, u)
}
