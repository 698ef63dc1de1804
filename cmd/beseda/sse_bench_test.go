package main

import (
	"bufio"
	"context"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beseda/beseda/internal/testkit"
)

// BenchmarkSSEFanOut1000 holds 1,000 Server-Sent Events clients on one
// `beseda serve` process (the real binary, SQLite) and measures, per event,
// the time from sending a message until each client has read its event, and
// the server's resident memory per open connection.
//
//	go test ./cmd/beseda -run '^$' -bench SSEFanOut -benchtime 50x
func BenchmarkSSEFanOut1000(b *testing.B) {
	const clients = 1000
	dir := b.TempDir()
	dbURL := "sqlite:" + filepath.Join(dir, "beseda.db")
	testkit.CreateWorkspace(b, dbURL, "Fan", "owner@fan.test", "a long secret")
	p := testkit.StartProcess(b, dir, testkit.FreePort(b), nil, "--db", dbURL)
	owner := testkit.Login(b, p.URL, "owner@fan.test", "a long secret")
	client := testkit.StartVisitor(b, p.URL, testkit.WebChatKey(b, owner), "C")
	before := settle(b, owner, p.Cmd.Process.Pid)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	transport := &http.Transport{MaxIdleConnsPerHost: clients}
	received := make(chan time.Time, clients*4)
	var ready sync.WaitGroup
	for range clients {
		ready.Add(1)
		go func() {
			req, _ := http.NewRequestWithContext(ctx, "GET", p.URL+"/api/v1/events", nil)
			req.Header.Set("Authorization", "Bearer "+owner.Token)
			res, err := transport.RoundTrip(req)
			if err != nil {
				ready.Done()
				b.Error(err)
				return
			}
			defer res.Body.Close()
			sc := bufio.NewScanner(res.Body)
			first := true
			for sc.Scan() {
				line := sc.Text()
				if first && line == "event: ready" {
					first = false
					ready.Done()
				}
				if line == "event: message.created" {
					received <- time.Now()
				}
			}
		}()
	}
	ready.Wait()
	after := settle(b, owner, p.Cmd.Process.Pid)
	perConn := float64(after.live-before.live) / clients

	var latencies []time.Duration
	path := testkit.Path("/api/v1/subscribers/%d/messages", client.SubscriberID)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		owner.MustDo("POST", path, map[string]string{"text": "fan-out " + strconv.Itoa(i)}, 201, nil)
		for range clients {
			select {
			case at := <-received:
				latencies = append(latencies, at.Sub(start))
			case <-time.After(testkit.Timeout(10 * time.Second)):
				b.Fatalf("event %d did not reach every client", i)
			}
		}
	}
	b.StopTimer()
	slices.Sort(latencies)
	b.ReportMetric(float64(latencies[len(latencies)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(perConn/1024, "KB/conn")
	b.ReportMetric(float64(after.rss-before.rss)/clients/1024, "RSS-KB/conn")
	b.Logf("server: live heap + stacks %.1f MB idle, %.1f MB with %d streams: %.1f KB per connection; RSS %d → %d MB",
		float64(before.live)/(1<<20), float64(after.live)/(1<<20), clients, perConn/1024, before.rss>>20, after.rss>>20)
	cancel()
}

// memory is what the server holds: its resident set, and what its live data
// needs (the live heap after the last collection, and goroutine stacks).
type memory struct{ rss, live int64 }

// settle has the server collect its garbage (by giving it work that
// allocates: the runtime collects when its heap has grown enough) and reads
// its memory.
func settle(b *testing.B, c *testkit.Client, pid int) memory {
	for range 1500 {
		c.MustDo("GET", "/api/v1/dialogs?limit=200", nil, 200, nil)
		c.MustDo("GET", "/api/v1/settings/standard-messages", nil, 200, nil)
	}
	time.Sleep(time.Second)
	res := c.MustDo("GET", "/metrics", nil, 200, nil)
	m := memory{rss: testkit.RSS(b, pid)}
	for _, name := range []string{"go_gc_heap_live_bytes ", "go_memstats_stack_inuse_bytes "} {
		for _, line := range strings.Split(string(res.Body), "\n") {
			if v, ok := strings.CutPrefix(line, name); ok {
				f, _ := strconv.ParseFloat(v, 64)
				m.live += int64(f)
			}
		}
	}
	return m
}
