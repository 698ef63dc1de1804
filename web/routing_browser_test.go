package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// TestA6_BrowserAssigneeMineUnassignedAndAvailability: in a browser, an
// owner signed in is online and switches to away in the header; assigns a
// chat to a colleague with the chat's assignee picker and sees the history;
// the "Unassigned" and "Mine" views list the right chats, and a chat a
// colleague assigns to the owner appears in "Mine" live; Settings → Users
// sets the policy and a capacity.
func TestA6_BrowserAssigneeMineUnassignedAndAvailability(t *testing.T) {
	srv := testkit.StartServer(t, testkit.NewDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	var me beseda.User
	w.Owner.MustDo("GET", "/api/v1/me", nil, http.StatusOK, &me)
	anna, boris := w.NewVisitor("Anna"), w.NewVisitor("Boris")
	anna.Say("hello")
	boris.Say("hi")
	ctx := testkit.Browser(t)
	signIn(t, ctx, srv.URL, me.Email, testkit.TestPassword)

	do(t, ctx, "open Anna's chat", chromedp.Navigate(fmt.Sprintf("%s/chats/%d", srv.URL, anna.SubscriberID)), chromedp.WaitVisible(`#assignee-toggle`))
	if got := eval[string](t, ctx, `document.getElementById("availability").value`); got != "online" {
		t.Fatalf("signed in, the owner is %q", got)
	}
	eval[bool](t, ctx, `(function(){ var s = document.getElementById("availability"); s.value = "away";
		s.dispatchEvent(new Event("change")); return true })()`)
	do(t, ctx, "switch to away", chromedp.WaitVisible(`#availability.availability-away`))
	var u beseda.User
	w.Owner.MustDo("GET", "/api/v1/me", nil, http.StatusOK, &u)
	if u.Availability != beseda.Away {
		t.Fatalf("after the switch the owner is %q", u.Availability)
	}

	do(t, ctx, "open the assignee picker", chromedp.Click(`#assignee-toggle`), chromedp.WaitVisible(`#assignee-select`))
	eval[bool](t, ctx, fmt.Sprintf(`(function(){ document.getElementById("assignee-select").value = "%d"; return true })()`, w.ManagerID))
	do(t, ctx, "assign Anna's chat to Misha",
		chromedp.Click(`#assignee-submit`),
		chromedp.WaitVisible(`#chat-list`),
	)
	testkit.Eventually(t, 15*time.Second, "the header names the assignee", func() bool {
		// The form's page may still be loading: no header yet is "not yet".
		return strings.Contains(eval[string](t, ctx, `(document.getElementById("assignee-toggle")||{}).textContent || ""`), "Misha Manager")
	})
	if got := eval[string](t, ctx, `(document.getElementById("assignments")||{}).textContent || ""`); !strings.Contains(got, "assigned the chat to Misha Manager") {
		t.Errorf("history: %q", got)
	}

	do(t, ctx, "open Unassigned", chromedp.Click(`#chats-filter-none`), chromedp.WaitVisible(fmt.Sprintf(`#chat-%d`, boris.SubscriberID)))
	if eval[bool](t, ctx, fmt.Sprintf(`!!document.getElementById("chat-%d")`, anna.SubscriberID)) {
		t.Errorf("Anna's assigned chat is listed as unassigned")
	}
	do(t, ctx, "open Mine", chromedp.Click(`#chats-filter-me`), chromedp.WaitVisible(`#chats-filter-me[aria-current=page]`))
	if eval[bool](t, ctx, fmt.Sprintf(`!!document.getElementById("chat-%d")`, boris.SubscriberID)) {
		t.Fatalf("Boris's chat is listed as the owner's before it is")
	}
	w.Manager.MustDo("PATCH", testkit.Path("/api/v1/subscribers/%d", boris.SubscriberID), map[string]any{"assignee_id": w.OwnerID}, http.StatusOK, nil)
	do(t, ctx, "see Boris's chat arrive in Mine, live", chromedp.WaitVisible(fmt.Sprintf(`#chat-%d`, boris.SubscriberID)))

	do(t, ctx, "open Settings → Users", chromedp.Navigate(srv.URL+"/settings/users"), chromedp.WaitVisible(`#routing`))
	eval[bool](t, ctx, `(function(){ document.getElementById("routing-policy").value = "least_busy"; return true })()`)
	// The page before a save may show a notice too: what is waited for is
	// the change arriving.
	do(t, ctx, "save the policy", chromedp.Click(`#routing-save`))
	testkit.Eventually(t, time.Minute, "the policy saved", func() bool {
		var rs beseda.RoutingSettings
		w.Owner.MustDo("GET", "/api/v1/settings/routing", nil, http.StatusOK, &rs)
		return rs.Policy == beseda.RoutingLeastBusy
	})
	do(t, ctx, "the page says so", chromedp.WaitVisible(`.notice`))
	sel := fmt.Sprintf(`#capacity-%d`, w.ManagerID)
	do(t, ctx, "set Misha's capacity",
		chromedp.SetValue(sel, "4"),
		chromedp.Click(fmt.Sprintf(`#capacity-save-%d`, w.ManagerID)),
	)
	testkit.Eventually(t, time.Minute, "Misha's capacity saved as 4", func() bool {
		w.Owner.MustDo("GET", testkit.Path("/api/v1/users/%d", w.ManagerID), nil, http.StatusOK, &u)
		return u.Capacity == 4
	})
}
