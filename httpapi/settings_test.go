package httpapi_test

import (
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

func TestP1_DefaultTypes(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		for locale, want := range map[beseda.Locale][2]string{
			beseda.LocaleEN: {"Support", "Refund"},
			beseda.LocaleRU: {"Поддержка", "Возврат"},
		} {
			w := testkit.NewWorld(t, srv, locale)
			if len(w.Types) != 2 || w.Types[0].Name != want[0] || w.Types[1].Name != want[1] {
				t.Errorf("%s workspace starts with %+v, want %v", locale, w.Types, want)
			}
			for _, path := range []string{"/api/v1/settings/dialog-reasons", "/api/v1/settings/dialog-components"} {
				var items []beseda.CatalogItem
				w.Manager.MustDo("GET", path, nil, 200, &items)
				if len(items) != 0 {
					t.Errorf("%s starts with %d items, want none", path, len(items))
				}
			}
		}
	})
}

func TestP1_EditingSettingsNeedsPermission(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		for _, path := range []string{"/api/v1/settings/dialog-types", "/api/v1/settings/dialog-reasons", "/api/v1/settings/dialog-components"} {
			w.Manager.WantError("POST", path, map[string]string{"name": "New"}, 403, beseda.EFORBIDDEN)
			var it beseda.CatalogItem
			w.Owner.MustDo("POST", path, map[string]string{"name": "New"}, 201, &it)
			item := testkit.Path("%s/%d", path, it.ID)
			w.Manager.WantError("PATCH", item, map[string]string{"name": "Renamed"}, 403, beseda.EFORBIDDEN)
			w.Manager.WantError("DELETE", item, nil, 403, beseda.EFORBIDDEN)
		}
		// Granting the permission lets the manager edit.
		w.Owner.MustDo("PATCH", testkit.Path("/api/v1/users/%d", w.ManagerID),
			map[string]any{"permissions": []string{"dialog_settings.edit"}}, 200, nil)
		var it beseda.CatalogItem
		w.Manager.MustDo("POST", "/api/v1/settings/dialog-reasons", map[string]string{"name": "Granted"}, 201, &it)
		w.Manager.MustDo("PATCH", testkit.Path("/api/v1/settings/dialog-reasons/%d", it.ID), map[string]string{"name": "Granted 2"}, 200, &it)
		if it.Name != "Granted 2" {
			t.Errorf("renamed to %q", it.Name)
		}
		w.Manager.MustDo("DELETE", testkit.Path("/api/v1/settings/dialog-reasons/%d", it.ID), nil, 204, nil)
	})
}

func TestP1_RemovedItemsStayOnDialogs(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v := w.NewVisitor("Anna")
		var reason, extraType beseda.CatalogItem
		w.Owner.MustDo("POST", "/api/v1/settings/dialog-reasons", map[string]string{"name": "Old reason"}, 201, &reason)
		w.Owner.MustDo("POST", "/api/v1/settings/dialog-types", map[string]string{"name": "Sales"}, 201, &extraType)
		var d beseda.Dialog
		w.Owner.MustDo("POST", "/api/v1/dialogs", map[string]any{"subscriber_id": v.SubscriberID, "title": "Case",
			"type_id": extraType.ID, "reason_ids": []int64{reason.ID}}, 201, &d)
		w.Owner.MustDo("DELETE", testkit.Path("/api/v1/settings/dialog-reasons/%d", reason.ID), nil, 204, nil)
		w.Owner.MustDo("DELETE", testkit.Path("/api/v1/settings/dialog-types/%d", extraType.ID), nil, 204, nil)

		var items []beseda.CatalogItem
		w.Owner.MustDo("GET", "/api/v1/settings/dialog-reasons", nil, 200, &items)
		if len(items) != 0 {
			t.Errorf("removed reason still offered: %+v", items)
		}
		var got beseda.Dialog
		path := testkit.Path("/api/v1/dialogs/%d", d.ID)
		w.Owner.MustDo("GET", path, nil, 200, &got)
		if got.Type.Name != "Sales" || len(got.Reasons) != 1 || got.Reasons[0].Name != "Old reason" {
			t.Errorf("the dialog lost removed settings: type %+v reasons %+v", got.Type, got.Reasons)
		}
		// The dialog may keep the removed reason, but nobody can newly choose it.
		w.Owner.MustDo("PATCH", path, map[string]any{"reason_ids": []int64{reason.ID}, "title": "Case 2"}, 200, nil)
		v2 := w.NewVisitor("Boris")
		w.Owner.WantError("POST", "/api/v1/dialogs", map[string]any{"subscriber_id": v2.SubscriberID, "title": "New",
			"type_id": extraType.ID}, 400, beseda.EINVALID)
		w.Owner.WantError("POST", "/api/v1/dialogs", map[string]any{"subscriber_id": v2.SubscriberID, "title": "New",
			"type_id": w.Types[0].ID, "reason_ids": []int64{reason.ID}}, 400, beseda.EINVALID)
		// Removing twice: it is gone.
		w.Owner.WantError("DELETE", testkit.Path("/api/v1/settings/dialog-reasons/%d", reason.ID), nil, 404, beseda.ENOTFOUND)
	})
}

func TestP1_LastTypeCannotBeRemoved(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		w.Owner.MustDo("DELETE", testkit.Path("/api/v1/settings/dialog-types/%d", w.Types[0].ID), nil, 204, nil)
		w.Owner.WantError("DELETE", testkit.Path("/api/v1/settings/dialog-types/%d", w.Types[1].ID), nil, 409, beseda.ELASTTYPE)
		var items []beseda.CatalogItem
		w.Owner.MustDo("GET", "/api/v1/settings/dialog-types", nil, 200, &items)
		if len(items) != 1 || items[0].ID != w.Types[1].ID {
			t.Errorf("types left: %+v", items)
		}
	})
}

func TestP1_NamesAreValidatedAndUnique(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		path := "/api/v1/settings/dialog-components"
		w.Owner.WantError("POST", path, map[string]string{"name": "  "}, 400, beseda.EINVALID)
		w.Owner.WantError("POST", path, map[string]any{"name": 3}, 400, beseda.EINVALID)
		var it beseda.CatalogItem
		w.Owner.MustDo("POST", path, map[string]string{"name": " Funnels "}, 201, &it)
		if it.Name != "Funnels" {
			t.Errorf("name stored as %q", it.Name)
		}
		w.Owner.WantError("POST", path, map[string]string{"name": "FUNNELS"}, 409, beseda.ENAMETAKEN)
		var other beseda.CatalogItem
		w.Owner.MustDo("POST", path, map[string]string{"name": "Broadcasts"}, 201, &other)
		w.Owner.WantError("PATCH", testkit.Path("%s/%d", path, other.ID), map[string]string{"name": "funnels"}, 409, beseda.ENAMETAKEN)
		// A removed name can be used again.
		w.Owner.MustDo("DELETE", testkit.Path("%s/%d", path, it.ID), nil, 204, nil)
		w.Owner.MustDo("POST", path, map[string]string{"name": "Funnels"}, 201, nil)
		w.Owner.WantError("PATCH", path+"/999999", map[string]string{"name": "x"}, 404, beseda.ENOTFOUND)
	})
}
