package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"syscall"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// TestC2_TwoProcessesShareOnePostgreSQL starts two real `beseda serve`
// processes on one fresh PostgreSQL database and proves that an event made
// by one reaches live clients of the other, that the scheduled task start
// runs once, and that every notification is created once.
func TestC2_TwoProcessesShareOnePostgreSQL(t *testing.T) {
	t.Parallel()
	if testkit.PostgresURL() == "" {
		t.Skip("no PostgreSQL server")
	}
	dbURL := testkit.NewDatabase(t, store.Postgres)
	testkit.CreateWorkspace(t, dbURL, "Two", "owner@two.test", "a long secret")
	dir := t.TempDir()
	args := []string{"--db", dbURL, "--task-start-delay", "2s"}
	a := testkit.StartProcess(t, dir, testkit.FreePort(t), nil, args...)
	b := testkit.StartProcess(t, dir, testkit.FreePort(t), nil, args...)

	owner := testkit.Login(t, a.URL, "owner@two.test", "a long secret")
	var manager beseda.User
	owner.MustDo("POST", "/api/v1/users", map[string]any{"email": "manager@two.test", "name": "Misha",
		"password": "a long secret"}, 201, &manager)
	managerOnB := testkit.Login(t, b.URL, "manager@two.test", "a long secret")
	ownerOnB := testkit.OpenStream(t, b.URL, owner.Token, "")
	stream := testkit.OpenStream(t, b.URL, managerOnB.Token, "")
	stream.Next("ready", 5*time.Second)
	ownerOnB.Next("ready", 5*time.Second)

	visitor := testkit.StartVisitor(t, b.URL, testkit.WebChatKey(t, owner), "Client")
	var types []beseda.CatalogItem
	owner.MustDo("GET", "/api/v1/settings/dialog-types", nil, 200, &types)

	// An event made on A reaches a client of B, at once.
	start := time.Now()
	var d beseda.Dialog
	owner.MustDo("POST", "/api/v1/dialogs", map[string]any{"subscriber_id": visitor.SubscriberID, "title": "Across processes",
		"type_id": types[0].ID, "participant_ids": []int64{manager.ID}}, 201, &d)
	e := stream.Next("notification.created", 5*time.Second)
	if took := time.Since(start); took > testkit.Bar(time.Second) {
		t.Errorf("the notification crossed processes in %v (the bar on this machine now: %v)", took, testkit.Bar(time.Second))
	}
	var n struct{ Data beseda.Notification }
	json.Unmarshal(e.Data, &n)
	if n.Data.Kind != beseda.NotifyTaskScheduled {
		t.Errorf("first notification %s", e.Data)
	}
	owner.MustDo("POST", testkit.Path("/api/v1/dialogs/%d/messages", d.ID), map[string]string{"text": "written on A"}, 201, nil)
	if e := ownerOnB.Next("message.created", 5*time.Second); !bytes.Contains(e.Data, []byte("written on A")) {
		t.Errorf("message event %s", e.Data)
	}

	// The task starts once, in one of the two processes, and says so once.
	e = stream.Next("notification.created", 20*time.Second)
	json.Unmarshal(e.Data, &n)
	if n.Data.Kind != beseda.NotifyTaskStarted {
		t.Errorf("second notification %s", e.Data)
	}
	time.Sleep(2 * time.Second) // room for a second, wrong start to show
	var list []beseda.Notification
	managerOnB.MustDo("GET", "/api/v1/notifications", nil, 200, &list)
	if len(list) != 2 {
		t.Errorf("%d notifications, want one scheduled and one started: %+v", len(list), list)
	}
	var tasks []beseda.Task
	managerOnB.MustDo("GET", "/api/v1/tasks", nil, 200, &tasks)
	if len(tasks) != 1 || tasks[0].Status != beseda.TaskStarted {
		t.Errorf("tasks %+v", tasks)
	}
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var jobs, attempts int
	if err := db.QueryRow(`SELECT count(*), coalesce(max(attempt), 0) FROM river_job WHERE kind = 'task_start'`).Scan(&jobs, &attempts); err != nil {
		t.Fatal(err)
	}
	if jobs != 1 || attempts != 1 {
		t.Errorf("task_start: %d jobs, %d attempts; want one job run once", jobs, attempts)
	}
	for _, p := range []*testkit.Process{a, b} {
		if err := p.Signal(syscall.SIGTERM); err != nil {
			t.Errorf("stop: %v", err)
		}
	}
}
