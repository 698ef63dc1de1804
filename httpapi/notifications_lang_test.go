package httpapi_test

import (
	"context"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// TestC2_NotificationsSpeakTheReadersLanguage: a notification is written when
// it is read — in the reader's language (theirs, else the one their client
// asks for, else the workspace's) and with the dialog's title of the moment;
// a task's title follows the dialog's too. A notification stored as text
// only (before arguments were kept) shows that text.
func TestC2_NotificationsSpeakTheReadersLanguage(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v := w.NewVisitor("Anna")
		d := w.CreateDialog(v.SubscriberID, "Refund for March", w.ManagerID)

		if list, _ := notificationsOf(w.Manager); len(list) != 1 || list[0].Text != "Task “Refund for March” starts in 5 minutes" {
			t.Fatalf("in the workspace's English: %+v", list)
		}
		w.Manager.Header.Set("Accept-Language", "ru-RU,ru;q=0.9")
		if list, _ := notificationsOf(w.Manager); list[0].Text != "Задача «Refund for March» начнётся через 5 минут" {
			t.Errorf("asked in Russian: %q", list[0].Text)
		}
		w.Manager.Header.Del("Accept-Language")
		w.Manager.MustDo("PATCH", "/api/v1/me", map[string]string{"locale": "ru"}, 200, nil)
		w.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d.ID), map[string]any{"title": "Возврат за март"}, 200, nil)
		if list, _ := notificationsOf(w.Manager); list[0].Text != "Задача «Возврат за март» начнётся через 5 минут" {
			t.Errorf("in the manager's Russian after a rename: %q", list[0].Text)
		}
		if tasks := tasksOf(w, w.Manager); len(tasks) != 1 || tasks[0].Title != "Возврат за март" {
			t.Errorf("the task after the rename: %+v", tasks)
		}

		// A row stored as text only keeps its text.
		ctx := context.Background()
		err := w.Srv.DB.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.CreateNotification(ctx, w.WorkspaceID, &beseda.Notification{UserID: w.ManagerID,
				Kind: beseda.NotifyTaskScheduled, Text: "Task “Old” starts in 5 minutes", DialogID: &d.ID, CreatedAt: w.Srv.Clock.Now()})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if list, _ := notificationsOf(w.Manager); len(list) != 2 || list[0].Text != "Task “Old” starts in 5 minutes" {
			t.Errorf("a text-only notification: %+v", list)
		}
	})
}
