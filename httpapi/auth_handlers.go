package httpapi

import (
	"net/http"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/internal/httpx"
)

func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
		TOTPCode string `json:"totp_code"`
	}
	if err := Decode(w, r, &in); err != nil {
		Error(w, r, err)
		return
	}
	l, err := h.app.Users.LoginWith(r.Context(), app.Credentials{Email: in.Email, Password: in.Password, TOTPCode: in.TOTPCode},
		app.TokenAPI, httpx.ClientAddr(r))
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, map[string]any{"token": l.Token, "user": l.User})
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request, _ *beseda.User) {
	token, _ := bearerToken(r)
	if err := h.app.Users.Logout(r.Context(), token); err != nil {
		Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) me(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	ws, err := h.app.Users.Workspace(r.Context(), actor)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, meJSON{User: actor, Workspace: ws, Can: permissionsOf(actor)})
}

type meJSON struct {
	*beseda.User
	Workspace *beseda.Workspace `json:"workspace"`
	// Can lists every permission the user holds, by role or by grant.
	Can []beseda.Permission `json:"can"`
}

func permissionsOf(u *beseda.User) []beseda.Permission {
	out := []beseda.Permission{}
	for _, p := range beseda.AllPermissions {
		if u.Can(p) {
			out = append(out, p)
		}
	}
	return out
}

func (h *Handler) updateMe(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	h.patchUser(w, r, actor, actor.ID)
}
