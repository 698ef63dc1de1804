package main

import (
	"context"
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// TestG2_CrashDuringRelease holds 1,000 messages for one client, pauses the
// dialog, kills the real server with SIGKILL in the middle of the release,
// restarts it, and checks that every held message reached the client exactly
// once and in order, on both databases.
func TestG2_CrashDuringRelease(t *testing.T) {
	t.Parallel()
	testkit.Each(t, crashDuringRelease)
}

func crashDuringRelease(t *testing.T, dbURL string) {
	const n = 1000
	dir := t.TempDir()
	testkit.CreateWorkspace(t, dbURL, "Crash", "owner@crash.test", "a long secret")
	addr := testkit.FreePort(t)
	// 100 messages a second: the release of 1,000 takes 10 s, time to kill it.
	slow := []string{"BESEDA_PACE=web=100"}
	p := testkit.StartProcess(t, dir, addr, slow, "--db", dbURL)
	owner := testkit.Login(t, p.URL, "owner@crash.test", "a long secret")
	visitor := testkit.StartVisitor(t, p.URL, testkit.WebChatKey(t, owner), "Crash client")
	var me struct{ Workspace beseda.Workspace }
	owner.MustDo("GET", "/api/v1/me", nil, 200, &me)
	var types []beseda.CatalogItem
	owner.MustDo("GET", "/api/v1/settings/dialog-types", nil, 200, &types)
	var d beseda.Dialog
	owner.MustDo("POST", "/api/v1/dialogs", map[string]any{"subscriber_id": visitor.SubscriberID, "title": "Long talk",
		"type_id": types[0].ID}, 201, &d)

	started := time.Now()
	// Hold 1,000 messages, from 4 producers at once; their ids give the order.
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 4 {
				source := beseda.SourceFunnel
				if i%2 == 1 {
					source = beseda.SourceBroadcast
				}
				var m beseda.Message
				owner.MustDo("POST", "/api/v1/outbound", map[string]any{"subscriber_id": visitor.SubscriberID,
					"source": source, "text": fmt.Sprintf("held %04d", i), "idempotency_key": fmt.Sprintf("k%d", i)}, 201, &m)
				if m.Status != beseda.MessageHeld {
					t.Errorf("message %d is %s, want held", i, m.Status)
				}
			}
		}()
	}
	wg.Wait()
	t.Logf("1,000 messages held in %v", time.Since(started).Round(time.Millisecond))
	var held []beseda.Message
	for after := int64(0); ; {
		var page []beseda.Message
		owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d/messages?limit=500&after=%d", visitor.SubscriberID, after), nil, 200, &page)
		if len(page) == 0 {
			break
		}
		held, after = append(held, page...), page[len(page)-1].ID
	}
	if len(held) != n {
		t.Fatalf("%d messages held, want %d", len(held), n)
	}

	// delivered pages through what the client sees, as the widget does.
	delivered := func(c *testkit.Client) []beseda.Message {
		var all []beseda.Message
		for after := int64(0); ; {
			var page []beseda.Message
			c.MustDo("GET", testkit.Path("/widget/%s/messages?after=%d", visitor.Key, after), nil, 200, &page)
			if len(page) == 0 {
				return all
			}
			all, after = append(all, page...), page[len(page)-1].ID
		}
	}
	owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d.ID), map[string]string{"status": "paused"}, 200, nil)
	testkit.Eventually(t, 10*time.Second, "the release is under way", func() bool { return len(delivered(visitor.Client)) >= 150 })
	if err := p.Cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	p.Signal(syscall.SIGKILL) // waits for the exit

	// In the middle: some delivered, the rest still pending; nothing lost.
	db, err := store.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := db.FindMessages(context.Background(), beseda.MessageFilter{WorkspaceID: me.Workspace.ID,
		SubscriberID: visitor.SubscriberID, Limit: 500})
	if err == nil {
		var more []*beseda.Message
		more, err = db.FindMessages(context.Background(), beseda.MessageFilter{WorkspaceID: me.Workspace.ID,
			SubscriberID: visitor.SubscriberID, BeforeID: msgs[0].ID, Limit: 500})
		msgs = append(more, msgs...)
	}
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	counts := map[beseda.MessageStatus]int{}
	for _, m := range msgs {
		counts[m.Status]++
	}
	if counts[beseda.MessageSent] == 0 || counts[beseda.MessageSent] == n || counts[beseda.MessageSent]+counts[beseda.MessagePending] != n {
		t.Fatalf("after the kill: %v; want some sent and the rest pending", counts)
	}
	t.Logf("killed with %d of %d delivered", counts[beseda.MessageSent], n)

	restarted := time.Now()
	p = testkit.StartProcess(t, dir, addr, nil, "--db", dbURL)
	visitor.BaseURL = p.URL
	testkit.Eventually(t, 30*time.Second, "the release finished after the restart", func() bool {
		return len(delivered(visitor.Client)) == n
	})
	t.Logf("the rest delivered %v after the restart", time.Since(restarted).Round(time.Millisecond))
	got := delivered(visitor.Client)
	for i, m := range got {
		if want := held[i].Text; m.Text != want || m.ID != held[i].ID {
			t.Fatalf("delivered message %d is %d %q, want %d %q (each once, in order)", i, m.ID, m.Text, held[i].ID, want)
		}
	}
	if err := p.Signal(syscall.SIGTERM); err != nil {
		t.Errorf("graceful stop: %v", err)
	}
}
