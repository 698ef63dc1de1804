package main

import (
	"bytes"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/internal/testkit/fakewhatsapp"
	"github.com/beseda/beseda/store"
)

// TestD3_KillLoop: real `beseda serve` processes deliver messages of several
// chats to a slow fake WhatsApp Cloud API, which takes a message only after a
// pause, answers after another, and posts the message's status webhook
// (retrying until it is answered, as Meta does). The test kills the
// delivering process with SIGKILL at random moments, again and again, and
// starts it again: one process on each database, and on PostgreSQL two
// processes, of which one is killed while the other lives on. At the end
// every message has reached the platform exactly once, each chat in order,
// and after every kill delivery resumed within 2 s (SPEC D3; the bar
// stretches with the machine's load, testkit.Bar) of the restart, or of the
// kill when another process lives.
//
// BESEDA_KILL_LOOP=N kills N times per case instead of 3 (BENCHMARKS.md).
func TestD3_KillLoop(t *testing.T) {
	t.Parallel()
	kills := 3
	if v := os.Getenv("BESEDA_KILL_LOOP"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("BESEDA_KILL_LOOP=%q: want a number of kills", v)
		}
		kills = n
	}
	type mode struct {
		dialect   store.Dialect
		processes int
	}
	var modes []mode
	for _, d := range testkit.Dialects() {
		modes = append(modes, mode{d, 1})
		if d == store.Postgres {
			modes = append(modes, mode{d, 2})
		}
	}
	for _, m := range modes {
		t.Run(fmt.Sprintf("%s/%d processes", m.dialect, m.processes), func(t *testing.T) {
			r := killLoop(t, testkit.NewMigratedDatabase(t, m.dialect), m.processes, kills)
			t.Logf("%d kills: %d messages delivered once each, in order; resumed after %v at worst (median %v); "+
				"%d sent again after the confirmation wait", r.kills, r.messages, r.worst, r.median, r.resent)
		})
	}
}

type killLoopResult struct {
	kills, messages, resent int
	worst, median           time.Duration
}

const (
	killPhone  = "106540352242922"
	killToken  = "EAAJB-kill-loop"
	killSecret = "kill-loop-app-secret"
)

func killLoop(t *testing.T, dbURL string, processes, kills int) killLoopResult {
	// Enough messages that delivery is still under way at the last kill.
	const chats = 4
	messagesPerChat := max(20, kills*3)
	testkit.CreateWorkspace(t, dbURL, "Kill loop", "owner@kill.test", "a long secret")
	api := fakewhatsapp.New(t, killPhone, killToken)
	api.Slow(15*time.Millisecond, 15*time.Millisecond)
	dir := t.TempDir()
	addrs := make([]string, processes)
	procs := make([]*testkit.Process, processes)
	for i := range addrs {
		addrs[i] = testkit.FreePort(t)
		procs[i] = testkit.StartProcess(t, dir, addrs[i], []string{"BESEDA_LOG_LEVEL=warn"}, "--db", dbURL)
	}
	owner := testkit.Login(t, procs[0].URL, "owner@kill.test", "a long secret")
	var ch testkit.ChannelInfo
	owner.MustDo("POST", "/api/v1/channels", map[string]any{"kind": "whatsapp", "name": "Shop", "config": map[string]string{
		"phone_number_id": killPhone, "access_token": killToken, "app_secret": killSecret,
		"verify_token": "kill-verify", "api_base_url": api.URL}}, 201, &ch)
	hookPath := "/webhooks/whatsapp/" + ch.Key

	// Meta posts to one address; with two processes it is a balancer that
	// tries each live one.
	var mu sync.Mutex
	live := func() []string {
		mu.Lock()
		defer mu.Unlock()
		var out []string
		for _, p := range procs {
			if p != nil {
				out = append(out, p.URL)
			}
		}
		return out
	}
	balancer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		for _, base := range live() {
			req, _ := http.NewRequest("POST", base+hookPath, bytes.NewReader(body))
			req.Header = r.Header.Clone()
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				continue
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			w.WriteHeader(res.StatusCode)
			return
		}
		w.WriteHeader(http.StatusBadGateway)
	}))
	t.Cleanup(balancer.Close)
	api.PostStatuses(balancer.URL, killSecret)

	// The clients write first (a chat and its 24-hour window), then the
	// automation's messages are produced, all before the first kill.
	client := testkit.NewClient(t, balancer.URL)
	waIDs := make([]string, chats)
	for i := range waIDs {
		waIDs[i] = fmt.Sprintf("49151000000%02d", i)
		body := fakewhatsapp.TextMessage(killPhone, waIDs[i], fmt.Sprintf("Client %d", i), fmt.Sprintf("wamid.in%d", i), "hello")
		client.Header.Set("X-Hub-Signature-256", fakewhatsapp.Sign(body, killSecret))
		if res := client.Send("POST", "/", "application/json", bytes.NewReader(body)); res.Status != 200 {
			t.Fatalf("client's message: %d %s", res.Status, res.Body)
		}
	}
	var subs []beseda.Subscriber
	owner.MustDo("GET", "/api/v1/subscribers", nil, 200, &subs)
	var produced []int64
	for i := range messagesPerChat {
		for _, s := range subs {
			if s.ChannelKind != "whatsapp" {
				continue
			}
			var m beseda.Message
			owner.MustDo("POST", "/api/v1/outbound", map[string]any{"subscriber_id": s.ID, "source": "funnel",
				"text": fmt.Sprintf("#%03d", i)}, 201, &m)
			produced = append(produced, m.ID)
		}
	}
	if len(produced) != chats*messagesPerChat {
		t.Fatalf("%d messages produced, want %d", len(produced), chats*messagesPerChat)
	}

	taken := func() int { return len(api.Sent()) }
	raw, err := sql.Open(killLoopDriver(dbURL), strings.TrimPrefix(dbURL, "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	// putBack counts sends cut off by a kill that a deliverer has put back
	// in the queue (ResumeInFlight) and that are not settled yet.
	putBack := func() int {
		var n int
		if err := raw.QueryRow(`SELECT count(*) FROM messages WHERE resent AND status = 'pending'`).Scan(&n); err != nil {
			t.Logf("counting sends put back: %v", err)
		}
		return n
	}
	var resumes []time.Duration
	for k := range kills {
		// Kill while delivery is under way: after a random part of the
		// next few sends.
		before := taken()
		if before >= len(produced) {
			t.Logf("everything was delivered after %d kills; the rest of the loop has nothing to cut", k)
			break
		}
		testkit.Eventually(t, testkit.Timeout(30*time.Second), "delivery under way", func() bool {
			return taken() > before || taken() >= len(produced)
		})
		time.Sleep(time.Duration(rand.IntN(40)) * time.Millisecond)
		if n := putBack(); n > 0 {
			// The previous kill's cut-off send still waits for its report:
			// let it settle, so that this kill's resumption is told apart.
			testkit.Eventually(t, testkit.Timeout(30*time.Second), "the cut-off send settled", func() bool { return putBack() == 0 })
		}
		victim := k % processes
		mu.Lock()
		p := procs[victim]
		procs[victim] = nil
		mu.Unlock()
		p.Signal(syscall.SIGKILL)
		atKill := taken()
		started := time.Now() // the kill: D3's clock starts when another process lives
		if processes == 1 {
			p = testkit.StartProcess(t, dir, addrs[victim], []string{"BESEDA_LOG_LEVEL=warn"}, "--db", dbURL)
			started = time.Now() // the process answers: D3's clock starts
			mu.Lock()
			procs[victim] = p
			mu.Unlock()
		}
		if atKill >= len(produced) {
			break
		}
		// Resumed: the platform takes a message, or the new deliverer has
		// put back the send the kill cut off, which then waits (in its chat's
		// turn) for the platform's report; with nothing else left to send,
		// that wait is the confirmation's, not a stall.
		// Judged once, when seen: a send put back can settle (its status
		// arrives) before a second look, which would then see neither.
		deadline := time.Now().Add(testkit.Timeout(time.Minute))
		resumed := false
		for !resumed && time.Now().Before(deadline) {
			if resumed = taken() > atKill || putBack() > 0; !resumed {
				time.Sleep(5 * time.Millisecond)
			}
		}
		resume := time.Since(started)
		if !resumed {
			t.Fatalf("kill %d: delivery did not resume within %v", k+1, testkit.Timeout(time.Minute))
		}
		resumes = append(resumes, resume)
		if bar := testkit.Bar(2 * time.Second); resume > bar {
			t.Errorf("kill %d: delivery resumed after %v, over D3's 2 s (the bar on this machine now: %v)", k+1, resume, bar)
		}
		if processes > 1 {
			p = testkit.StartProcess(t, dir, addrs[victim], []string{"BESEDA_LOG_LEVEL=warn"}, "--db", dbURL)
			mu.Lock()
			procs[victim] = p
			mu.Unlock()
		}
	}

	// Everything arrives: interrupted sends are settled by their status or
	// sent again after the confirmation wait (10 s).
	testkit.Eventually(t, testkit.Timeout(2*time.Minute), "every message delivered", func() bool {
		return taken() >= len(produced)
	})
	time.Sleep(500 * time.Millisecond) // room for a late duplicate to show
	sent := api.Sent()
	times := map[int64]int{}
	lastInChat := map[string]int{}
	for _, s := range sent {
		id, ok := beseda.ParseSendTag(s.Tag)
		if !ok {
			t.Fatalf("a message sent without Beseda's tag: %+v", s)
		}
		times[id]++
		var n int
		if _, err := fmt.Sscanf(s.Text, "#%d", &n); err != nil {
			t.Fatalf("sent %+v: %v", s, err)
		}
		if prev, seen := lastInChat[s.To]; seen && n <= prev && times[id] == 1 {
			t.Errorf("chat %s: #%03d after #%03d: out of order", s.To, n, prev)
		}
		lastInChat[s.To] = max(n, lastInChat[s.To])
	}
	for _, id := range produced {
		switch times[id] {
		case 1:
		case 0:
			t.Errorf("message %d never reached the platform (lost)", id)
		default:
			t.Errorf("message %d reached the platform %d times (duplicated)", id, times[id])
		}
	}
	// And the database agrees: every message sent.
	var msgs []beseda.Message
	probe := testkit.Login(t, live()[0], "owner@kill.test", "a long secret")
	res := killLoopResult{messages: len(produced)}
	for _, s := range subs {
		if s.ChannelKind != "whatsapp" {
			continue
		}
		probe.MustDo("GET", testkit.Path("/api/v1/subscribers/%d/messages?limit=500", s.ID), nil, 200, &msgs)
		for _, m := range msgs {
			if m.Direction != beseda.DirectionOut {
				continue
			}
			if m.Status != beseda.MessageSent {
				t.Errorf("message %d is %s %q, want sent", m.ID, m.Status, m.Reason)
			}
			if m.Resent {
				res.resent++
			}
		}
	}
	slices.Sort(resumes)
	if len(resumes) > 0 {
		res.worst, res.median = resumes[len(resumes)-1], resumes[len(resumes)/2]
	}
	res.kills = len(resumes)
	return res
}

func killLoopDriver(dbURL string) string {
	if strings.HasPrefix(dbURL, "postgres") {
		return "pgx"
	}
	return "sqlite"
}
