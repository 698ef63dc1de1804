package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/openapi"
)

// routingRoutes are the routes of chat routing (A1–A7); availability and
// capacity go through PATCH /api/v1/me and /api/v1/users/{id}.
func (h *Handler) routingRoutes() []route {
	return []route{
		{"GET /api/v1/settings/routing", h.getRouting},
		{"PUT /api/v1/settings/routing", h.putRouting},
		{"PATCH /api/v1/subscribers/{id}", h.patchSubscriber},
		{"GET /api/v1/subscribers/{id}/events", h.chatEvents},
	}
}

var _ = openapi.Add(
	openapi.Op{Route: "GET /api/v1/settings/routing", Tag: "Settings", Summary: "How incoming chats are assigned: manual, round_robin or least_busy",
		Auth: openapi.Manager, Response: beseda.RoutingSettings{}},
	openapi.Op{Route: "PUT /api/v1/settings/routing", Tag: "Settings",
		Summary: "Set the routing policy and the idle minutes after which an online manager counts as away (users.manage)",
		Auth:    openapi.Manager, Body: beseda.RoutingSettings{}, Response: beseda.RoutingSettings{}, Errors: []int{400, 403}},
	openapi.Op{Route: "PATCH /api/v1/subscribers/{id}", Tag: "Clients",
		Summary: "Assign the chat to a manager (assignee_id), or unassign it (null); 409 capacity_reached when the manager has as many open chats as their capacity",
		Auth:    openapi.Manager, Body: subscriberPatch{}, Response: beseda.Subscriber{}, Errors: []int{400, 404, 409}},
	openapi.Op{Route: "GET /api/v1/subscribers/{id}/events", Tag: "Clients", Summary: "The chat's history of assignment, oldest first",
		Auth: openapi.Manager, Response: []beseda.ChatEvent{}, Errors: []int{404}},
)

var _ = openapi.AddWebhooks(
	openapi.Webhook{Event: string(beseda.WebhookChatAssigned), Summary: "A chat was assigned, reassigned or unassigned; data has subscriber_id, assignee and previous",
		Body: webhookBody[beseda.ChatAssignment]{}},
)

// subscriberPatch is the body of PATCH /api/v1/subscribers/{id}.
type subscriberPatch struct {
	AssigneeID json.RawMessage `json:"assignee_id"`
}

func (h *Handler) getRouting(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	s, err := h.app.Routing.Settings(r.Context(), actor)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, s)
}

func (h *Handler) putRouting(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	var in beseda.RoutingSettings
	if err := Decode(w, r, &in); err != nil {
		Error(w, r, err)
		return
	}
	s, err := h.app.Routing.UpdateSettings(r.Context(), actor, in)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, s)
}

func (h *Handler) patchSubscriber(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	id, err := pathID(r, "subscriber")
	if err != nil {
		Error(w, r, err)
		return
	}
	var in subscriberPatch
	if err := Decode(w, r, &in); err != nil {
		Error(w, r, err)
		return
	}
	if len(in.AssigneeID) == 0 {
		Error(w, r, beseda.Errorf(beseda.EINVALID, "assignee_id is required (null unassigns)"))
		return
	}
	var assignee *int64
	if err := json.Unmarshal(in.AssigneeID, &assignee); err != nil || assignee != nil && *assignee <= 0 {
		Error(w, r, beseda.Errorf(beseda.EINVALID, "assignee_id must be a manager's id or null"))
		return
	}
	if _, err := h.app.Routing.Assign(r.Context(), actor, id, assignee); err != nil {
		Error(w, r, err)
		return
	}
	h.getSubscriber(w, r, actor)
}

func (h *Handler) chatEvents(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	id, err := pathID(r, "subscriber")
	if err != nil {
		Error(w, r, err)
		return
	}
	list, err := h.app.Routing.ChatEvents(r.Context(), actor, id)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, list)
}

// assigneeFilter reads ?assignee=me|none|ID into the filter.
func assigneeFilter(r *http.Request, actor *beseda.User, f *beseda.SubscriberFilter) error {
	switch v := r.URL.Query().Get("assignee"); v {
	case "":
	case "me":
		f.AssigneeID = &actor.ID
	case "none":
		f.Unassigned = true
	default:
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return beseda.Errorf(beseda.EINVALID, "assignee must be me, none or a manager's id")
		}
		f.AssigneeID = &id
	}
	return nil
}
