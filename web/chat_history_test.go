package web_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// TestChatHistory_EarlierMessagesAndAroundAFoundOne: a chat shows its newest
// 200 messages and a link to earlier ones, which shows those and a link back
// to the newest; a search hit's link (?at=) opens a message older than the
// newest 200 among its neighbours.
func TestChatHistory_EarlierMessagesAndAroundAFoundOne(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		v := w.NewVisitor("Anna")
		for i := 1; i <= 205; i++ {
			text := fmt.Sprintf("line %d", i)
			if i == 3 {
				text = "pelican"
			}
			v.Say(text)
		}
		c := consoleOf(t, w, w.Manager)
		chat := testkit.Path("/chats/%d", v.SubscriberID)
		shows := func(page string, n int) bool {
			return strings.Contains(page, fmt.Sprintf(`<p class="text">line %d</p>`, n))
		}

		newest := string(c.Get(chat).Body)
		if !shows(newest, 205) || !shows(newest, 6) || shows(newest, 5) || strings.Contains(newest, "To the newest messages") {
			t.Fatalf("the chat does not show exactly its newest 200 messages")
		}
		earlier := regexp.MustCompile(`href="(/chats/\d+\?before=\d+)"`).FindStringSubmatch(newest)
		if earlier == nil {
			t.Fatalf("no link to earlier messages")
		}
		older := string(c.Get(earlier[1]).Body)
		if !shows(older, 1) || !shows(older, 5) || shows(older, 6) || strings.Contains(older, "Earlier messages") ||
			!strings.Contains(older, `href="`+chat+`"`) || !strings.Contains(older, "To the newest messages") {
			t.Errorf("the earlier messages are not lines 1–5 with a link back to the newest")
		}

		var hit beseda.SearchPage
		w.Owner.MustDo("GET", "/api/v1/search?q=pelican", nil, 200, &hit)
		if len(hit.Items) != 1 {
			t.Fatalf("the API finds %+v", hit.Items)
		}
		link := testkit.Path("/chats/%d?at=%d#m%d", v.SubscriberID, hit.Items[0].ID, hit.Items[0].ID)
		if found := string(c.Get("/search?q=pelican").Body); !strings.Contains(found, `href="`+link+`"`) {
			t.Errorf("the search page does not link to %s", link)
		}
		around := string(c.Get(strings.TrimSuffix(link, testkit.Path("#m%d", hit.Items[0].ID))).Body)
		if !strings.Contains(around, testkit.Path(`id="m%d"`, hit.Items[0].ID)) || !shows(around, 1) || !shows(around, 200) || shows(around, 201) ||
			!strings.Contains(around, "To the newest messages") || strings.Contains(around, "Earlier messages") {
			t.Errorf("?at= does not show the message among lines 1–200 with a link to the newest")
		}
	})
}
