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
}
