package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

type subJSON struct {
	ID           int64       `json:"id"`
	Assignee     *beseda.Ref `json:"assignee"`
	WaitingSince *time.Time  `json:"waiting_since"`
}

func getSub(c *testkit.Client, id int64) subJSON {
	var s subJSON
	c.MustDo("GET", testkit.Path("/api/v1/subscribers/%d", id), nil, 200, &s)
	return s
}

func subIDs(c *testkit.Client, query string) map[int64]bool {
	var list []subJSON
	c.MustDo("GET", "/api/v1/subscribers?"+query, nil, 200, &list)
	out := map[int64]bool{}
	for _, s := range list {
		out[s.ID] = true
	}
	return out
}

func setRouting(w *testkit.World, policy beseda.RoutingPolicy) {
	w.Owner.MustDo("PUT", "/api/v1/settings/routing", map[string]any{"policy": policy, "away_after_minutes": 15}, 200, nil)
}

func setAvailability(c *testkit.Client, a beseda.Availability) {
	c.MustDo("PATCH", "/api/v1/me", map[string]any{"availability": a}, 200, nil)
}

// TestA6_AssignReassignUnassign: any manager assigns a chat, reassigns and
// unassigns it; the subscriber's JSON, the filters ?assignee=me|none|ID,
// the chat's history, every console's live stream and the webhook
// chat.assigned all tell it; bad input and other workspaces answer 400/404.
func TestA6_AssignReassignUnassign(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		anna, boris := w.NewVisitor("Anna"), w.NewVisitor("Boris")
		anna.Say("hello")
		stream := testkit.OpenStream(t, w.Srv.URL, w.Owner.Token, "")
		defer stream.Close()

		path := testkit.Path("/api/v1/subscribers/%d", anna.SubscriberID)
		var s subJSON
		w.Manager.MustDo("PATCH", path, map[string]any{"assignee_id": w.ManagerID}, 200, &s)
		if s.Assignee == nil || s.Assignee.ID != w.ManagerID || s.Assignee.Name != "Misha Manager" || s.WaitingSince != nil {
			t.Fatalf("assigned chat: %+v", s)
		}
		ev := stream.Next(beseda.LiveChatAssigned, 10*time.Second)
		var live struct{ Data beseda.ChatAssignment }
		err := json.Unmarshal(ev.Data, &live)
		change := live.Data
		if err != nil || change.SubscriberID != anna.SubscriberID ||
			change.Assignee == nil || change.Assignee.ID != w.ManagerID || change.Previous != nil {
			t.Fatalf("live event %s: %+v, %v", ev.Data, change, err)
		}
		if mine := subIDs(w.Manager, "assignee=me"); !mine[anna.SubscriberID] || mine[boris.SubscriberID] {
			t.Fatalf("manager's ?assignee=me: %v", mine)
		}
		if none := subIDs(w.Owner, "assignee=none"); none[anna.SubscriberID] || !none[boris.SubscriberID] {
			t.Fatalf("?assignee=none: %v", none)
		}
		if byID := subIDs(w.Owner, fmt.Sprintf("assignee=%d", w.ManagerID)); len(byID) != 1 || !byID[anna.SubscriberID] {
			t.Fatalf("?assignee=ID: %v", byID)
		}

		w.Manager.MustDo("PATCH", path, map[string]any{"assignee_id": w.OwnerID}, 200, &s) // reassign
		w.Owner.MustDo("PATCH", path, map[string]any{"assignee_id": nil}, 200, &s)         // unassign
		if s.Assignee != nil {
			t.Fatalf("unassigned chat: %+v", s)
		}
		var events []beseda.ChatEvent
		w.Manager.MustDo("GET", path+"/events", nil, 200, &events)
		if len(events) != 3 || events[0].Kind != beseda.ChatAssigned || events[0].User.ID != w.ManagerID || events[0].Actor.ID != w.ManagerID ||
			events[1].Kind != beseda.ChatAssigned || events[1].User.ID != w.OwnerID ||
			events[2].Kind != beseda.ChatUnassigned || events[2].User.ID != w.OwnerID || events[2].Actor.ID != w.OwnerID {
			t.Fatalf("history: %+v", events)
		}

		w.Owner.WantError("GET", "/api/v1/subscribers?assignee=someone", nil, 400, beseda.EINVALID)
		w.Owner.WantError("PATCH", path, map[string]any{"assignee_id": "x"}, 400, beseda.EINVALID)
		w.Owner.WantError("PATCH", path, map[string]any{}, 400, beseda.EINVALID)
		other := testkit.NewWorld(t, w.Srv, beseda.LocaleEN)
		w.Owner.WantError("PATCH", path, map[string]any{"assignee_id": other.OwnerID}, 404, beseda.ENOTFOUND)
		other.Owner.WantError("PATCH", path, map[string]any{"assignee_id": other.OwnerID}, 404, beseda.ENOTFOUND)
		other.Owner.WantError("GET", path+"/events", nil, 404, beseda.ENOTFOUND)
		if got := getSub(w.Owner, anna.SubscriberID); got.Assignee != nil {
			t.Fatalf("a refused change changed the chat: %+v", got)
		}
	})
}

// TestA2_WaitingChatsGoOldestFirstWhenSomeoneIsFree: with round robin, a
// chat the client wrote in waits while nobody is online, and is assigned
// as soon as a manager comes online, oldest first, up to their capacity;
// capacity freed (an unassignment) takes the next.
func TestA2_WaitingChatsGoOldestFirstWhenSomeoneIsFree(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		setRouting(w, beseda.RoutingRoundRobin)
		w.Owner.MustDo("PATCH", testkit.Path("/api/v1/users/%d", w.ManagerID), map[string]any{"capacity": 1}, 200, nil)
		w.Manager.WantError("PATCH", testkit.Path("/api/v1/users/%d", w.ManagerID), map[string]any{"capacity": 5}, 403, beseda.EFORBIDDEN)
		w.Owner.WantError("PATCH", testkit.Path("/api/v1/users/%d", w.ManagerID), map[string]any{"capacity": -1}, 400, beseda.EINVALID)
		first, second := w.NewVisitor("First"), w.NewVisitor("Second")
		first.Say("one")
		w.Srv.Clock.Advance(time.Second)
		second.Say("two")
		if s := getSub(w.Owner, first.SubscriberID); s.Assignee != nil || s.WaitingSince == nil {
			t.Fatalf("with nobody online the chat should wait: %+v", s)
		}
		setAvailability(w.Manager, beseda.Online)
		if s := getSub(w.Owner, first.SubscriberID); s.Assignee == nil || s.Assignee.ID != w.ManagerID {
			t.Fatalf("the oldest chat should go to the manager who came online: %+v", s)
		}
		if s := getSub(w.Owner, second.SubscriberID); s.Assignee != nil || s.WaitingSince == nil {
			t.Fatalf("the manager's capacity is 1: the second chat waits: %+v", s)
		}
		w.Manager.MustDo("PATCH", testkit.Path("/api/v1/subscribers/%d", first.SubscriberID), map[string]any{"assignee_id": nil}, 200, nil)
		if s := getSub(w.Owner, second.SubscriberID); s.Assignee == nil || s.Assignee.ID != w.ManagerID {
			t.Fatalf("a freed place takes the next waiting chat: %+v", s)
		}
		var events []beseda.ChatEvent
		w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d/events", second.SubscriberID), nil, 200, &events)
		if len(events) != 1 || events[0].Actor != nil || events[0].Reason != beseda.ReasonRouted {
			t.Fatalf("routing is recorded as routing: %+v", events)
		}
		w.Manager.WantError("PATCH", testkit.Path("/api/v1/subscribers/%d", first.SubscriberID),
			map[string]any{"assignee_id": w.ManagerID}, 409, beseda.ECAPACITY)
	})
}

// TestA3_AwayAfterIdleAndOutsideBusinessHoursNothingIsRouted: an online
// manager idle past away_after_minutes is away and gets nothing; outside
// business hours nobody gets chats; the manual policy routes nothing.
func TestA3_AwayAfterIdleAndOutsideBusinessHoursNothingIsRouted(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		setRouting(w, beseda.RoutingLeastBusy)
		setAvailability(w.Manager, beseda.Online)
		w.Srv.Clock.Advance(16 * time.Minute)
		var u beseda.User
		w.Owner.MustDo("GET", testkit.Path("/api/v1/users/%d", w.ManagerID), nil, 200, &u)
		if u.Availability != beseda.Away {
			t.Fatalf("idle for 16 minutes (away after 15): %q", u.Availability)
		}
		v := w.NewVisitor("Idle")
		v.Say("anyone?")
		if s := getSub(w.Owner, v.SubscriberID); s.Assignee != nil {
			t.Fatalf("an away manager got a chat: %+v", s)
		}
		// The manager comes back: a request counts as activity.
		w.Manager.MustDo("GET", "/api/v1/me", nil, 200, &u)
		if u.Availability != beseda.Online {
			t.Fatalf("after a request the manager is %q", u.Availability)
		}
		// The periodic pass assigns the waiting chat — unless the server's
		// own periodic job (River, on the real clock) has just done so: the
		// rule is that the chat is the manager's now, whichever pass took it.
		if _, err := w.Srv.App.Routing.RouteAll(context.Background()); err != nil {
			t.Fatal(err)
		}
		if s := getSub(w.Owner, v.SubscriberID); s.Assignee == nil || s.Assignee.ID != w.ManagerID {
			t.Fatalf("the manager is back and the waiting chat is not theirs: %+v", s)
		}

		// Closed now: a weekly schedule without today's hour.
		now := w.Srv.Clock.Now().UTC()
		closed := map[string]any{"time_zone": "UTC", "periods": []map[string]any{{"weekday": int(now.Weekday()+3) % 7, "start": "09:00", "end": "10:00"}}}
		w.Owner.MustDo("PUT", "/api/v1/settings/business-hours", closed, 200, nil)
		late := w.NewVisitor("Late")
		late.Say("hello?")
		if s := getSub(w.Owner, late.SubscriberID); s.Assignee != nil || s.WaitingSince == nil {
			t.Fatalf("outside business hours the chat waits: %+v", s)
		}
		w.Owner.MustDo("PUT", "/api/v1/settings/business-hours", map[string]any{"time_zone": "UTC"}, 200, nil)
		setRouting(w, beseda.RoutingManual)
		if n, _ := w.Srv.App.Routing.RouteAll(context.Background()); n != 0 {
			t.Fatalf("manual routing assigned %d", n)
		}
		w.Manager.WantError("PATCH", "/api/v1/me", map[string]any{"availability": "busy"}, 400, beseda.EINVALID)
		w.Owner.WantError("PATCH", testkit.Path("/api/v1/users/%d", w.ManagerID), map[string]any{"availability": "online"}, 403, beseda.EFORBIDDEN)
		w.Manager.WantError("PUT", "/api/v1/settings/routing", map[string]any{"policy": "manual", "away_after_minutes": 5}, 403, beseda.EFORBIDDEN)
		w.Owner.WantError("PUT", "/api/v1/settings/routing", map[string]any{"policy": "fastest"}, 400, beseda.EINVALID)
	})
}

// TestA7_DialogTakesTheAssigneeAndCompletionFreesTheChat: a dialog opened
// without a participant list has the chat's assignee as a participant;
// completing it unassigns the chat (the manager's place is free).
func TestA7_DialogTakesTheAssigneeAndCompletionFreesTheChat(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v := w.NewVisitor("Vera")
		v.Say("help")
		w.Owner.MustDo("PATCH", testkit.Path("/api/v1/subscribers/%d", v.SubscriberID), map[string]any{"assignee_id": w.ManagerID}, 200, nil)
		var d beseda.Dialog
		w.Owner.MustDo("POST", "/api/v1/dialogs", map[string]any{"subscriber_id": v.SubscriberID, "title": "Help", "type_id": w.Types[0].ID}, 201, &d)
		if len(d.Participants) != 2 || d.Participants[1].ID != w.ManagerID {
			t.Fatalf("participants %+v; want the creator and the assignee", d.Participants)
		}
		w.SetStatus(d.ID, beseda.DialogCompleted)
		if s := getSub(w.Owner, v.SubscriberID); s.Assignee != nil {
			t.Fatalf("a completed dialog frees the chat: %+v", s)
		}
		var events []beseda.ChatEvent
		w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d/events", v.SubscriberID), nil, 200, &events)
		if last := events[len(events)-1]; last.Kind != beseda.ChatUnassigned || last.Reason != beseda.ReasonDialogCompleted {
			t.Fatalf("history: %+v", events)
		}
		// Participants given: exactly those.
		v.Say("again")
		w.Owner.MustDo("PATCH", testkit.Path("/api/v1/subscribers/%d", v.SubscriberID), map[string]any{"assignee_id": w.ManagerID}, 200, nil)
		w.Owner.MustDo("POST", "/api/v1/dialogs", map[string]any{"subscriber_id": v.SubscriberID, "title": "Again", "type_id": w.Types[0].ID,
			"participant_ids": []int64{}}, 201, &d)
		if len(d.Participants) != 1 {
			t.Fatalf("participants %+v; want only the creator", d.Participants)
		}
	})
}

// TestA5_TwoInstancesNeverExceedACapacity: two app instances, each with
// its own connections to one database (as two processes have), route the
// same queue and assign by hand at once; the manager never holds more chats
// than their capacity.
func TestA5_TwoInstancesNeverExceedACapacity(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		db2, err := store.Open(context.Background(), dbURL)
		if err != nil {
			t.Fatal(err)
		}
		defer db2.Close()
		second := app.New(db2, app.Config{Clock: w.Srv.Clock})
		setRouting(w, beseda.RoutingLeastBusy)
		const capacity = 3
		w.Owner.MustDo("PATCH", testkit.Path("/api/v1/users/%d", w.ManagerID), map[string]any{"capacity": capacity}, 200, nil)
		var visitors []*testkit.Visitor
		for i := range 12 {
			v := w.NewVisitor(fmt.Sprintf("Client %d", i))
			v.Say("hi")
			visitors = append(visitors, v)
		}
		// Online in the database without routing yet: both servers race.
		_, err = w.Srv.App.DB().WriteDB().Exec(`UPDATE users SET availability = 'online', last_seen_at = $1 WHERE id = $2`,
			w.Srv.Clock.Now().UnixMilli(), w.ManagerID)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for _, a := range []*app.App{w.Srv.App, second} {
			for range 3 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := a.Routing.Route(context.Background(), w.WorkspaceID); err != nil {
						t.Error(err)
					}
				}()
			}
		}
		// And by hand through both at once: the API of the first, the use
		// case of the second.
		owner, err := second.Users.GetUser(context.Background(), &beseda.User{ID: w.OwnerID, WorkspaceID: w.WorkspaceID, Role: beseda.RoleOwner}, w.OwnerID)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range visitors {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if i%2 == 1 {
					_, err := second.Routing.Assign(context.Background(), owner, v.SubscriberID, &w.ManagerID)
					if err != nil && beseda.ErrorCode(err) != beseda.ECAPACITY {
						t.Error(err)
					}
					return
				}
				res := w.Owner.Do("PATCH", testkit.Path("/api/v1/subscribers/%d", v.SubscriberID), map[string]any{"assignee_id": w.ManagerID})
				if res.Status != http.StatusOK && res.Status != http.StatusConflict {
					t.Errorf("assign: %d %s", res.Status, res.Body)
				}
			}()
		}
		wg.Wait()
		if mine := subIDs(w.Manager, "assignee=me"); len(mine) != capacity {
			t.Fatalf("the manager holds %d chats; capacity %d", len(mine), capacity)
		}
	})
}
