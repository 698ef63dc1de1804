package web_test

import (
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// TestL3_HistoryIsToldInThePastTense: a dialog's history says what happened
// in the past tense — in Russian in a form that fits any actor («создан
// диалог», «изменён статус»), in English likewise — never «создаёт».
func TestL3_HistoryIsToldInThePastTense(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		var reason beseda.CatalogItem
		w.Owner.MustDo("POST", "/api/v1/settings/dialog-reasons", map[string]string{"name": "Billing"}, 201, &reason)
		v := w.NewVisitor("Anna")
		d := w.CreateDialog(v.SubscriberID, "Case", w.ManagerID)
		path := testkit.Path("/api/v1/dialogs/%d", d.ID)
		w.Owner.MustDo("PATCH", path, map[string]any{"title": "Case 2", "type_id": w.Types[1].ID, "reason_ids": []int64{reason.ID},
			"participant_ids": []int64{w.OwnerID}}, 200, nil)
		w.Owner.MustDo("PATCH", path, map[string]any{"status": "completed", "account_rating": 2, "send_rating_form": true}, 200, nil)

		history := func(c *testkit.Console) []string {
			page := string(c.Get(testkit.Path("/dialogs/%d", d.ID)).Body)
			var out []string
			for _, m := range regexp.MustCompile(`(?s)<li[^>]*><time>[^<]*</time> <span>(.*?)</span></li>`).FindAllStringSubmatch(page, -1) {
				out = append(out, html.UnescapeString(m[1]))
			}
			return out
		}
		owner := consoleOf(t, w, w.Owner)
		en := strings.Join(history(owner), "\n")
		for _, want := range []string{"Olga Owner created the dialog", "Olga Owner renamed it", "Olga Owner changed the type",
			"Olga Owner changed the reasons: +Billing", "Olga Owner added Misha Manager", "Olga Owner removed Misha Manager",
			"Olga Owner changed the status: Active → Completed", "Olga Owner rated the client: 2", "Olga Owner sent the rating form"} {
			if !strings.Contains(en, want) {
				t.Errorf("the English history lacks %q:\n%s", want, en)
			}
		}
		w.Owner.MustDo("PATCH", "/api/v1/me", map[string]string{"locale": "ru"}, 200, nil)
		ru := strings.Join(history(owner), "\n")
		for _, want := range []string{"Olga Owner: создан диалог", "Olga Owner: изменено название: «Case» → «Case 2»",
			"Olga Owner: изменён тип", "Olga Owner: изменены причины: +Billing", "Olga Owner: добавлен участник Misha Manager",
			"Olga Owner: убран участник Misha Manager", "Olga Owner: изменён статус: Активен → Завершён",
			"Olga Owner: поставлена оценка клиенту: 2", "Olga Owner: отправлена форма оценки"} {
			if !strings.Contains(ru, want) {
				t.Errorf("the Russian history lacks %q:\n%s", want, ru)
			}
		}
		for _, present := range []string{"создаёт", "меняет", "добавляет", "убирает", "оценивает", "отправляет"} {
			if strings.Contains(ru, present) {
				t.Errorf("the Russian history is in the present tense: %q", present)
			}
		}
	})
}
