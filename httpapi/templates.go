package httpapi

import (
	"net/http"

	"github.com/beseda/beseda"
)

// listTemplates: GET /api/v1/channels/{id}/templates[?language=]; the
// client's language, if given, comes first.
func (h *Handler) listTemplates(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	id, err := pathID(r, "channel")
	if err != nil {
		Error(w, r, err)
		return
	}
	ts, err := h.app.Templates.ListTemplates(r.Context(), actor, id, r.URL.Query().Get("language"))
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, ts)
}

// syncTemplates: POST /api/v1/channels/{id}/templates/sync.
func (h *Handler) syncTemplates(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	id, err := pathID(r, "channel")
	if err != nil {
		Error(w, r, err)
		return
	}
	ts, err := h.app.Templates.SyncTemplates(r.Context(), actor, id)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, ts)
}

// ratingTemplate is the rating template's setting: name and language, or
// null when none is chosen.
type ratingTemplate struct {
	Template *beseda.TemplateRef `json:"template"`
}

// getRatingTemplate: GET /api/v1/settings/rating-template.
func (h *Handler) getRatingTemplate(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	ref, err := h.app.Templates.RatingTemplate(r.Context(), actor)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, ratingTemplate{Template: ref})
}

// putRatingTemplate: PUT /api/v1/settings/rating-template.
func (h *Handler) putRatingTemplate(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	var in ratingTemplate
	if err := Decode(w, r, &in); err != nil {
		Error(w, r, err)
		return
	}
	ref, err := h.app.Templates.SetRatingTemplate(r.Context(), actor, in.Template)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, ratingTemplate{Template: ref})
}
