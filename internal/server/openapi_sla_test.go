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
}
