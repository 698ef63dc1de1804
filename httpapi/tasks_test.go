package httpapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

func tasksOf(w *testkit.World, c *testkit.Client) []beseda.Task {
	var tasks []beseda.Task
	c.MustDo("GET", "/api/v1/tasks", nil, 200, &tasks)
	return tasks
}

func notificationsOf(c *testkit.Client) ([]beseda.Notification, string) {
	var list []beseda.Notification
	res := c.MustDo("GET", "/api/v1/notifications", nil, 200, &list)
	return list, res.Header.Get("X-Unread-Count")
}

func TestC2_AddedManagerGetsATaskAndNotifications(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v := w.NewVisitor("Anna")
		added := w.Srv.Clock.Now()
		d := w.CreateDialog(v.SubscriberID, "Lead form broken", w.ManagerID)

		tasks := tasksOf(w, w.Manager)
		if len(tasks) != 1 {
			t.Fatalf("manager tasks %+v", tasks)
		}
		task := tasks[0]
		if task.Title != "Lead form broken" || task.DialogID != d.ID || task.Status != beseda.TaskScheduled ||
			!task.StartAt.Equal(added.Add(5*time.Minute)) {
			t.Errorf("task %+v", task)
		}
		if got := tasksOf(w, w.Owner); len(got) != 0 {
			t.Errorf("the creator got tasks %+v", got)
		}
		// The notification exists as soon as the add is answered.
		list, unread := notificationsOf(w.Manager)
		if len(list) != 1 || list[0].Kind != beseda.NotifyTaskScheduled || unread != "1" ||
			list[0].Text != "Task “Lead form broken” starts in 5 minutes" || *list[0].TaskID != task.ID || *list[0].DialogID != d.ID {
			t.Fatalf("notifications %+v (unread %s)", list, unread)
		}

		// Five minutes later the task starts, with a second notification.
		w.Srv.Clock.Advance(5 * time.Minute)
		testkit.Eventually(t, 20*time.Second, "task started", func() bool {
			return tasksOf(w, w.Manager)[0].Status == beseda.TaskStarted
		})
		list, unread = notificationsOf(w.Manager)
		if len(list) != 2 || list[0].Kind != beseda.NotifyTaskStarted || list[0].Text != "Task “Lead form broken” has started" || unread != "2" {
			t.Errorf("after the start: %+v", list)
		}

		// Read one, then all; another manager's notification is not found.
		w.Manager.MustDo("POST", testkit.Path("/api/v1/notifications/%d/read", list[0].ID), nil, 204, nil)
		if _, unread := notificationsOf(w.Manager); unread != "1" {
			t.Errorf("unread after reading one: %s", unread)
		}
		w.Owner.WantError("POST", testkit.Path("/api/v1/notifications/%d/read", list[1].ID), nil, 404, beseda.ENOTFOUND)
		w.Manager.MustDo("POST", "/api/v1/notifications/read", nil, 204, nil)
		var unreadOnly []beseda.Notification
		w.Manager.MustDo("GET", "/api/v1/notifications?unread=true", nil, 200, &unreadOnly)
		if len(unreadOnly) != 0 {
			t.Errorf("unread after reading all: %+v", unreadOnly)
		}
	})
}

func TestC2_AManagerAddedLaterAndInRussian(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		w.Manager.MustDo("PATCH", "/api/v1/me", map[string]string{"locale": "ru"}, 200, nil)
		v := w.NewVisitor("Anna")
		d := w.CreateDialog(v.SubscriberID, "Возврат за март")
		w.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d.ID), map[string]any{"participant_ids": []int64{w.OwnerID, w.ManagerID}}, 200, nil)
		list, _ := notificationsOf(w.Manager)
		if len(list) != 1 || list[0].Text != "Задача «Возврат за март» начнётся через 5 минут" {
			t.Errorf("notifications %+v", list)
		}
	})
}

func TestS3_CompletingAndRemovingCloseTasks(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		var third beseda.User
		w.Owner.MustDo("POST", "/api/v1/users", map[string]any{"email": "third@example.com",
			"name": "Third", "password": testkit.TestPassword}, 201, &third)
		third3 := testkit.Login(t, w.Srv.URL, third.Email, testkit.TestPassword)
		v := w.NewVisitor("Anna")
		d := w.CreateDialog(v.SubscriberID, "Case", w.ManagerID, third.ID)
		path := testkit.Path("/api/v1/dialogs/%d", d.ID)

		// Removing a participant cancels their task, and it never starts.
		w.Owner.MustDo("PATCH", path, map[string]any{"participant_ids": []int64{w.OwnerID, w.ManagerID}}, 200, nil)
		if got := tasksOf(w, third3)[0]; got.Status != beseda.TaskCancelled || got.FinishedAt == nil {
			t.Errorf("removed manager's task %+v", got)
		}
		// Completing the dialog completes the open tasks.
		w.SetStatus(d.ID, beseda.DialogCompleted)
		if got := tasksOf(w, w.Manager)[0]; got.Status != beseda.TaskDone {
			t.Errorf("task after completion %+v", got)
		}
		w.Srv.Clock.Advance(10 * time.Minute)
		time.Sleep(2 * time.Second)
		for _, c := range []*testkit.Client{w.Manager, third3} {
			list, _ := notificationsOf(c)
			for _, n := range list {
				if n.Kind == beseda.NotifyTaskStarted {
					t.Errorf("a closed task started: %+v", n)
				}
			}
		}
		if got := tasksOf(w, w.Manager)[0]; got.Status != beseda.TaskDone {
			t.Errorf("a done task changed to %s", got.Status)
		}
	})
}

// TestS3_RemovedManagerIsToldTheTaskIsCancelled: a manager removed from a
// dialog gets a "task cancelled" notification, and their "starts in 5
// minutes" says the task is cancelled — in the API and in the console — in
// their language.
func TestS3_RemovedManagerIsToldTheTaskIsCancelled(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v := w.NewVisitor("Anna")
		d := w.CreateDialog(v.SubscriberID, "Refund", w.ManagerID)
		w.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d.ID), map[string]any{"participant_ids": []int64{w.OwnerID}}, 200, nil)
		list, unread := notificationsOf(w.Manager)
		var texts []string
		for _, n := range list {
			texts = append(texts, string(n.Kind)+": "+n.Text)
		}
		want := "task_cancelled: Task “Refund” is cancelled: you were removed from the dialog | " +
			"task_scheduled: Task “Refund” was to start soon — cancelled"
		if got := strings.Join(texts, " | "); got != want {
			t.Errorf("the removed manager's notifications:\n got %s\nwant %s", got, want)
		}
		if unread != "2" {
			t.Errorf("%s unread, want the cancellation and the original", unread)
		}
		w.Manager.MustDo("PATCH", "/api/v1/me", map[string]string{"locale": "ru"}, 200, nil)
		list, _ = notificationsOf(w.Manager)
		if list[0].Text != "Задача «Refund» отменена: вас убрали из диалога" || !strings.Contains(list[1].Text, "отменена") {
			t.Errorf("in Russian: %q, %q", list[0].Text, list[1].Text)
		}
		// The owner, still in the dialog, is told nothing.
		if mine, _ := notificationsOf(w.Owner); len(mine) != 0 {
			t.Errorf("the creator got %d notifications", len(mine))
		}
	})
}
