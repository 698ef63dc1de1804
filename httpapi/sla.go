package httpapi

import (
	"net/http"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/openapi"
)

// slaRoutes are the routes of the team's clock: business hours.
func (h *Handler) slaRoutes() []route {
	return []route{
		{"GET /api/v1/settings/business-hours", h.getBusinessHours},
		{"PUT /api/v1/settings/business-hours", h.putBusinessHours},
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
)

func (h *Handler) getBusinessHours(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	hours, err := h.app.BusinessHours(r.Context(), actor)
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
	hours, err := h.app.UpdateBusinessHours(r.Context(), actor, in)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, hours)
}
