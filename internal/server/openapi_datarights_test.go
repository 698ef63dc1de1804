package server_test

import (
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// walkDataRights walks the audit log's and the data rights' routes.
func walkDataRights(t *testing.T, w *testkit.World) {
	owner, manager := w.Owner, w.Manager
	owner.MustDo("GET", "/api/v1/audit?limit=2", nil, 200, nil)
	owner.MustDo("GET", "/api/v1/audit?action=auth.sign_in&format=csv", nil, 200, nil)
	owner.WantError("GET", "/api/v1/audit?action=bad", nil, 400, beseda.EINVALID)
	manager.WantError("GET", "/api/v1/audit", nil, 403, beseda.EFORBIDDEN)

	owner.MustDo("GET", "/api/v1/settings/retention", nil, 200, nil)
	owner.MustDo("PUT", "/api/v1/settings/retention", map[string]any{"messages_days": 365, "files_days": 90, "audit_days": nil}, 200, nil)
	owner.WantError("PUT", "/api/v1/settings/retention", map[string]any{"messages_days": 0}, 400, beseda.EINVALID)
	manager.WantError("GET", "/api/v1/settings/retention", nil, 403, beseda.EFORBIDDEN)
	v := w.NewVisitor("Leaving")
	v.Say("erase me")
	owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d/export", v.SubscriberID), nil, 200, nil)
	owner.MustDo("POST", testkit.Path("/api/v1/subscribers/%d/erase", v.SubscriberID), nil, 200, nil)
	manager.WantError("POST", testkit.Path("/api/v1/subscribers/%d/erase", v.SubscriberID), nil, 403, beseda.EFORBIDDEN)
	owner.WantError("GET", "/api/v1/subscribers/999999/export", nil, 404, beseda.ENOTFOUND)
}
