package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// TestL2_ReportFilterOffersRemovedItemsOfThePeriod: a type, reason or
// component removed from the settings stays on its dialogs and in the
// report's totals, so the report's filter still offers it — marked as
// removed — while dialogs of the period have it, and filtering by it works.
func TestL2_ReportFilterOffersRemovedItemsOfThePeriod(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		var legacy, oldReason, oldPart beseda.CatalogItem
		w.Owner.MustDo("POST", "/api/v1/settings/dialog-types", map[string]string{"name": "Legacy"}, 201, &legacy)
		w.Owner.MustDo("POST", "/api/v1/settings/dialog-reasons", map[string]string{"name": "Old reason"}, 201, &oldReason)
		w.Owner.MustDo("POST", "/api/v1/settings/dialog-components", map[string]string{"name": "Old part"}, 201, &oldPart)
		v := w.NewVisitor("Anna")
		w.Owner.MustDo("POST", "/api/v1/dialogs", map[string]any{"subscriber_id": v.SubscriberID, "title": "Legacy case",
			"type_id": legacy.ID, "reason_ids": []int64{oldReason.ID}, "component_ids": []int64{oldPart.ID}}, 201, nil)
		w.CreateDialog(w.NewVisitor("Boris").SubscriberID, "Current case")
		for _, path := range []string{testkit.Path("dialog-types/%d", legacy.ID), testkit.Path("dialog-reasons/%d", oldReason.ID),
			testkit.Path("dialog-components/%d", oldPart.ID)} {
			w.Owner.MustDo("DELETE", "/api/v1/settings/"+path, nil, 204, nil)
		}
		c := consoleOf(t, w, w.Owner)
		page := string(c.Get("/report?from=2026-03-01&to=2026-03-31").Body)
		for _, want := range []string{
			testkit.Path(`<option value="%d">Legacy (removed)</option>`, legacy.ID),
			testkit.Path(`<option value="%d">Old reason (removed)</option>`, oldReason.ID),
			testkit.Path(`<option value="%d">Old part (removed)</option>`, oldPart.ID),
		} {
			if !strings.Contains(page, want) {
				t.Errorf("the filter does not offer %s", want)
			}
		}
		filtered := string(c.Get(testkit.Path("/report?type_id=%d&reason_id=%d", legacy.ID, oldReason.ID)).Body)
		if !strings.Contains(filtered, "Legacy case") || strings.Contains(filtered, "Current case") {
			t.Errorf("filtering by the removed type and reason does not show its dialog alone")
		}
		// A period without dialogs that have them offers them no more.
		later := string(c.Get("/report?from=2026-04-01&to=2026-04-30").Body)
		if strings.Contains(later, "(removed)") {
			t.Errorf("a period without them still offers removed items")
		}
		var rep beseda.Report
		w.Owner.MustDo("GET", testkit.Path("/api/v1/reports/dialogs?type_id=%d", legacy.ID), nil, http.StatusOK, &rep)
		if rep.Totals.Dialogs != 1 {
			t.Errorf("the totals count %d dialogs of the removed type", rep.Totals.Dialogs)
		}
	})
}
