package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// TestConsoleStandardMessagesPerLanguage: Settings → Standard messages edits
// the texts of each language the product speaks, the workspace's first;
// each language's preview follows the typing before anything is saved, and
// Save keeps both languages' texts.
func TestConsoleStandardMessagesPerLanguage(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	var me beseda.User
	w.Owner.MustDo("GET", "/api/v1/me", nil, http.StatusOK, &me)
	ctx := testkit.Browser(t)
	signIn(t, ctx, srv.URL, me.Email, testkit.TestPassword)
	do(t, ctx, "open the settings",
		chromedp.Navigate(srv.URL+"/settings/standard-messages"),
		chromedp.WaitVisible(chromedp.ID("ru-caption_bad")),
	)
	if order := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("section[id^=language-]")).map(function(s){return s.id})`); strings.Join(order, ",") != "language-en,language-ru" {
		t.Errorf("the languages are %v, want the workspace's (en) first", order)
	}
	if got := eval[string](t, ctx, `document.getElementById("preview-ru-caption_bad").textContent`); got != "Плохо" {
		t.Errorf("the Russian preview starts with %q", got)
	}
	eval[bool](t, ctx, `document.getElementById("ru-caption_bad").value = ""; document.getElementById("ru-rating_prompt").value = ""; document.getElementById("en-thank_you").value = ""; true`)
	do(t, ctx, "type a Russian caption and prompt",
		chromedp.SendKeys(chromedp.ID("ru-caption_bad"), "Так себе"),
		chromedp.SendKeys(chromedp.ID("ru-rating_prompt"), "Как мы справились?"),
		chromedp.SendKeys(chromedp.ID("en-thank_you"), "Much obliged."),
	)
	for id, want := range map[string]string{"preview-ru-caption_bad": "Так себе", "preview-ru-rating_prompt": "Как мы справились?",
		"preview-en-thank_you": "Much obliged.", "preview-en-caption_bad": "Bad"} {
		if got := eval[string](t, ctx, `document.getElementById("`+id+`").textContent`); got != want {
			t.Errorf("before saving, %s shows %q, want %q", id, got, want)
		}
	}
	var texts beseda.StandardTexts
	w.Owner.MustDo("GET", "/api/v1/settings/standard-messages", nil, http.StatusOK, &texts)
	if texts.Languages[beseda.LocaleRU].CaptionBad != "Плохо" {
		t.Fatalf("typing saved %q", texts.Languages[beseda.LocaleRU].CaptionBad)
	}
	do(t, ctx, "save",
		chromedp.Click(`#standard-messages button[type=submit]`),
		chromedp.WaitVisible(`.notice`),
	)
	w.Owner.MustDo("GET", "/api/v1/settings/standard-messages", nil, http.StatusOK, &texts)
	if ru := texts.Languages[beseda.LocaleRU]; ru.CaptionBad != "Так себе" || ru.RatingPrompt != "Как мы справились?" || ru.CaptionNormal != "Нормально" {
		t.Errorf("saved Russian texts %+v", ru)
	}
	if texts.ThankYou != "Much obliged." {
		t.Errorf("saved English thank-you %q", texts.ThankYou)
	}
	if got := eval[string](t, ctx, `document.getElementById("ru-caption_bad").value`); got != "Так себе" {
		t.Errorf("after saving the form shows %q", got)
	}

	// Without a browser, a refused language comes back as it was typed.
	c := consoleOf(t, w, w.Owner)
	res := c.Post("/settings/standard-messages", url.Values{"ru.caption_bad": {"Плохо"}, "ru.caption_normal": {"Плохо"},
		"ru.caption_excellent": {"Отлично"}, "ru.rating_prompt": {"Ну как?"}, "ru.thank_you": {"Спасибо"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("a refused save: %d", res.Status)
	}
	page := string(c.Get("/settings/standard-messages").Body)
	if !strings.Contains(page, "Ну как?") || !strings.Contains(page, `role="alert"`) {
		t.Errorf("the refused form does not come back with its error")
	}
}
