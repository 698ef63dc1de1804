package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// TestT6_ReportPageShowsSLA: the report page shows the SLA figures — in
// total, per manager, type and day — and links their CSV; in Russian too.
func TestT6_ReportPageShowsSLA(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		var owner beseda.User
		w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &owner)
		c := testkit.ConsoleLogin(t, srv.URL, owner.Email, testkit.TestPassword)
		if body := string(c.Get("/report").Body); !strings.Contains(body, `id="sla-none"`) {
			t.Fatalf("without SLA targets the report says so")
		}
		w.Owner.MustDo("POST", "/api/v1/settings/sla-policies", map[string]any{"name": "Default", "first_response_minutes": 60}, 201, nil)
		d := w.CreateDialog(w.NewVisitor("Anna").SubscriberID, "Refund")
		srv.Clock.Advance(90 * time.Second)
		w.Owner.MustDo("POST", testkit.Path("/api/v1/dialogs/%d/messages", d.ID), map[string]string{"text": "Hello"}, 201, nil)
		body := string(c.Get("/report").Body)
		for _, want := range []string{`id="sla-table"`, "By manager", "Olga Owner", "By type", w.Types[0].Name, "By day", "100 %",
			`href="/api/v1/reports/sla?`} {
			if !strings.Contains(body, want) {
				t.Errorf("the report page lacks %q", want)
			}
		}
		w.Owner.MustDo("PATCH", "/api/v1/me", map[string]string{"locale": "ru"}, 200, nil)
		if body := string(c.Get("/report").Body); !strings.Contains(body, "Сроки соблюдены") || !strings.Contains(body, "По менеджерам") {
			t.Errorf("the Russian report lacks the SLA words")
		}
	})
}
