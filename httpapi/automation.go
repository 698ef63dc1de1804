package httpapi

import (
	"net/http"

	"github.com/beseda/beseda"
)

// outbound serves POST /api/v1/outbound: 201 with the new message, or 200
// with the first one when the idempotency key was seen before.
func (h *Handler) outbound(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	var in beseda.Outbound
	if err := Decode(w, r, &in); err != nil {
		Error(w, r, err)
		return
	}
	m, replayed, err := h.app.Automation.Outbound(r.Context(), actor, in)
	if err != nil {
		Error(w, r, err)
		return
	}
	if replayed {
		w.Header().Set("Idempotent-Replayed", "true")
		WriteJSON(w, http.StatusOK, m)
		return
	}
	WriteJSON(w, http.StatusCreated, m)
}

func (h *Handler) createBroadcast(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	var in beseda.BroadcastCreate
	if err := Decode(w, r, &in); err != nil {
		Error(w, r, err)
		return
	}
	b, err := h.app.Automation.CreateBroadcast(r.Context(), actor, in)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, b)
}

func (h *Handler) getBroadcast(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	id, err := pathID(r, "broadcast")
	if err != nil {
		Error(w, r, err)
		return
	}
	b, err := h.app.Automation.GetBroadcast(r.Context(), actor, id)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, b)
}

func (h *Handler) createFunnel(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	var in beseda.FunnelCreate
	if err := Decode(w, r, &in); err != nil {
		Error(w, r, err)
		return
	}
	f, err := h.app.Automation.CreateFunnel(r.Context(), actor, in)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, f)
}

func (h *Handler) listFunnels(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	funnels, err := h.app.Automation.ListFunnels(r.Context(), actor)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, funnels)
}

// enroll serves POST /api/v1/funnels/{id}/subscribers: 201 for a new
// enrollment, 200 when the client already is in the funnel.
func (h *Handler) enroll(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	id, err := pathID(r, "funnel")
	if err != nil {
		Error(w, r, err)
		return
	}
	var in struct {
		SubscriberID int64 `json:"subscriber_id"`
	}
	if err := Decode(w, r, &in); err != nil {
		Error(w, r, err)
		return
	}
	if in.SubscriberID <= 0 {
		Error(w, r, beseda.Errorf(beseda.EINVALID, "subscriber_id is required"))
		return
	}
	e, created, err := h.app.Automation.EnrollInFunnel(r.Context(), actor, id, in.SubscriberID)
	if err != nil {
		Error(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	WriteJSON(w, status, e)
}

func (h *Handler) listSmartAnswers(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	answers, err := h.app.Automation.ListSmartAnswers(r.Context(), actor)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, answers)
}

func (h *Handler) createSmartAnswer(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	var in beseda.SmartAnswerCreate
	if err := Decode(w, r, &in); err != nil {
		Error(w, r, err)
		return
	}
	sa, err := h.app.Automation.CreateSmartAnswer(r.Context(), actor, in)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, sa)
}

func (h *Handler) deleteSmartAnswer(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	id, err := pathID(r, "smart answer")
	if err != nil {
		Error(w, r, err)
		return
	}
	if err := h.app.Automation.DeleteSmartAnswer(r.Context(), actor, id); err != nil {
		Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
