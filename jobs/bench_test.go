package jobs_test

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/synth"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// BenchmarkBroadcast100k: a broadcast to 100,000 web-chat clients of whom 1 %
// have an active dialog, through the API and the background producer. It
// reports the time until every message is decided (sent to the channel queue
// or delivered, held, or dropped), messages decided per second, and the
// process's peak RSS during the broadcast.
//
//	go test ./jobs -run '^$' -bench Broadcast -benchtime 1x
func BenchmarkBroadcast100k(b *testing.B) {
	for _, d := range testkit.Dialects() {
		b.Run(string(d), func(b *testing.B) {
			const n = 100_000
			srv := testkit.StartServer(b, testkit.NewMigratedDatabase(b, d), testkit.Options{Clock: beseda.SystemClock{}})
			w := testkit.NewWorld(b, srv, beseda.LocaleEN)
			ctx := context.Background()
			channels, err := srv.DB.FindChannels(ctx, w.WorkspaceID)
			if err != nil {
				b.Fatal(err)
			}
			res, err := synth.Generate(ctx, srv.DB, synth.Spec{WorkspaceID: w.WorkspaceID, ChannelID: channels[0].ID,
				UserIDs: []int64{w.OwnerID}, TypeIDs: []int64{w.Types[0].ID}, Subscribers: n, Dialogs: n,
				ActiveShare: 0.01, Seed: 2})
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				runtime.GC()
				debug.FreeOSMemory()
				testkit.ResetPeakRSS(b)
				var bc beseda.Broadcast
				w.Owner.MustDo("POST", "/api/v1/broadcasts", map[string]string{"text": "Spring sale: 20% off"}, 201, &bc)
				path := testkit.Path("/api/v1/broadcasts/%d", bc.ID)
				for bc.FinishedAt == nil {
					time.Sleep(250 * time.Millisecond) // a console polling the progress
					w.Owner.MustDo("GET", path, nil, 200, &bc)
				}
				// The server's own times: from the broadcast's creation to
				// its end, not to the poll that saw it.
				elapsed := bc.FinishedAt.Sub(bc.CreatedAt)
				peak := testkit.PeakRSS(b)
				if bc.Produced != n || bc.Counts[beseda.MessageHeld] != res.Active {
					b.Fatalf("broadcast %+v; want %d produced, %d held", bc, n, res.Active)
				}
				b.ReportMetric(elapsed.Seconds(), "s-to-decide")
				b.ReportMetric(float64(n)/elapsed.Seconds(), "msgs/s")
				b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MB")
				b.Logf("%s: %d decided in %v (sent %d, held %d, pending %d), peak RSS %d MB",
					d, n, elapsed.Round(time.Millisecond), bc.Counts[beseda.MessageSent], bc.Counts[beseda.MessageHeld],
					bc.Counts[beseda.MessagePending], peak>>20)
			}
		})
	}
}

// BenchmarkRelease1000: 1,000 held messages of one web-chat client, released
// when the dialog is paused; the time until the client can fetch them all.
//
//	go test ./jobs -run '^$' -bench Release -benchtime 5x
func BenchmarkRelease1000(b *testing.B) {
	for _, d := range testkit.Dialects() {
		b.Run(string(d), func(b *testing.B) {
			srv := testkit.StartServer(b, testkit.NewMigratedDatabase(b, d), testkit.Options{Clock: beseda.SystemClock{}})
			w := testkit.NewWorld(b, srv, beseda.LocaleEN)
			var total time.Duration
			for b.Loop() {
				v := w.NewVisitor("Bench")
				dialog := w.CreateDialog(v.SubscriberID, "Bench")
				holdMessages(b, srv.DB, v.SubscriberID, 1000)
				start := time.Now()
				w.SetStatus(dialog.ID, beseda.DialogPaused)
				for {
					var msgs []beseda.Message
					v.MustDo("GET", "/widget/"+v.Key+"/messages", nil, 200, &msgs)
					if len(msgs) > 0 && msgs[len(msgs)-1].Text == "held 0999" {
						break
					}
					time.Sleep(5 * time.Millisecond)
				}
				total += time.Since(start)
			}
			b.ReportMetric(total.Seconds()/float64(b.N), "s-to-release")
		})
	}
}

// holdMessages stores n held funnel messages for a client straight through
// the store (the gate holds them; producing 1,000 through HTTP is not what is
// measured).
func holdMessages(b *testing.B, db *store.DB, subscriberID int64, n int) {
	ctx := context.Background()
	err := db.Update(ctx, func(tx *store.Tx) error {
		subs, err := tx.LockSubscribers(ctx, []int64{subscriberID})
		if err != nil {
			return err
		}
		s := subs[subscriberID]
		msgs := make([]*beseda.Message, n)
		for i := range msgs {
			msgs[i] = &beseda.Message{WorkspaceID: s.WorkspaceID, SubscriberID: s.ID, ChannelID: s.ChannelID,
				Direction: beseda.DirectionOut, Source: beseda.SourceFunnel, Text: fmt.Sprintf("held %04d", i),
				Status: beseda.MessageHeld, CreatedAt: time.Now()}
		}
		return tx.CreateMessages(ctx, msgs)
	})
	if err != nil {
		b.Fatal(err)
	}
}
