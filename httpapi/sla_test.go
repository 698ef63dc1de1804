package httpapi_test

import (
	"reflect"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// TestT1_BusinessHoursAPI: the hours are read by every manager, replaced
// whole by those who may edit dialog settings, kept in a canonical order,
// refused with invalid_input when wrong, and seen by no other workspace.
func TestT1_BusinessHoursAPI(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		const path = "/api/v1/settings/business-hours"
		var h beseda.BusinessHours
		w.Manager.MustDo("GET", path, nil, 200, &h)
		if h.TimeZone != "UTC" || len(h.Periods) != 0 || len(h.Holidays) != 0 || h.UpdatedAt != nil {
			t.Fatalf("a new workspace's hours are %+v, want always open in UTC", h)
		}
		in := map[string]any{"time_zone": "Europe/Berlin",
			"periods": []map[string]any{{"weekday": 5, "start": "22:00", "end": "06:00"}, {"weekday": 1, "start": "13:00", "end": "17:00"},
				{"weekday": 1, "start": "09:00", "end": "12:00"}},
			"holidays": []map[string]any{{"date": "2026-12-31"}, {"date": "2026-12-25", "yearly": true}}}
		w.Manager.WantError("PUT", path, in, 403, beseda.EFORBIDDEN)
		w.Owner.MustDo("PUT", path, in, 200, &h)
		var got beseda.BusinessHours
		w.Manager.MustDo("GET", path, nil, 200, &got)
		want := []beseda.Period{{Weekday: 1, Start: "09:00", End: "12:00"}, {Weekday: 1, Start: "13:00", End: "17:00"}, {Weekday: 5, Start: "22:00", End: "06:00"}}
		if got.TimeZone != "Europe/Berlin" || !reflect.DeepEqual(got.Periods, want) || got.UpdatedAt == nil ||
			!reflect.DeepEqual(got.Holidays, []beseda.Holiday{{Date: "2026-12-25", Yearly: true}, {Date: "2026-12-31"}}) {
			t.Fatalf("stored hours are %+v", got)
		}
		for name, bad := range map[string]map[string]any{
			"zone":    {"time_zone": "Nowhere/Land"},
			"weekday": {"periods": []map[string]any{{"weekday": 7, "start": "09:00", "end": "10:00"}}},
			"time":    {"periods": []map[string]any{{"weekday": 1, "start": "9:00", "end": "10:00"}}},
			"date":    {"holidays": []map[string]any{{"date": "31.12.2026"}}},
		} {
			if res := w.Owner.WantError("PUT", path, bad, 400, beseda.EINVALID); res == nil {
				t.Errorf("%s: accepted", name)
			}
		}
		w.Owner.MustDo("GET", path, nil, 200, &got)
		if !reflect.DeepEqual(got.Periods, want) {
			t.Fatalf("a refused change changed the hours: %+v", got.Periods)
		}

		other := testkit.NewWorld(t, w.Srv, beseda.LocaleEN)
		other.Owner.MustDo("GET", path, nil, 200, &got)
		if len(got.Periods) != 0 || got.TimeZone != "UTC" {
			t.Fatalf("another workspace sees %+v (P3)", got)
		}
	})
}
