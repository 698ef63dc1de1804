package httpapi

import (
	"net/http"

	"github.com/beseda/beseda"
)

func (h *Handler) createDialog(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	var in beseda.DialogCreate
	if err := Decode(w, r, &in); err != nil {
		Error(w, r, err)
		return
	}
	d, err := h.app.Dialogs.CreateDialog(r.Context(), actor, in)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, d)
}

// listDialogs serves ?status=, ?subscriber_id=, ?mine=true, ?before=ID, ?limit=N.
func (h *Handler) listDialogs(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	var f beseda.DialogFilter
	if s := r.URL.Query().Get("status"); s != "" {
		status := beseda.DialogStatus(s)
		if !status.Valid() {
			Error(w, r, beseda.Errorf(beseda.EINVALID, "status must be active, paused or completed"))
			return
		}
		f.Status = &status
	}
	subID, ok, err := queryInt64(r, "subscriber_id")
	if err != nil {
		Error(w, r, err)
		return
	} else if ok {
		f.SubscriberID = &subID
	}
	mine, err := queryBool(r, "mine")
	if err != nil {
		Error(w, r, err)
		return
	} else if mine {
		f.ParticipantID = &actor.ID
	}
	if f.BeforeID, _, err = queryCursor(r, "before"); err != nil {
		Error(w, r, err)
		return
	}
	limit, _, err := queryInt64(r, "limit")
	if err != nil {
		Error(w, r, err)
		return
	}
	f.Limit = int(min(limit, 1000))
	dialogs, err := h.app.Dialogs.ListDialogs(r.Context(), actor, f)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, dialogs)
}

func (h *Handler) getDialog(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	id, err := pathID(r, "dialog")
	if err != nil {
		Error(w, r, err)
		return
	}
	d, err := h.app.Dialogs.GetDialog(r.Context(), actor, id)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, d)
}

func (h *Handler) updateDialog(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	id, err := pathID(r, "dialog")
	if err != nil {
		Error(w, r, err)
		return
	}
	var upd beseda.DialogUpdate
	if err := Decode(w, r, &upd); err != nil {
		Error(w, r, err)
		return
	}
	d, err := h.app.Dialogs.UpdateDialog(r.Context(), actor, id, upd)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, d)
}

func (h *Handler) dialogEvents(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	id, err := pathID(r, "dialog")
	if err != nil {
		Error(w, r, err)
		return
	}
	events, err := h.app.Dialogs.DialogEvents(r.Context(), actor, id)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, events)
}
