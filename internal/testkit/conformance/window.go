package conformance

import (
	"testing"
	"time"

	"github.com/beseda/beseda"
)

func outsideWindow(m beseda.Message) bool {
	return m.Status == beseda.MessageFailed && m.Reason == beseda.OutsideWindow
}

func sent(m beseda.Message) bool { return m.Status == beseda.MessageSent }

// windowIsKept: the channel writes to a client only within the window its
// type declares, counted from the client's last message. Without one,
// everything goes however long ago the client wrote. With one, what is
// outside it fails with beseda.OutsideWindow and never reaches the
// platform — a manager may go on writing until the human agent's window
// ends, where the type has one, automation never; the platform's own
// refusal is the same failure; and the client writing again opens it
// again.
func windowIsKept(t *testing.T, c *conn) {
	win := c.typ.Window()
	sub := c.hello(t)
	clock := c.w.Srv.Clock
	if win.Standard == 0 {
		clock.Advance(8 * 24 * time.Hour) // longer than any platform's window
		c.write(t, sub.ID, "Days later")
		c.produce(t, sub.ID, beseda.SourceBroadcast, "Sale")
		c.waitLast(t, sub.ID, "both sent days later", sent)
		if got := c.waitSent(t, 2); len(got) != 2 {
			t.Errorf("%d sends days after the client wrote, want 2", len(got))
		}
		return
	}

	clock.Advance(win.Standard - time.Hour)
	c.write(t, sub.ID, "Within the window")
	c.produce(t, sub.ID, beseda.SourceBroadcast, "Sale")
	c.waitLast(t, sub.ID, "sent within the window", sent)
	if got := c.waitSent(t, 2); len(got) != 2 {
		t.Fatalf("%d sends within the window, want 2", len(got))
	}

	clock.Advance(2 * time.Hour)
	calls := c.r.Calls()
	c.produce(t, sub.ID, beseda.SourceBroadcast, "Late sale")
	c.waitLast(t, sub.ID, "automation failed outside the window", outsideWindow)
	c.write(t, sub.ID, "A little later")
	if win.Human > win.Standard {
		c.waitLast(t, sub.ID, "a manager within the human agent's window", sent)
		calls = c.r.Calls()
		clock.Advance(win.Human)
		c.write(t, sub.ID, "Much later")
	}
	c.waitLast(t, sub.ID, "a manager failed outside the window", outsideWindow)
	if c.r.Calls() != calls {
		t.Errorf("messages outside the window reached the platform")
	}

	c.Post(t, c.Text("back", "I'm back"))
	c.r.RefuseWindowNext()
	c.write(t, sub.ID, "Refused by the platform")
	c.waitLast(t, sub.ID, "the platform's refusal shown", outsideWindow)
	c.write(t, sub.ID, "Welcome back")
	c.waitLast(t, sub.ID, "sent once the client wrote", sent)
	if got := c.Sent(); got[len(got)-1].Text != "Welcome back" {
		t.Errorf("last sent %+v", got[len(got)-1])
	}
}

// ratingFormOutsideTheWindow (R2): completing a dialog after the window
// closed, the form is not sent and the dialog says why; the platform's own
// refusal of the form is shown on the dialog too.
func ratingFormOutsideTheWindow(t *testing.T, c *conn) {
	win := c.typ.Window()
	if win.Standard == 0 {
		t.Skip("the channel's window is always open")
	}
	sub := c.hello(t)
	d := c.w.CreateDialog(sub.ID, "Late")
	c.w.Srv.Clock.Advance(win.Standard + time.Hour)
	done := c.complete(t, d.ID, map[string]any{})
	if done.RatingFormSent || done.RatingFormError != beseda.OutsideWindow || done.Status != beseda.DialogCompleted {
		t.Errorf("completed outside the window: sent=%v error=%q status=%s", done.RatingFormSent, done.RatingFormError, done.Status)
	}

	c.Post(t, c.Text("again", "One more thing"))
	d2 := c.w.CreateDialog(sub.ID, "Another")
	c.r.RefuseWindowNext()
	c.complete(t, d2.ID, map[string]any{})
	m := c.waitLast(t, sub.ID, "the form failed", outsideWindow)
	if len(m.Buttons) != 3 {
		t.Errorf("the form message: %+v", m)
	}
	if got := c.dialog(t, d2.ID); got.RatingFormSent || got.RatingFormError != beseda.OutsideWindow {
		t.Errorf("the form's failure on the dialog: sent=%v error=%q", got.RatingFormSent, got.RatingFormError)
	}
}
