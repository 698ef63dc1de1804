package httpapi

import (
	"net/http"

	"github.com/beseda/beseda"
)

func (h *Handler) listSubscribers(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	f := beseda.SubscriberFilter{Query: r.URL.Query().Get("q")}
	limit, _, err := queryInt64(r, "limit")
	if err != nil {
		Error(w, r, err)
		return
	}
	offset, _, err := queryCursor(r, "offset")
	if err != nil {
		Error(w, r, err)
		return
	}
	f.Limit, f.Offset = int(min(limit, 1000)), int(min(offset, 1<<30))
	if err := assigneeFilter(r, actor, &f); err != nil {
		Error(w, r, err)
		return
	}
	subs, err := h.app.Subscribers.ListSubscribers(r.Context(), actor, f)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, subs)
}

func (h *Handler) getSubscriber(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	id, err := pathID(r, "subscriber")
	if err != nil {
		Error(w, r, err)
		return
	}
	sub, err := h.app.Subscribers.GetSubscriber(r.Context(), actor, id)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, sub)
}
