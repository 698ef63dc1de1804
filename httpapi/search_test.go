package httpapi_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// search runs GET /api/v1/search with the query parameters (pairs) and
// returns the page.
func search(t *testing.T, c *testkit.Client, params ...string) beseda.SearchPage {
	t.Helper()
	v := url.Values{}
	for i := 0; i+1 < len(params); i += 2 {
		v.Set(params[i], params[i+1])
	}
	var page beseda.SearchPage
	c.MustDo("GET", "/api/v1/search?"+v.Encode(), nil, 200, &page)
	return page
}

// foundTexts returns the snippets of a search with their marks removed.
func foundTexts(t *testing.T, c *testkit.Client, params ...string) []string {
	t.Helper()
	var out []string
	for _, h := range search(t, c, params...).Items {
		out = append(out, strings.NewReplacer("<mark>", "", "</mark>", "").Replace(h.Snippet))
	}
	return out
}

func sameSet(got, want []string) bool {
	got, want = slices.Clone(got), slices.Clone(want)
	slices.Sort(got)
	slices.Sort(want)
	return slices.Equal(got, want)
}

// TestSearch_Language: Russian and English words find their other forms,
// case and ё/е do not matter, "…" is a phrase, a trailing * a prefix; on
// both databases, whose indexes (tsvector; FTS5 over Snowball stems) must
// agree.
func TestSearch_Language(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		v := w.NewVisitor("Anna")
		texts := []string{
			"Я оплатил заказ вчера",
			"Нет оплаты по счёту",
			"Оплата не прошла",
			"Доставка задерживается",
			"Two refunds please",
			"It was refunded yesterday",
			"REFUND me",
			"Новая Ёлка стоит у входа",
			"новая елка и старая",
			"the order was late again",
			"late was the order",
		}
		for _, s := range texts {
			v.Say(s)
		}
		for _, c := range []struct {
			q    string
			want []string
		}{
			{"оплата", texts[0:3]},
			{"ОПЛАТИЛ", texts[0:3]},
			{"refund", texts[4:7]},
			{"Refunded", texts[4:7]},
			{"ёлка", texts[7:9]},
			{"елка", texts[7:9]},
			{"новая ЕЛКА", texts[7:9]},
			{`"order was late"`, texts[9:10]},
			{`"late order"`, nil},
			{"late order", texts[9:11]},
			{"опла*", texts[0:3]},
			{"refu*", texts[4:7]},
			{"оплата refund", nil},
			{"задерживается", texts[3:4]},
			{"счет", texts[1:2]},
		} {
			if got := foundTexts(t, w.Manager, "q", c.q); !sameSet(got, c.want) {
				t.Errorf("%q found %q, want %q", c.q, got, c.want)
			}
		}
		// Newest first by default.
		page := search(t, w.Manager, "q", "оплата")
		if len(page.Items) != 3 || page.Items[0].ID < page.Items[1].ID || page.Items[1].ID < page.Items[2].ID {
			t.Errorf("not newest first: %+v", page.Items)
		}
		if h := page.Items[0]; h.Kind != beseda.SearchMessages || h.SubscriberID != v.SubscriberID || h.Title != "Anna" ||
			h.Snippet != "<mark>Оплата</mark> не прошла" {
			t.Errorf("a hit: %+v", h)
		}
	})
}

// TestSearch_SnippetEscapesHTML: what a client typed is escaped; only the
// marks are HTML.
func TestSearch_SnippetEscapesHTML(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		w.NewVisitor(`<img src=x onerror=alert(1)>`).Say(`<script>alert("refund")</script> & <b>refund</b>`)
		page := search(t, w.Manager, "q", "refund")
		want := `&lt;script&gt;alert(&#34;<mark>refund</mark>&#34;)&lt;/script&gt; &amp; &lt;b&gt;<mark>refund</mark>&lt;/b&gt;`
		if len(page.Items) != 1 || page.Items[0].Snippet != want {
			t.Fatalf("snippet %+v, want %s", page.Items, want)
		}
		subs := search(t, w.Manager, "q", "img", "kind", "subscriber")
		if len(subs.Items) != 1 || strings.Contains(subs.Items[0].Snippet, "<img") {
			t.Errorf("a client's name: %+v", subs.Items)
		}
	})
}

// TestSearch_P3_Tenants: a search never finds another workspace's messages,
// clients or dialogs, whatever its filters name.
func TestSearch_P3_Tenants(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		a, b := testkit.NewWorld(t, srv, beseda.LocaleEN), testkit.NewWorld(t, srv, beseda.LocaleEN)
		va, vb := a.NewVisitor("Walrus Alpha"), b.NewVisitor("Walrus Beta")
		va.Say("walrus invoice from shop A")
		vb.Say("walrus invoice from shop B")
		a.CreateDialog(va.SubscriberID, "Walrus case A")
		b.CreateDialog(vb.SubscriberID, "Walrus case B")
		for _, kind := range []string{"message", "subscriber", "dialog"} {
			for _, w := range []struct {
				c    *testkit.Client
				want string
				subs int64
			}{{a.Manager, "A", va.SubscriberID}, {b.Owner, "B", vb.SubscriberID}} {
				page := search(t, w.c, "q", "walrus", "kind", kind)
				if len(page.Items) != 1 || page.Items[0].SubscriberID != w.subs {
					t.Errorf("%s in workspace %s: %+v", kind, w.want, page.Items)
				}
			}
		}
		// Workspace B's channel named by A finds nothing of B's.
		var chans []testkit.ChannelInfo
		b.Owner.MustDo("GET", "/api/v1/channels", nil, 200, &chans)
		if page := search(t, a.Manager, "q", "walrus", "channel_id", testkit.Path("%d", chans[0].ID)); len(page.Items) != 0 {
			t.Errorf("workspace A sees B's channel: %+v", page.Items)
		}
	})
}

// TestSearch_NotesManagersOnly: every manager of the workspace, also one
// with no permission and no part in the dialog, finds its messages and
// internal notes, as the console shows them; a web-chat client cannot
// search, and its widget never shows a note.
func TestSearch_NotesManagersOnly(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		v := w.NewVisitor("Boris")
		v.Say("my parcel never came")
		d := w.CreateDialog(v.SubscriberID, "Lost parcel", w.OwnerID)
		var note beseda.Message
		w.Owner.MustDo("POST", testkit.Path("/api/v1/dialogs/%d/messages", d.ID),
			map[string]any{"text": "Parcel: refund secretly, VIP", "internal": true}, 201, &note)
		other := w.NewManager()
		for _, c := range []*testkit.Client{w.Owner, w.Manager, other} {
			page := search(t, c, "q", "parcel")
			if len(page.Items) != 2 || page.Items[0].ID != note.ID || !page.Items[0].Internal ||
				page.Items[0].DialogID == nil || *page.Items[0].DialogID != d.ID || page.Items[1].Internal {
				t.Errorf("a manager's search: %+v", page.Items)
			}
		}
		// The client: no search with a visitor token, no note in the widget.
		v.WantError("GET", "/api/v1/search?q=parcel", nil, 401, beseda.EUNAUTHORIZED)
		for _, m := range v.Messages() {
			if strings.Contains(m.Text, "VIP") {
				t.Errorf("the client sees the note: %+v", m)
			}
		}
		testkit.NewClient(t, srv.URL).WantError("GET", "/api/v1/search?q=parcel", nil, 401, beseda.EUNAUTHORIZED)
	})
}

// TestSearch_KindsFiltersAndPages: clients by name, dialogs by title and by
// type; filters by status, manager, time and "in dialogs"; pages by cursor
// cover every hit once; bad input is 400.
func TestSearch_KindsFiltersAndPages(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleRU)
		v := w.NewVisitor("Фёдор Кошкин")
		v.Say("кошка до диалога")
		d := w.CreateDialog(v.SubscriberID, "Кошка потерялась", w.ManagerID)
		for range 5 {
			v.Say("кошка в диалоге")
		}
		w.SetStatus(d.ID, beseda.DialogPaused)

		if got := foundTexts(t, w.Owner, "q", "федор", "kind", "subscriber"); len(got) != 1 {
			t.Errorf("clients named федор: %q", got)
		}
		if got := foundTexts(t, w.Owner, "q", "кошки", "kind", "dialog"); len(got) != 1 || got[0] != "Кошка потерялась" {
			t.Errorf("dialogs by title: %q", got)
		}
		// The first default type is Поддержка (P1): a dialog found by its type.
		if got := foundTexts(t, w.Owner, "q", "поддержки", "kind", "dialog"); len(got) != 1 || !strings.Contains(got[0], "Поддержка") {
			t.Errorf("dialogs by type: %q", got)
		}
		count := func(params ...string) int {
			return len(search(t, w.Owner, append([]string{"q", "кошка"}, params...)...).Items)
		}
		for _, c := range []struct {
			params []string
			want   int
		}{
			{nil, 6},
			{[]string{"in_dialogs", "true"}, 5},
			{[]string{"status", "paused"}, 5},
			{[]string{"status", "active"}, 0},
			{[]string{"manager_id", testkit.Path("%d", w.ManagerID)}, 5},
			{[]string{"manager_id", testkit.Path("%d", w.OwnerID)}, 5}, // the creator takes part
			{[]string{"from", "2999-01-01"}, 0},
			{[]string{"to", "2000-01-01"}, 0},
			{[]string{"kind", "dialog", "status", "completed"}, 0},
			{[]string{"kind", "subscriber", "in_dialogs", "true"}, 0}, // the client's name has no кошка
			{[]string{"order", "relevance"}, 6},
		} {
			if got := count(c.params...); got != c.want {
				t.Errorf("%v: %d hits, want %d", c.params, got, c.want)
			}
		}
		for _, order := range []string{"newest", "relevance"} {
			seen := map[int64]bool{}
			cursor := ""
			for pages := 0; ; pages++ {
				page := search(t, w.Owner, "q", "кошка", "limit", "4", "order", order, "cursor", cursor)
				for _, h := range page.Items {
					if seen[h.ID] {
						t.Errorf("%s: message %d twice", order, h.ID)
					}
					seen[h.ID] = true
				}
				if cursor = page.NextCursor; cursor == "" || pages > 3 {
					break
				}
			}
			if len(seen) != 6 {
				t.Errorf("%s: pages held %d hits, want 6", order, len(seen))
			}
		}
		for _, bad := range []string{"q=", "q=%22%22", "q=a&kind=chat", "q=a&order=old", "q=a&cursor=zz", "q=a&cursor=o5",
			"q=a&status=open", "q=a&from=yesterday", "q=a&in_dialogs=maybe", "q=a&manager_id=-1",
			"q=" + strings.Repeat("x", 201)} {
			w.Owner.WantError("GET", "/api/v1/search?"+bad, nil, 400, beseda.EINVALID)
		}
	})
}
