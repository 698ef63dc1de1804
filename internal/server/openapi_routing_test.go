package server_test

import (
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// walkRouting walks the routes of chat routing and the SLA report.
func walkRouting(t *testing.T, w *testkit.World) {
	owner, manager := w.Owner, w.Manager
	manager.MustDo("GET", "/api/v1/settings/routing", nil, 200, nil)
	owner.MustDo("PUT", "/api/v1/settings/routing", map[string]any{"policy": "least_busy", "away_after_minutes": 10}, 200, nil)
	owner.WantError("PUT", "/api/v1/settings/routing", map[string]any{"policy": "fastest"}, 400, beseda.EINVALID)
	manager.MustDo("PATCH", "/api/v1/me", map[string]any{"availability": "online"}, 200, nil)
	v := w.NewVisitor("Routed Client")
	v.Say("hello")
	sub := testkit.Path("/api/v1/subscribers/%d", v.SubscriberID)
	manager.MustDo("PATCH", sub, map[string]any{"assignee_id": nil}, 200, nil)
	manager.MustDo("PATCH", sub, map[string]any{"assignee_id": w.OwnerID}, 200, nil)
	manager.WantError("PATCH", sub, map[string]any{"assignee_id": "x"}, 400, beseda.EINVALID)
	manager.MustDo("GET", sub+"/events", nil, 200, nil)
	manager.MustDo("GET", "/api/v1/subscribers?assignee=me", nil, 200, nil)
	owner.MustDo("GET", "/api/v1/reports/sla", nil, 200, nil)
	owner.MustDo("GET", "/api/v1/reports/sla?format=csv", nil, 200, nil)
	manager.WantError("GET", "/api/v1/reports/sla", nil, 403, beseda.EFORBIDDEN)
}
