package conformance

import (
	"fmt"
	"strings"
	"testing"

	"github.com/beseda/beseda"
)

// firstTapCounts (R2, R3): the rating form goes as the platform's buttons —
// the standard text and exactly three buttons, Bad, Normal, Excellent. The
// client's first tap records the rating and sends the thank-you; the same
// tap delivered again, a later tap and a tap forged (for another dialog,
// or another value) change nothing and send nothing.
func firstTapCounts(t *testing.T, c *conn) {
	sub := c.hello(t)
	d := c.w.CreateDialog(sub.ID, "Payment failed")
	done := c.complete(t, d.ID, map[string]any{"account_rating": 2})
	if !done.RatingFormSent || done.AccountRating == nil || *done.AccountRating != 2 {
		t.Errorf("completed %+v", done)
	}
	form := c.waitSent(t, 1)[0]
	var titles []string
	for _, b := range form.Buttons {
		titles = append(titles, b.Title)
	}
	if form.To != c.Client() || form.Text != "How would you rate our support?" || strings.Join(titles, ",") != "Bad,Normal,Excellent" {
		t.Fatalf("form %+v", form)
	}
	normal, excellent := form.Buttons[1], form.Buttons[2]
	// Forged: the payload of another dialog, and one of another value.
	forged, altered := excellent, excellent
	forged.Payload = strings.Replace(excellent.Payload, fmt.Sprintf(".%d.", d.ID), fmt.Sprintf(".%d.", d.ID+1), 1)
	altered.Payload = strings.Replace(excellent.Payload, fmt.Sprintf(".%d.3.", d.ID), fmt.Sprintf(".%d.1.", d.ID), 1)
	if forged.Payload == excellent.Payload || altered.Payload == excellent.Payload {
		t.Fatalf("the payload %q does not name its dialog and value as this test expects", excellent.Payload)
	}

	c.Post(t, c.Tap("forged", forged), c.Tap("altered", altered))
	if r := c.dialog(t, d.ID).ClientRating; r != nil {
		t.Fatalf("a forged tap rated the dialog %d", *r)
	}
	c.Post(t, c.Tap("tap1", normal))
	c.Post(t, c.Tap("tap1", normal)) // delivered again
	c.Post(t, c.Tap("tap2", excellent))
	rated := c.dialog(t, d.ID)
	if rated.ClientRating == nil || *rated.ClientRating != 2 || *rated.AccountRating != 2 {
		t.Fatalf("ratings %v %v, want the first tap's 2 and the manager's 2", rated.ClientRating, rated.AccountRating)
	}
	if got := c.waitSent(t, 2)[1]; got.To != c.Client() || got.Text != "Thank you for your feedback!" {
		t.Errorf("thank-you %+v", got)
	}
	thanks := 0
	for _, m := range c.messages(t, sub.ID) {
		if m.Direction == beseda.DirectionOut && m.Text == "Thank you for your feedback!" {
			thanks++
		}
	}
	var events []beseda.DialogEvent
	c.w.Owner.MustDo("GET", fmt.Sprintf("/api/v1/dialogs/%d/events", d.ID), nil, 200, &events)
	rates := 0
	for _, e := range events {
		if e.Kind == beseda.EventClientRated {
			rates++
		}
	}
	if thanks != 1 || rates != 1 {
		t.Errorf("%d thank-yous and %d client_rated events, want 1 and 1: later taps change and send nothing", thanks, rates)
	}
}
