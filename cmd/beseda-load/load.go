package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// The steps of one cycle, in order.
type step int

const (
	stepCreate step = iota
	stepMessage
	stepComplete
	stepList
	nSteps
)

var stepNames = [nSteps]string{"create", "message", "complete", "list"}

func (s step) String() string { return stepNames[s] }

// printedErrors is how many failed responses are printed in full; the rest
// are only counted.
const printedErrors = 5

// cycleRecord is one measured cycle: the latency of each step that answered
// as expected (0 otherwise), and of the whole cycle.
type cycleRecord struct {
	steps [nSteps]time.Duration
	total time.Duration
	ok    bool
}

type errorKey struct {
	step   step
	status int    // 0: no answer (connection refused, timeout)
	code   string // the API's error code, or "transport"
}

// worker runs cycles one after another over its own connection and its own
// clients, and keeps what it measured to itself until the end, so workers
// share nothing while they run.
type worker struct {
	id      int
	base    string
	auth    []string
	typeID  int64
	hc      *http.Client
	clients []int64
	next    int
	seq     int
	log     io.Writer
	printed *atomic.Int32 // shared, touched only when a request fails

	buf     bytes.Buffer
	body    []byte
	records []cycleRecord
	warmed  int
	errs    map[errorKey]int
	warmErr int
	retired int
}

var (
	jsonType     = []string{"application/json"}
	completeBody = []byte(`{"status":"completed"}`)
	messageBody  = []byte(`{"text":"` + messageText + `"}`)
)

const messageText = "Hello from beseda-load: we are looking into it."

// loop runs cycles until limit of them are done (limit < 0: no limit), the
// deadline passes (zero: none), ctx ends or the worker has no clients left.
func (w *worker) loop(ctx context.Context, limit int, deadline time.Time, measured bool) {
	for i := 0; limit < 0 || i < limit; i++ {
		if ctx.Err() != nil || len(w.clients) == 0 || (!deadline.IsZero() && !time.Now().Before(deadline)) {
			return
		}
		w.cycle(measured)
	}
}

func (w *worker) cycle(measured bool) {
	sub := w.clients[w.next]
	w.seq++
	var rec cycleRecord
	start := time.Now()

	w.body = append(w.body[:0], `{"subscriber_id":`...)
	w.body = strconv.AppendInt(w.body, sub, 10)
	w.body = append(w.body, `,"title":"Load test `...)
	w.body = strconv.AppendInt(w.body, int64(w.id), 10)
	w.body = append(w.body, '-')
	w.body = strconv.AppendInt(w.body, int64(w.seq), 10)
	w.body = append(w.body, `","type_id":`...)
	w.body = strconv.AppendInt(w.body, w.typeID, 10)
	w.body = append(w.body, '}')
	lat, status, resp, err := w.call("POST", "/api/v1/dialogs", w.body)
	if status != http.StatusCreated || err != nil {
		w.fail(stepCreate, status, resp, err, measured)
		// Unless the server said no, the client may have an active dialog
		// now (409 active_dialog_exists says it has), and every later
		// create for it would fail.
		if err == nil && status != http.StatusCreated && status != http.StatusConflict {
			w.advance()
		} else {
			w.retire()
		}
		w.record(rec, measured)
		return
	}
	var created struct {
		ID int64 `json:"id"`
	}
	if json.Unmarshal(resp, &created) != nil || created.ID == 0 {
		w.fail(stepCreate, status, resp, fmt.Errorf("no dialog id in the answer"), measured)
		w.retire()
		w.record(rec, measured)
		return
	}
	rec.steps[stepCreate] = lat
	ok := true
	path := "/api/v1/dialogs/" + strconv.FormatInt(created.ID, 10)

	// A failed message still goes on to complete, to free the client.
	if lat, status, resp, err = w.call("POST", path+"/messages", messageBody); status == http.StatusCreated && err == nil {
		rec.steps[stepMessage] = lat
	} else {
		w.fail(stepMessage, status, resp, err, measured)
		ok = false
	}

	keep := true
	if lat, status, resp, err = w.call("PATCH", path, completeBody); status == http.StatusOK && err == nil {
		rec.steps[stepComplete] = lat
	} else {
		w.fail(stepComplete, status, resp, err, measured)
		ok, keep = false, false // the dialog may still be active
	}

	if lat, status, resp, err = w.call("GET", "/api/v1/dialogs?status=active", nil); status == http.StatusOK && err == nil {
		rec.steps[stepList] = lat
	} else {
		w.fail(stepList, status, resp, err, measured)
		ok = false
	}

	rec.total, rec.ok = time.Since(start), ok
	if keep {
		w.advance()
	} else {
		w.retire()
	}
	w.record(rec, measured)
}

func (w *worker) record(rec cycleRecord, measured bool) {
	if measured {
		w.records = append(w.records, rec)
	} else {
		w.warmed++
	}
}

func (w *worker) advance() { w.next = (w.next + 1) % len(w.clients) }

// retire stops using the current client: it may be left with an active
// dialog, so creating another for it would only fail.
func (w *worker) retire() {
	last := len(w.clients) - 1
	w.clients[w.next] = w.clients[last]
	w.clients = w.clients[:last]
	w.retired++
	if w.next >= len(w.clients) {
		w.next = 0
	}
}

// call sends one request and reads the whole answer (so that the connection
// is reused). The body it returns is valid until the next call. It takes no
// context: after Ctrl-C the requests in flight finish (within -timeout), so
// that the last cycles are measured whole rather than counted as errors.
func (w *worker) call(method, path string, body []byte) (time.Duration, int, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, w.base+path, rd)
	if err != nil {
		return 0, 0, nil, err
	}
	req.Header["Authorization"] = w.auth
	if body != nil {
		req.Header["Content-Type"] = jsonType
	}
	start := time.Now()
	res, err := w.hc.Do(req)
	if err != nil {
		return time.Since(start), 0, nil, err
	}
	w.buf.Reset()
	_, err = w.buf.ReadFrom(res.Body)
	res.Body.Close()
	return time.Since(start), res.StatusCode, w.buf.Bytes(), err
}

func (w *worker) fail(s step, status int, body []byte, err error, measured bool) {
	code := errorCode(body)
	if err != nil && status == 0 {
		code = "transport"
	}
	if measured {
		w.errs[errorKey{s, status, code}]++
	} else {
		w.warmErr++
	}
	if w.printed.Add(1) <= printedErrors {
		detail := string(bytes.TrimSpace(body))
		if len(detail) > 500 {
			detail = detail[:500] + "…"
		}
		if err != nil {
			detail = err.Error() + " " + detail
		}
		fmt.Fprintf(w.log, "beseda-load: worker %d: %s: status %d: %s\n", w.id, s, status, detail)
	}
}

// errorCode is the code of an API error body, {"error":{"code":"…"}}, or "".
func errorCode(body []byte) string {
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal(body, &e)
	return e.Error.Code
}

// newHTTPClient keeps its connections alive between requests. Each worker
// has a client of its own, so that no worker waits on another's connection
// pool; setup uses one more.
func newHTTPClient(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, Transport: &http.Transport{
		// No proxy: the figures are the server's, not a proxy's.
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        4,
		MaxIdleConnsPerHost: 4,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}}
}

// run signs in, finds the clients, runs the workers through the warm-up and
// the measured part, and merges what they measured.
func run(ctx context.Context, cfg config, log io.Writer) (*Result, error) {
	began := time.Now()
	hc := newHTTPClient(cfg.timeout)
	defer hc.CloseIdleConnections()
	// One sign-in serves every URL: several processes share one database,
	// and so its tokens.
	base := cfg.urls[0]
	token, err := signIn(ctx, hc, base, cfg.email, cfg.password)
	if err != nil {
		return nil, err
	}
	auth := []string{"Bearer " + token}
	typeID, err := firstDialogType(ctx, hc, base, auth)
	if err != nil {
		return nil, err
	}
	clients, err := findClients(ctx, hc, base, auth, cfg)
	if err != nil {
		return nil, err
	}

	var printed atomic.Int32
	workers := make([]*worker, cfg.concurrency)
	for i := range workers {
		w := &worker{id: i + 1, base: cfg.urls[i%len(cfg.urls)], auth: []string{auth[0]}, typeID: typeID,
			hc: newHTTPClient(cfg.timeout), log: log, printed: &printed, errs: map[errorKey]int{}}
		// Disjoint sets: worker i takes clients i, i+c, i+2c…
		for k := i; k < len(clients); k += cfg.concurrency {
			w.clients = append(w.clients, clients[k])
		}
		workers[i] = w
	}

	// Every worker finishes the warm-up before the measured part starts for
	// all of them at once, so the measured time has c workers throughout.
	warm := cfg.warmupCycles > 0 || cfg.warmupTime > 0
	var warmDeadline time.Time
	if cfg.warmupTime > 0 {
		warmDeadline = time.Now().Add(cfg.warmupTime)
	}
	var warmed, done sync.WaitGroup
	startMeasure := make(chan time.Time)
	for i, w := range workers {
		warmed.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			if warm {
				limit := -1
				if cfg.warmupCycles > 0 {
					limit = share(cfg.warmupCycles, i, cfg.concurrency)
				}
				w.loop(ctx, limit, warmDeadline, false)
			}
			warmed.Done()
			var deadline time.Time
			select {
			case deadline = <-startMeasure:
			case <-ctx.Done():
				return
			}
			limit := -1
			if cfg.cycles > 0 {
				limit = share(cfg.cycles, i, cfg.concurrency)
			}
			w.loop(ctx, limit, deadline, true)
		}()
	}
	warmed.Wait()
	t0 := time.Now()
	var deadline time.Time
	if cfg.duration > 0 {
		deadline = t0.Add(cfg.duration)
	}
	for range workers {
		select {
		case startMeasure <- deadline:
		case <-ctx.Done():
		}
	}
	done.Wait()
	elapsed := time.Since(t0)
	for _, w := range workers {
		w.hc.CloseIdleConnections()
	}

	res := merge(cfg, workers, elapsed)
	res.Interrupted = ctx.Err() != nil
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		res.ToolCPU.User = seconds(time.Duration(ru.Utime.Nano()))
		res.ToolCPU.Sys = seconds(time.Duration(ru.Stime.Nano()))
		res.ToolCPU.Wall = seconds(time.Since(began))
	}
	return res, nil
}

// share is worker i's part of n cycles split among c workers.
func share(n, i, c int) int {
	s := n / c
	if i < n%c {
		s++
	}
	return s
}

func signIn(ctx context.Context, hc *http.Client, base, email, password string) (string, error) {
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	var out struct {
		Token string `json:"token"`
	}
	if err := apiCall(ctx, hc, "POST", base+"/api/v1/auth/login", nil, body, http.StatusOK, &out); err != nil {
		return "", fmt.Errorf("sign in as %s: %w", email, err)
	}
	return out.Token, nil
}

func firstDialogType(ctx context.Context, hc *http.Client, base string, auth []string) (int64, error) {
	var types []struct {
		ID int64 `json:"id"`
	}
	if err := apiCall(ctx, hc, "GET", base+"/api/v1/settings/dialog-types", auth, nil, http.StatusOK, &types); err != nil {
		return 0, fmt.Errorf("read the request types: %w", err)
	}
	if len(types) == 0 {
		return 0, fmt.Errorf("the workspace has no request types")
	}
	return types[0].ID, nil
}

// findClients pages through the workspace's clients until it has enough
// without an active dialog.
func findClients(ctx context.Context, hc *http.Client, base string, auth []string, cfg config) ([]int64, error) {
	const page = 500 // the API's largest page
	var ids []int64
	seen := map[int64]bool{}
	busy := 0
	for offset := 0; len(ids) < cfg.clients; offset += page {
		var subs []struct {
			ID             int64  `json:"id"`
			ActiveDialogID *int64 `json:"active_dialog_id"`
		}
		url := fmt.Sprintf("%s/api/v1/subscribers?limit=%d&offset=%d", base, page, offset)
		if err := apiCall(ctx, hc, "GET", url, auth, nil, http.StatusOK, &subs); err != nil {
			return nil, fmt.Errorf("list clients: %w", err)
		}
		for _, s := range subs {
			switch {
			case seen[s.ID]:
			case s.ActiveDialogID != nil:
				busy++
			case len(ids) < cfg.clients:
				ids = append(ids, s.ID)
			}
			seen[s.ID] = true
		}
		if len(subs) < page {
			break
		}
	}
	if len(ids) < cfg.clients {
		return nil, fmt.Errorf(`%s's workspace has %d clients without an active dialog (and %d with one); -clients asks for %d.
Use -clients %d, or make a workspace with enough clients on a fresh database before starting the server:
  go run ./cmd/beseda-synth --db URL --subscribers %d --dialogs 0 --owner-email %s --owner-password PASSWORD`,
			cfg.email, len(ids), busy, cfg.clients, len(ids), cfg.clients, cfg.email)
	}
	return ids, nil
}

// apiCall is a setup request: it fails unless the answer has status want,
// and decodes it into out.
func apiCall(ctx context.Context, hc *http.Client, method, url string, auth []string, body []byte, want int, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return err
	}
	if auth != nil {
		req.Header["Authorization"] = auth
	}
	if body != nil {
		req.Header["Content-Type"] = jsonType
	}
	res, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != want {
		if len(data) > 500 {
			data = data[:500]
		}
		return fmt.Errorf("%s %s: status %d, want %d: %s", method, url, res.StatusCode, want, bytes.TrimSpace(data))
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s %s: %w", method, url, err)
	}
	return nil
}
