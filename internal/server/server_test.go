package server_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

func TestMetrics(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		v := w.NewVisitor("Anna")
		w.CreateDialog(v.SubscriberID, "Case")
		w.Owner.MustDo("POST", "/api/v1/outbound", map[string]any{"subscriber_id": v.SubscriberID, "source": "funnel", "text": "later"}, 201, nil)
		stream := testkit.OpenStream(t, srv.URL, w.Owner.Token, "")
		stream.Next("ready", 5*time.Second)

		res := testkit.NewClient(t, srv.URL).MustDo("GET", "/metrics", nil, 200, nil)
		body := string(res.Body)
		for _, want := range []string{
			`beseda_http_request_duration_seconds_bucket{code="201",method="POST",route="POST /api/v1/dialogs",le="0.5"} 1`,
			`beseda_sse_connections 1`,
			`beseda_messages{status="held"} 1`,
			`beseda_messages_held 1`,
			`beseda_job_queue_depth`,
			`beseda_jobs{state="completed"}`,
			`go_goroutines`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
		// The writes so far (the world, the dialog, the held message) were
		// counted, and took some time of the writer.
		for _, name := range []string{"beseda_db_write_transactions_total", "beseda_db_write_seconds_total"} {
			var v float64
			for line := range strings.Lines(body) {
				if rest, ok := strings.CutPrefix(line, name+" "); ok {
					v, _ = strconv.ParseFloat(strings.TrimSpace(rest), 64)
				}
			}
			if v <= 0 {
				t.Errorf("/metrics: %s is %v", name, v)
			}
		}
		if strings.Contains(body, `route="GET /api/v1/events"`) {
			t.Errorf("event streams are in the latency histogram")
		}
	})
}
