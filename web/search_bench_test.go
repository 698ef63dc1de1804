package web_test

import (
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/internal/httpx"
	"github.com/beseda/beseda/internal/synth"
	"github.com/beseda/beseda/internal/testkit"
)

// BenchmarkSearch: full-text search over synthetic messages (half Russian,
// half English, words drawn from a skewed vocabulary: internal/synth), ten
// per client, and dialogs, through the HTTP handler: GET /api/v1/search with
// a one-word query (a common and a rare word), two words, a phrase and a
// prefix, newest first, and the console's search page (three groups).
// BESEDA_SEARCH_MESSAGES (default 1,000,000) and BESEDA_SEARCH_DIALOGS
// (default 100,000) set the scale.
//
//	go test ./web -run '^$' -bench Search -benchtime 50x -timeout 120m
//
// At the scale (10,000,000 messages) generating takes longer than a
// benchmark should: make the database once with cmd/beseda-synth (see
// BENCHMARKS.md) and measure it with BESEDA_SEARCH_DB (its URL) and
// BESEDA_SEARCH_OWNER (the owner's email it printed; the password is
// beseda-synth's default unless BESEDA_SEARCH_PASSWORD says otherwise).
func BenchmarkSearch(b *testing.B) {
	if dbURL := os.Getenv("BESEDA_SEARCH_DB"); dbURL != "" {
		b.Run(strings.SplitN(dbURL, ":", 2)[0], func(b *testing.B) { searchExisting(b, dbURL) })
		return
	}
	messages := envInt(b, "BESEDA_SEARCH_MESSAGES", 1_000_000)
	dialogs := envInt(b, "BESEDA_SEARCH_DIALOGS", 100_000)
	for _, d := range testkit.Dialects() {
		b.Run(string(d), func(b *testing.B) {
			srv, _, owner, spec := synthWorkspace(b, d)
			ctx := context.Background()
			spec.Subscribers, spec.Dialogs, spec.ActiveShare, spec.MessagesPerSubscriber = messages/10, dialogs, 0.01, 10
			spec.Seed = 21
			start := time.Now()
			if _, err := synth.Generate(ctx, srv.DB, spec); err != nil {
				b.Fatal(err)
			}
			b.Logf("%s: %d messages of %d clients, %d dialogs, generated and indexed in %v", d, messages, messages/10, dialogs,
				time.Since(start).Round(time.Second))
			if err := srv.DB.Vacuum(ctx); err != nil {
				b.Fatal(err)
			}
			measureSearch(b, srv, owner.Email, testkit.TestPassword)
		})
	}
}

// searchExisting measures a database made beforehand (by cmd/beseda-synth),
// as it is: no data is added.
func searchExisting(b *testing.B, dbURL string) {
	email := os.Getenv("BESEDA_SEARCH_OWNER")
	if email == "" {
		b.Fatal("BESEDA_SEARCH_OWNER: the email of the synthetic workspace's owner")
	}
	password := cmp.Or(os.Getenv("BESEDA_SEARCH_PASSWORD"), "synthetic data")
	srv := testkit.StartServer(b, dbURL, testkit.Options{Clock: beseda.SystemClock{}})
	measureSearch(b, srv, email, password)
}

// measureSearch times the queries of BenchmarkSearch as the owner.
func measureSearch(b *testing.B, srv *testkit.Server, email, password string) {
	ctx := context.Background()
	token, _, err := srv.App.Users.Login(ctx, email, password, app.TokenAPI, netip.Addr{})
	if err != nil {
		b.Fatal(err)
	}
	session, _, err := srv.App.Users.Login(ctx, email, password, app.TokenSession, netip.Addr{})
	if err != nil {
		b.Fatal(err)
	}
	serve := func(path string, auth func(*http.Request)) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", path, nil)
		auth(r)
		rec := httptest.NewRecorder()
		srv.Handler.ServeHTTP(rec, r)
		if rec.Code != 200 {
			b.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
		}
		return rec
	}
	bearer := func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
	cookie := func(r *http.Request) { r.AddCookie(&http.Cookie{Name: httpx.SessionCookie, Value: session}) }
	for _, c := range []struct{ name, q, kind string }{
		{"OneWordCommon", "оплата", "message"},
		{"OneWordRare", "чайник", "message"},
		{"OneWordEnglish", "refund", "message"},
		{"TwoWords", "refund order", "message"},
		{"Phrase", `"доставка заказа"`, "message"},
		{"Prefix", "достав*", "message"},
		{"PrefixEnglish", "deliv*", "message"},
		{"PrefixOneLetter", "д*", "message"},
		{"Dialogs", "подписка", "dialog"},
		{"Clients", "petrova", "subscriber"},
	} {
		path := "/api/v1/search?" + url.Values{"q": {c.q}, "kind": {c.kind}}.Encode()
		var page beseda.SearchPage
		if err := json.Unmarshal(serve(path, bearer).Body.Bytes(), &page); err != nil || len(page.Items) == 0 {
			b.Fatalf("%s: %d hits, %v", c.q, len(page.Items), err)
		}
		b.Run(c.name, func(b *testing.B) { testkit.Timed(b, func(int) { serve(path, bearer) }) })
	}
	b.Run("ConsolePage", func(b *testing.B) {
		testkit.Timed(b, func(int) { serve("/search?q="+url.QueryEscape("оплата"), cookie) })
	})
}

func envInt(b *testing.B, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: a positive number", name, s)
	}
	return n
}
