package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// alertOf is the error a console page shows, as text.
func alertOf(t *testing.T, body []byte) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<div class="alert" role="alert">(.*?)</div>`).FindSubmatch(body)
	if m == nil {
		t.Fatalf("the page shows no error")
	}
	return html.UnescapeString(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(string(m[1]), ""))
}

// TestConsoleErrorsSpeakTheManagersLanguage: the console's errors are in the
// manager's language, naming fields and permissions as the forms do — no
// English and no machine names (config.app_secret, dialog_settings.edit) in
// a Russian console; the API keeps its codes and English messages.
func TestConsoleErrorsSpeakTheManagersLanguage(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleRU)
		for _, c := range []*testkit.Client{w.Owner, w.Manager} {
			c.MustDo("PATCH", "/api/v1/me", map[string]string{"locale": "ru"}, http.StatusOK, nil)
		}
		owner, manager := consoleOf(t, w, w.Owner), consoleOf(t, w, w.Manager)
		latin := regexp.MustCompile(`[A-Za-z_]{3,}`)
		check := func(what, got string, want ...string) {
			t.Helper()
			for _, s := range want {
				if !strings.Contains(got, s) {
					t.Errorf("%s: %q lacks %q", what, got, s)
				}
			}
			if words := latin.FindAllString(got, -1); len(words) > 0 {
				t.Errorf("%s: %q has English or machine names %v", what, got, words)
			}
		}

		// A channel's missing setting, by its label.
		res := owner.Post("/settings/channels", url.Values{"kind": {"messenger"}, "name": {"Страница"}, "config.page_id": {"123"},
			"config.page_access_token": {"token"}})
		check("a missing setting", alertOf(t, owner.Get(res.Header.Get("Location")).Body), "Секрет приложения", "обязательное поле")

		// A permission, by its name in the users' settings.
		res = manager.Get("/settings/dialogs")
		if res.Status != http.StatusForbidden {
			t.Fatalf("a manager without the permission: %d", res.Status)
		}
		check("a missing permission", alertOf(t, res.Body), "Может редактировать настройки диалогов")

		// A field of the standard messages, by its label.
		res = owner.Post("/settings/standard-messages", url.Values{"ru.caption_bad": {""}, "ru.caption_normal": {"Нормально"},
			"ru.caption_excellent": {"Отлично"}, "ru.rating_prompt": {"Оцените"}, "ru.thank_you": {"Спасибо"}})
		check("an empty caption", alertOf(t, owner.Get(res.Header.Get("Location")).Body), "Кнопка «1»", "от 1 до 20 символов")

		// A dialog's title, and a dialog that is not there.
		v := w.NewVisitor("Анна")
		d := w.CreateDialog(v.SubscriberID, "Вопрос")
		res = owner.Post(testkit.Path("/dialogs/%d", d.ID), url.Values{"title": {strings.Repeat("я", 201)},
			"type_id": {testkit.Path("%d", w.Types[0].ID)}})
		check("a long title", alertOf(t, owner.Get(res.Header.Get("Location")).Body), "Название: от 1 до 200 символов")
		check("a missing dialog", alertOf(t, owner.Get("/dialogs/999999").Body), "Не найдено", "диалог")

		// The API keeps its machine-readable words.
		w.Owner.MustDo("POST", "/api/v1/channels", map[string]any{"kind": "messenger", "name": "P",
			"config": map[string]string{"page_id": "1", "page_access_token": "t"}}, http.StatusBadRequest, nil)
		api := w.Owner.WantError("POST", "/api/v1/channels", map[string]any{"kind": "messenger", "name": "P",
			"config": map[string]string{"page_id": "1", "page_access_token": "t"}}, http.StatusBadRequest, beseda.EINVALID)
		if !strings.Contains(string(api.Body), "config.app_secret is required") {
			t.Errorf("the API's message changed: %s", api.Body)
		}
	})
}
