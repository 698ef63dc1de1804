package httpapi

import (
	"net/http"

	"github.com/beseda/beseda"
)

func (h *Handler) listWebhooks(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	list, err := h.app.Webhooks.ListWebhooks(r.Context(), actor)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, list)
}

func (h *Handler) createWebhook(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	var in beseda.WebhookCreate
	if err := Decode(w, r, &in); err != nil {
		Error(w, r, err)
		return
	}
	hook, err := h.app.Webhooks.CreateWebhook(r.Context(), actor, in)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, hook)
}

func (h *Handler) getWebhook(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	id, err := pathID(r, "webhook")
	if err != nil {
		Error(w, r, err)
		return
	}
	hook, err := h.app.Webhooks.GetWebhook(r.Context(), actor, id)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, hook)
}

func (h *Handler) deleteWebhook(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	id, err := pathID(r, "webhook")
	if err != nil {
		Error(w, r, err)
		return
	}
	if err := h.app.Webhooks.DeleteWebhook(r.Context(), actor, id); err != nil {
		Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// webhookDeliveries serves a subscription's latest deliveries with their
// attempts (?limit=N, at most 100).
func (h *Handler) webhookDeliveries(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	id, err := pathID(r, "webhook")
	if err != nil {
		Error(w, r, err)
		return
	}
	limit, _, err := queryInt64(r, "limit")
	if err != nil {
		Error(w, r, err)
		return
	}
	list, err := h.app.Webhooks.WebhookDeliveries(r.Context(), actor, id, int(min(limit, 100)))
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, list)
}

func (h *Handler) testWebhook(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	id, err := pathID(r, "webhook")
	if err != nil {
		Error(w, r, err)
		return
	}
	d, err := h.app.Webhooks.SendTestWebhook(r.Context(), actor, id)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusAccepted, d)
}
