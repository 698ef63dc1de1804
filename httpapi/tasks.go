package httpapi

import (
	"net/http"
	"strconv"

	"github.com/beseda/beseda"
)

func (h *Handler) listTasks(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	tasks, err := h.app.Tasks.ListTasks(r.Context(), actor)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, tasks)
}

// listNotifications serves the caller's notifications (?unread=true for the
// unread ones); X-Unread-Count carries the bell's number.
func (h *Handler) listNotifications(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	unread, err := queryBool(r, "unread")
	if err != nil {
		Error(w, r, err)
		return
	}
	// Texts in the caller's language: theirs, else the client's, else the workspace's.
	var locale beseda.Locale
	if al := r.Header.Get("Accept-Language"); actor.Locale == "" && al != "" {
		locale = beseda.ParseLocale(al)
	}
	list, count, err := h.app.Tasks.ListNotifications(r.Context(), actor, unread, locale)
	if err != nil {
		Error(w, r, err)
		return
	}
	w.Header().Set("X-Unread-Count", strconv.Itoa(count))
	WriteJSON(w, http.StatusOK, list)
}

func (h *Handler) readNotification(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	id, err := pathID(r, "notification")
	if err != nil {
		Error(w, r, err)
		return
	}
	if err := h.app.Tasks.MarkNotificationRead(r.Context(), actor, id); err != nil {
		Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) readAllNotifications(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	if err := h.app.Tasks.MarkNotificationRead(r.Context(), actor, 0); err != nil {
		Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
