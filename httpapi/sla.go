package httpapi

import (
	"encoding/json"
	"net/http"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/internal/openapi"
)

// slaRoutes are the routes of the team's clock: business hours.
func (h *Handler) slaRoutes() []route {
	return []route{
		{"GET /api/v1/settings/business-hours", h.getBusinessHours},
		{"PUT /api/v1/settings/business-hours", h.putBusinessHours},
		{"GET /api/v1/settings/sla-policies", h.listSLAPolicies},
		{"POST /api/v1/settings/sla-policies", h.createSLAPolicy},
		{"PATCH /api/v1/settings/sla-policies/{id}", h.updateSLAPolicy},
		{"DELETE /api/v1/settings/sla-policies/{id}", h.deleteSLAPolicy},
	}
}

// route is a route of the API that needs a signed-in caller.
type route struct {
	pattern string
	handle  func(http.ResponseWriter, *http.Request, *beseda.User)
}

var _ = openapi.Add(
	openapi.Op{Route: "GET /api/v1/settings/business-hours", Tag: "Settings", Summary: "The workspace's business hours (no periods: always open)",
		Auth: openapi.Manager, Response: beseda.BusinessHours{}},
	openapi.Op{Route: "PUT /api/v1/settings/business-hours", Tag: "Settings",
		Summary: "Replace the business hours: weekly periods (weekday 0 = Sunday, HH:MM; an end not after the start runs past midnight), a time zone, holidays (needs dialog_settings.edit)",
		Auth:    openapi.Manager, Body: beseda.BusinessHours{}, Response: beseda.BusinessHours{}, Errors: []int{400, 403}},
	openapi.Op{Route: "GET /api/v1/settings/sla-policies", Tag: "Settings", Summary: "SLA policies: targets in minutes of working time per dialog type (type_id null: the default)",
		Auth: openapi.Manager, Response: []beseda.SLAPolicy{}},
	openapi.Op{Route: "POST /api/v1/settings/sla-policies", Tag: "Settings",
		Summary: "Add an SLA policy for a dialog type or the default; 0 minutes: no such target; warn_percent defaults to 80 (dialog_settings.edit)",
		Auth:    openapi.Manager, Body: slaPolicyInput{}, Status: 201, Response: beseda.SLAPolicy{}, Errors: []int{400, 403, 404, 409}},
	openapi.Op{Route: "PATCH /api/v1/settings/sla-policies/{id}", Tag: "Settings",
		Summary: "Change an SLA policy; dialogs keep the targets they got (dialog_settings.edit)",
		Auth:    openapi.Manager, Body: slaPolicyInput{}, Response: beseda.SLAPolicy{}, Errors: []int{400, 403, 404, 409}},
	openapi.Op{Route: "DELETE /api/v1/settings/sla-policies/{id}", Tag: "Settings", Summary: "Remove an SLA policy (dialog_settings.edit)",
		Auth: openapi.Manager, Status: 204, Errors: []int{403, 404}},
)

var _ = openapi.AddWebhooks(
	openapi.Webhook{Event: string(beseda.WebhookDialogSLAWarning), Summary: "A share of an SLA target passed (warn_percent); data is the dialog and sla_target",
		Body: webhookBody[app.SLAEventData]{}},
	openapi.Webhook{Event: string(beseda.WebhookDialogSLABreached), Summary: "An SLA target was missed; data is the dialog and sla_target",
		Body: webhookBody[app.SLAEventData]{}},
)

// slaPolicyInput is the body of a policy's POST and PATCH: every field
// optional in a PATCH, type_id null for the default.
type slaPolicyInput struct {
	Name                 *string         `json:"name"`
	TypeID               json.RawMessage `json:"type_id"`
	FirstResponseMinutes *int            `json:"first_response_minutes"`
	NextResponseMinutes  *int            `json:"next_response_minutes"`
	ResolutionMinutes    *int            `json:"resolution_minutes"`
	WarnPercent          *int            `json:"warn_percent"`
}

// update reads the input as a change.
func (in slaPolicyInput) update() (app.SLAPolicyUpdate, error) {
	u := app.SLAPolicyUpdate{Name: in.Name, FirstResponseMinutes: in.FirstResponseMinutes,
		NextResponseMinutes: in.NextResponseMinutes, ResolutionMinutes: in.ResolutionMinutes, WarnPercent: in.WarnPercent}
	if len(in.TypeID) > 0 {
		u.SetType = true
		if err := json.Unmarshal(in.TypeID, &u.TypeID); err != nil {
			return u, beseda.Errorf(beseda.EINVALID, "type_id must be a dialog type's id or null")
		}
	}
	return u, nil
}

func (h *Handler) listSLAPolicies(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	list, err := h.app.SLA.SLAPolicies(r.Context(), actor)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, list)
}

func (h *Handler) createSLAPolicy(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	h.saveSLAPolicy(w, r, actor, 0)
}

func (h *Handler) updateSLAPolicy(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	id, err := pathID(r, "SLA policy")
	if err != nil {
		Error(w, r, err)
		return
	}
	h.saveSLAPolicy(w, r, actor, id)
}

// saveSLAPolicy creates (id 0: 201) or changes a policy from the body.
func (h *Handler) saveSLAPolicy(w http.ResponseWriter, r *http.Request, actor *beseda.User, id int64) {
	var in slaPolicyInput
	if err := Decode(w, r, &in); err != nil {
		Error(w, r, err)
		return
	}
	u, err := in.update()
	if err != nil {
		Error(w, r, err)
		return
	}
	p, err := h.app.SLA.UpdateSLAPolicy(r.Context(), actor, id, u)
	if err != nil {
		Error(w, r, err)
		return
	}
	status := http.StatusOK
	if id == 0 {
		status = http.StatusCreated
	}
	WriteJSON(w, status, p)
}

func (h *Handler) deleteSLAPolicy(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	id, err := pathID(r, "SLA policy")
	if err != nil {
		Error(w, r, err)
		return
	}
	if err := h.app.SLA.DeleteSLAPolicy(r.Context(), actor, id); err != nil {
		Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) getBusinessHours(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	hours, err := h.app.SLA.BusinessHours(r.Context(), actor)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, hours)
}

func (h *Handler) putBusinessHours(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	var in beseda.BusinessHours
	if err := Decode(w, r, &in); err != nil {
		Error(w, r, err)
		return
	}
	hours, err := h.app.SLA.UpdateBusinessHours(r.Context(), actor, in)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, hours)
}
