package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// TestSearchPage_GroupsEscapesAndLinks: the console's search shows
// messages, dialogs and clients in groups, the word being typed as a
// prefix, each snippet escaped with only the hits marked, and links that
// open a message in its dialog or chat (#m…); a bad filter is said in the
// manager's language.
func TestSearchPage_GroupsEscapesAndLinks(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleRU)
		v := w.NewVisitor("Кот <b>Учёный</b>")
		v.Say(`Верните <script>оплату</script> за кота`)
		d := w.CreateDialog(v.SubscriberID, "Возврат оплаты коту")
		var inDialog beseda.Message
		w.Owner.MustDo("POST", testkit.Path("/api/v1/dialogs/%d/messages", d.ID), map[string]any{"text": "Оплатили обратно"}, 201, &inDialog)
		var first beseda.SearchPage
		w.Owner.MustDo("GET", "/api/v1/search?q=%D0%B2%D0%B5%D1%80%D0%BD%D0%B8%D1%82%D0%B5", nil, 200, &first) // верните
		w.Manager.MustDo("PATCH", "/api/v1/me", map[string]string{"locale": "ru"}, 200, nil)
		c := consoleOf(t, w, w.Manager)

		page := string(c.Get("/search?q=" + "опла").Body) // no such word: the start of one
		for _, want := range []string{
			`id="found-message"`, `id="found-dialog"`,
			`Верните &lt;script&gt;<mark>оплату</mark>&lt;/script&gt; за кота`,
			`<mark>Оплатили</mark> обратно`,
			testkit.Path(`href="/chats/%d?at=%d#m%d"`, v.SubscriberID, first.Items[0].ID, first.Items[0].ID),
			testkit.Path(`href="/dialogs/%d?at=%d#m%d"`, d.ID, inDialog.ID, inDialog.ID),
			testkit.Path(`href="/dialogs/%d"`, d.ID),
			`Кот &lt;b&gt;Учёный&lt;/b&gt;`,
		} {
			if !strings.Contains(page, want) {
				t.Errorf("the search page lacks %s", want)
			}
		}
		if strings.Contains(page, "<script>оплату") || strings.Contains(page, "<b>Учёный") {
			t.Errorf("the search page shows a client's HTML as HTML")
		}
		clients := string(c.Get("/search?q=учен&kind=subscriber").Body)
		if !strings.Contains(clients, testkit.Path(`href="/chats/%d"`, v.SubscriberID)) || strings.Contains(clients, `id="found-message"`) {
			t.Errorf("clients by name: the client is missing, or other kinds shown")
		}
		if none := string(c.Get("/search?q=носорог").Body); !strings.Contains(none, `id="search-none"`) {
			t.Errorf("no hit: no 'nothing found'")
		}
		res := c.Get("/search?q=кот&from=2030-01-01&to=2020-01-01")
		if res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), "должно быть раньше") {
			t.Errorf("a bad range: %d, the message not in Russian: %s", res.Status, res.Body)
		}
		if chats := string(c.Get("/chats").Body); !strings.Contains(chats, `action="/search"`) || !strings.Contains(chats, `aria-keyshortcuts="/"`) {
			t.Errorf("the Chats page has no search box")
		}
	})
}
