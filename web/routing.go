package web

import (
	"net/http"
	"strconv"

	"github.com/beseda/beseda"
)

// routingRoutes are the console's parts of chat routing (A1–A7): the
// chat's assignee, one's availability, the policy and capacities.
func (h *Handler) routingRoutes() []route {
	return []route{
		{"POST /chats/{id}/assignee", h.assignChat},
		{"POST /account/availability", h.setAvailability},
		{"POST /settings/routing", h.saveRouting},
		{"POST /settings/users/{id}/capacity", h.saveCapacity},
	}
}

// chatFilters are the chat list's views: every chat, the manager's own,
// those without an assignee.
var chatFilters = []string{"", "me", "none"}

// assigneeFilter reads the chat list's view (?assignee=me|none).
func assigneeFilter(r *http.Request, p *page, f *beseda.SubscriberFilter) string {
	switch v := r.URL.Query().Get("assignee"); v {
	case "me":
		f.AssigneeID = &p.User.ID
		return v
	case "none":
		f.Unassigned = true
		return v
	}
	return ""
}

// assignChat is the chat header's assignee picker: a manager, or nobody.
func (h *Handler) assignChat(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "subscriber")
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	var to *int64
	if v := r.PostFormValue("assignee_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			h.refuse(w, r, p, beseda.Errorf(beseda.EINVALID, "assignee_id must be a manager's id or null"), p.Path("/chats/", id), false)
			return
		}
		to = &n
	}
	if _, err := h.app.Routing.Assign(r.Context(), p.User, id, to); err != nil {
		h.refuse(w, r, p, err, p.Path("/chats/", id), false)
		return
	}
	sent(w, r, p.Path("/chats/", id))
}

// setAvailability is the header's availability switch (A3); back to the
// page it was used on.
func (h *Handler) setAvailability(w http.ResponseWriter, r *http.Request, p *page) {
	back := sitePath(r.PostFormValue("back"), "/chats")
	if err := h.app.Routing.SetAvailability(r.Context(), p.User, beseda.Availability(r.PostFormValue("availability"))); err != nil {
		h.refuse(w, r, p, err, back, false)
		return
	}
	sent(w, r, back)
}

// saveRouting is Settings → Users' routing form: the policy and the idle
// minutes before away.
func (h *Handler) saveRouting(w http.ResponseWriter, r *http.Request, p *page) {
	away, _ := strconv.Atoi(r.PostFormValue("away_after_minutes"))
	in := beseda.RoutingSettings{Policy: beseda.RoutingPolicy(r.PostFormValue("policy")), AwayAfterMinutes: away}
	if _, err := h.app.Routing.UpdateSettings(r.Context(), p.User, in); err != nil {
		h.refuse(w, r, p, err, "/settings/users#routing", false)
		return
	}
	sent(w, r, "/settings/users?saved=1#routing")
}

// saveCapacity sets a manager's capacity from Settings → Users (A5).
func (h *Handler) saveCapacity(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "user")
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	n, err := strconv.Atoi(r.PostFormValue("capacity"))
	if err != nil {
		err = beseda.CheckCapacity(-1)
	} else {
		err = h.app.Routing.SetCapacity(r.Context(), p.User, id, n)
	}
	if err != nil {
		h.refuse(w, r, p, err, "/settings/users", false)
		return
	}
	sent(w, r, "/settings/users?saved=1")
}

// AssignedTo reports whether the chat is assigned to the manager.
func (v *chatView) AssignedTo(id int64) bool { return v.Sub.Assignee != nil && v.Sub.Assignee.ID == id }

// DescribeAssignment tells one change of the chat's assignee in the
// manager's words.
func (v *chatView) DescribeAssignment(p *page, e *beseda.ChatEvent) string {
	who := p.T("history.routing")
	if e.Actor != nil {
		who = e.Actor.Name
	} else if e.Reason == beseda.ReasonDialogCompleted {
		who = p.T("history.system")
	}
	name := ""
	if e.User != nil {
		name = e.User.Name
	}
	return p.T("history.chat_"+string(e.Kind), who, name)
}

// Here is the page's own address, for forms that come back to it.
func (p *page) Here() string {
	if p.r == nil {
		return "/chats"
	}
	return p.r.URL.RequestURI()
}

// Availabilities are the choices of the header's switch.
func (p *page) Availabilities() []beseda.Availability {
	return []beseda.Availability{beseda.Online, beseda.Away, beseda.Offline}
}

// Percent writes a share (0..1) as a whole percentage, "—" without one.
func (p *page) Percent(share *float64) string {
	if share == nil {
		return "—"
	}
	return strconv.FormatFloat(*share*100, 'f', 0, 64) + " %"
}
