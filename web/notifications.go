package web

import (
	"net/http"

	"github.com/beseda/beseda"
)

type notificationsData struct {
	Tasks         []*beseda.Task
	Notifications []*beseda.Notification
	Titles        map[int64]string
}

func (h *Handler) notifications(w http.ResponseWriter, r *http.Request, p *page) {
	ctx := r.Context()
	tasks, err := h.app.Tasks.ListTasks(ctx, p.User)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	list, _, err := h.app.Tasks.ListNotifications(ctx, p.User, false, p.Locale)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	p.Title, p.Nav = p.T("nav.tasks"), "tasks"
	p.Live["tasks"] = p.User.ID
	p.Data = notificationsData{Tasks: tasks, Notifications: list}
	h.render(w, r, http.StatusOK, "notifications", p)
}

func (h *Handler) readNotification(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "notification")
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	if err := h.app.Tasks.MarkNotificationRead(r.Context(), p.User, id); err != nil {
		h.fail(w, r, p, err)
		return
	}
	back(w, r, "/notifications")
}

func (h *Handler) readAll(w http.ResponseWriter, r *http.Request, p *page) {
	if err := h.app.Tasks.MarkNotificationRead(r.Context(), p.User, 0); err != nil {
		h.fail(w, r, p, err)
		return
	}
	back(w, r, "/notifications")
}
