package server_test

import (
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// walkSLA walks the routes of the team's clock: business hours.
func walkSLA(t *testing.T, w *testkit.World) {
	owner, manager := w.Owner, w.Manager
	manager.MustDo("GET", "/api/v1/settings/business-hours", nil, 200, nil)
	owner.MustDo("PUT", "/api/v1/settings/business-hours", map[string]any{"time_zone": "Europe/Berlin",
		"periods":  []map[string]any{{"weekday": 1, "start": "09:00", "end": "17:00"}},
		"holidays": []map[string]any{{"date": "2026-12-25", "yearly": true}}}, 200, nil)
	owner.WantError("PUT", "/api/v1/settings/business-hours", map[string]any{"time_zone": "Mars/Olympus"}, 400, beseda.EINVALID)
	manager.WantError("PUT", "/api/v1/settings/business-hours", map[string]any{}, 403, beseda.EFORBIDDEN)

	var p beseda.SLAPolicy
	owner.MustDo("POST", "/api/v1/settings/sla-policies", map[string]any{"name": "Default", "type_id": nil,
		"first_response_minutes": 30, "resolution_minutes": 480}, 201, &p)
	owner.WantError("POST", "/api/v1/settings/sla-policies", map[string]any{"name": "Again", "first_response_minutes": 5}, 409, beseda.ESLAPOLICYEXISTS)
	manager.MustDo("GET", "/api/v1/settings/sla-policies", nil, 200, nil)
	owner.MustDo("PATCH", testkit.Path("/api/v1/settings/sla-policies/%d", p.ID), map[string]any{"warn_percent": 75}, 200, nil)
	d := w.CreateDialog(w.NewVisitor("Timed").SubscriberID, "Timed")
	owner.MustDo("GET", testkit.Path("/api/v1/dialogs/%d", d.ID), nil, 200, nil)
	owner.MustDo("GET", "/api/v1/dialogs", nil, 200, nil)
	w.SetStatus(d.ID, beseda.DialogPaused)
	owner.MustDo("DELETE", testkit.Path("/api/v1/settings/sla-policies/%d", p.ID), nil, 204, nil)
}
