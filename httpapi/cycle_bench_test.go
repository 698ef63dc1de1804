package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// BenchmarkWriteCycle is the load test's cycle (cmd/beseda-load) in process:
// create a dialog for one of 200 clients, write a message in it, complete
// it, list the active dialogs; through the server's handler, no network.
// Steadier than the closed-loop load on a noisy machine (BENCHMARKS.md,
// "The write path again, on another machine"). Sub-benchmark c=1 runs one
// cycle at a time, c=4 four at once (each on its own clients). Besides time
// per cycle it reports the whole process's CPU time per cycle (cpu-µs/op:
// background work such as delivery, checkpoints and search batches
// included), the time the use cases' write transactions held the writer
// (writer-µs/op: SQLite's one writer bounds the rate) and, on Linux, read and write system calls per cycle
// (syscr/op: pages SQLite's page caches did not hold; syscw/op: mostly
// pages written to its write-ahead log):
//
//	go test -c -o /tmp/httpapi.test ./httpapi
//	(cd httpapi && /tmp/httpapi.test -test.run '^$' -test.bench 'WriteCycle/sqlite' -test.benchtime 5000x)
func BenchmarkWriteCycle(b *testing.B) {
	for _, d := range testkit.Dialects() {
		b.Run(string(d), func(b *testing.B) {
			srv := testkit.StartServer(b, testkit.NewMigratedDatabase(b, d), testkit.Options{Clock: beseda.SystemClock{}})
			w := testkit.NewWorld(b, srv, beseda.LocaleEN)
			bn := &bench{srv: srv, w: w, token: w.Owner.Token}
			var clients []int64
			for i := range 200 {
				clients = append(clients, w.NewVisitor(fmt.Sprintf("Client %d", i)).SubscriberID)
			}
			typeID := w.Types[0].ID
			b.Run("c=1", func(b *testing.B) {
				b.ReportAllocs()
				before := readUsage(srv)
				for i := 0; b.Loop(); i++ {
					writeCycle(b, bn, clients[i%len(clients)], typeID)
				}
				readUsage(srv).report(b, before)
			})
			b.Run("c=4", func(b *testing.B) {
				// Worker k takes clients k, k+4, k+8, …: no two workers
				// ever hold a dialog of the same client.
				const workers = 4
				var next atomic.Int64
				b.SetParallelism((workers + 1) / 2)
				before := readUsage(srv)
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					k := int(next.Add(1)-1) % workers
					for i := k; pb.Next(); i += workers {
						writeCycle(b, bn, clients[i%len(clients)], typeID)
					}
				})
				b.StopTimer()
				readUsage(srv).report(b, before)
			})
		})
	}
}

func writeCycle(b *testing.B, bn *bench, subscriberID, typeID int64) {
	var d struct{ ID int64 }
	body := bn.do(b, "POST", "/api/v1/dialogs", fmt.Sprintf(`{"subscriber_id":%d,"title":"Order 1234 has not arrived","type_id":%d}`,
		subscriberID, typeID), http.StatusCreated)
	if err := json.Unmarshal(body, &d); err != nil {
		b.Fatal(err)
	}
	path := fmt.Sprintf("/api/v1/dialogs/%d", d.ID)
	bn.do(b, "POST", path+"/messages", `{"text":"Hello! We are looking into your order and will write back shortly."}`, http.StatusCreated)
	bn.do(b, "PATCH", path, `{"status":"completed"}`, http.StatusOK)
	bn.do(b, "GET", "/api/v1/dialogs?status=active", "", http.StatusOK)
}

// usage is what the kernel counted for this process so far, and how long
// the server's write transactions held the writer.
type usage struct {
	cpu, writer  time.Duration
	syscr, syscw int64 // -1 where /proc/self/io cannot be read
}

func readUsage(srv *testkit.Server) usage {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	_, writer := srv.DB.WriteTime()
	u := usage{cpu: time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), writer: writer, syscr: -1, syscw: -1}
	if io, err := os.ReadFile("/proc/self/io"); err == nil {
		for line := range strings.Lines(string(io)) {
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), "syscr: "); ok {
				u.syscr, _ = strconv.ParseInt(v, 10, 64)
			}
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), "syscw: "); ok {
				u.syscw, _ = strconv.ParseInt(v, 10, 64)
			}
		}
	}
	return u
}

func (u usage) report(b *testing.B, before usage) {
	n := float64(b.N)
	b.ReportMetric(float64((u.cpu-before.cpu).Microseconds())/n, "cpu-µs/op")
	b.ReportMetric(float64((u.writer-before.writer).Microseconds())/n, "writer-µs/op")
	if u.syscw >= 0 && before.syscw >= 0 {
		b.ReportMetric(float64(u.syscr-before.syscr)/n, "syscr/op")
		b.ReportMetric(float64(u.syscw-before.syscw)/n, "syscw/op")
	}
}
