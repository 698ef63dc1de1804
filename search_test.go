package beseda_test

import (
	"testing"

	"github.com/beseda/beseda"
)

func mustQuery(t *testing.T, q string) beseda.SearchQuery {
	t.Helper()
	sq, err := beseda.ParseSearchQuery(q)
	if err != nil {
		t.Fatalf("parse %q: %v", q, err)
	}
	return sq
}

// TestSearch_StemmingBothLanguages: a word matches its other forms in
// Russian and English, whatever the case and ё/е.
func TestSearch_StemmingBothLanguages(t *testing.T) {
	for _, c := range []struct {
		q, text string
		want    bool
	}{
		{"оплата", "Я оплатил заказ", true},
		{"оплата", "нет ОПЛАТЫ", true},
		{"refund", "Two refunds were refunded", true},
		{"Refunded", "a REFUND please", true},
		{"ёлка", "новая елка", true},
		{"елка", "Новая Ёлка", true},
		{"оплата", "доставка", false},
		{"refund", "refuse", false},
		{`"оплата заказа"`, "Оплату заказов приняли", true},
		{`"заказа оплата"`, "Оплату заказов приняли", false},
		{"опла*", "оплатил", true},
		{"refu*", "Refunds", true},
		{"refu", "Refunds", false},
		{"оплата refund", "оплата прошла", false},
		{"оплата refund", "оплата и refunds", true},
	} {
		if got := mustQuery(t, c.q).Matches(c.text); got != c.want {
			t.Errorf("%q in %q: %v, want %v", c.q, c.text, got, c.want)
		}
	}
}

// TestSearch_SnippetEscapesHTML: a snippet is escaped text with only our
// <mark> tags.
func TestSearch_SnippetEscapesHTML(t *testing.T) {
	got := mustQuery(t, "refund").Highlight(`<script>alert("x")</script> & a refund <b>now</b>`)
	want := `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; a <mark>refund</mark> &lt;b&gt;now&lt;/b&gt;`
	if got != want {
		t.Errorf("snippet:\n got %s\nwant %s", got, want)
	}
	got = mustQuery(t, `"оплата заказа"`).Highlight("Оплата заказа ёё; оплата")
	if want := "<mark>Оплата</mark> <mark>заказа</mark> ёё; оплата"; got != want {
		t.Errorf("phrase snippet:\n got %s\nwant %s", got, want)
	}
}

func TestSearch_ParseQuery(t *testing.T) {
	q := mustQuery(t, `refu* "order was" Ёжик`)
	if len(q.Terms) != 3 || !q.Terms[0].Prefix || !q.Terms[1].Phrase() || q.Terms[2].Words[0] != "ежик" {
		t.Errorf("terms: %+v", q.Terms)
	}
	for _, bad := range []string{"", "  ", `"" * -`} {
		if _, err := beseda.ParseSearchQuery(bad); beseda.ErrorCode(err) != beseda.EINVALID {
			t.Errorf("%q: %v, want invalid_input", bad, err)
		}
	}
}

// BenchmarkSearchText: what SQLite's search batches do to every new message
// and title, and snippets to every hit's text: stem each word. The words
// repeat (as a team's do), so after the first pass the stems come from
// beseda.Stem's cache.
//
//	go test -run '^$' -bench SearchText .
func BenchmarkSearchText(b *testing.B) {
	for name, text := range map[string]string{
		"en": "Hello! We are looking into your order and will write back shortly.",
		"ru": "Здравствуйте! Оплата заказа прошла, доставка будет завтра утром.",
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				beseda.SearchText(text)
			}
		})
	}
}
