package outbox_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// TestD1_ProducersShareNoRowOfTheChannel holds one client's producer
// transaction open at its commit, with every row it wrote or locked still
// locked, and shows that producing for another client of the same channel,
// releasing a third client's held messages, and delivering both, all go on
// meanwhile: nothing shared by the channel's clients is written on the way.
// PostgreSQL only: it has row locks (SQLite writes one transaction at a time
// anyway).
func TestD1_ProducersShareNoRowOfTheChannel(t *testing.T) {
	t.Parallel()
	if testkit.PostgresURL() == "" {
		t.Skip("no PostgreSQL server")
	}
	dbURL := testkit.NewMigratedDatabase(t, store.Postgres)
	b := newBot(t, dbURL, beseda.Pacing{})
	ivan, petr, olga := b.client(t, 1001, "Ivan"), b.client(t, 1002, "Petr"), b.client(t, 1003, "Olga")
	d := b.w.CreateDialog(olga, "Case")
	if m := b.produce(t, olga, beseda.SourceBroadcast, "held for Olga"); m.Status != beseda.MessageHeld {
		t.Fatalf("Olga's broadcast is %s, want held", m.Status)
	}

	// A commit-time trigger makes a transaction that stored the text "hold"
	// wait for a lock the test holds, after all its statements ran.
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`CREATE FUNCTION hold_commit() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.text = 'hold' THEN PERFORM pg_advisory_xact_lock(4242); END IF;
			RETURN NULL;
		END $$`,
		`CREATE CONSTRAINT TRIGGER hold_commit AFTER INSERT ON messages DEFERRABLE INITIALLY DEFERRED
			FOR EACH ROW EXECUTE FUNCTION hold_commit()`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	gate, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer gate.Close()
	if _, err := gate.ExecContext(ctx, `SELECT pg_advisory_lock(4242)`); err != nil {
		t.Fatal(err)
	}
	held := true
	defer func() {
		if held {
			gate.ExecContext(ctx, `SELECT pg_advisory_unlock(4242)`)
		}
	}()
	waiting := func() bool {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
			AND classid = 0 AND objid = 4242 AND objsubid = 1`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n == 1
	}

	ivanDone := make(chan struct{})
	go func() {
		defer close(ivanDone)
		b.produce(t, ivan, beseda.SourceSystem, "hold")
	}()
	testkit.Eventually(t, 20*time.Second, "Ivan's producer at its commit", waiting)

	// Meanwhile: each of these is a transaction of its own, done within
	// the deadline, though Ivan's is still open.
	within := func(what string, fn func()) {
		t.Helper()
		done := make(chan struct{})
		go func() {
			defer close(done)
			fn()
		}()
		select {
		case <-done:
		case <-time.After(testkit.Timeout(30 * time.Second)):
			t.Fatalf("%s waited for another client's transaction", what)
		}
	}
	var petrMsg beseda.Message
	within("producing for Petr", func() { petrMsg = b.produce(t, petr, beseda.SourceSystem, "for Petr") })
	within("releasing Olga's held message", func() { b.w.SetStatus(d.ID, beseda.DialogPaused) })
	testkit.Eventually(t, 20*time.Second, "Petr's and Olga's messages delivered", func() bool {
		got := count(b.api.Requested())
		return got["for Petr"] == 1 && got["held for Olga"] == 1
	})
	if m := b.message(t, petr, petrMsg.ID); m.Status != beseda.MessagePending && m.Status != beseda.MessageSent {
		t.Errorf("Petr's message is %s", m.Status)
	}
	if !waiting() {
		t.Fatal("Ivan's transaction ended early; the test proved nothing")
	}

	gate.ExecContext(ctx, `SELECT pg_advisory_unlock(4242)`)
	held = false
	<-ivanDone
	testkit.Eventually(t, 20*time.Second, "Ivan's message delivered", func() bool { return count(b.api.Requested())["hold"] == 1 })
}
