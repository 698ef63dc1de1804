package server

import (
	"context"
	"net/http"
	"net/http/pprof"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/internal/httpx"
	"github.com/beseda/beseda/store"
)

// metrics are what /metrics shows: request latency by route, open event
// streams, messages by status, held messages, and the job queue.
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.HistogramVec
}

func newMetrics(db *store.DB, connections func() int) *metrics {
	m := &metrics{registry: prometheus.NewRegistry()}
	m.requests = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "beseda_http_request_duration_seconds",
		Help:    "Time to answer HTTP requests, by route (the mux pattern), method and status.",
		Buckets: []float64{.0005, .001, .002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"route", "method", "code"})
	m.registry.MustRegister(
		m.requests,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "beseda_sse_connections",
			Help: "Open Server-Sent Events streams in this process."}, func() float64 { return float64(connections()) }),
		&dbCollector{db: db},
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "beseda_db_write_transactions_total",
			Help: "Write transactions of this process's use cases (River's own not counted)."},
			func() float64 { n, _ := db.WriteTime(); return float64(n) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "beseda_db_write_seconds_total",
			Help: "Time those write transactions held the database's writer, begin to commit; on SQLite its rate is how busy the one writer is."},
			func() float64 { _, busy := db.WriteTime(); return busy.Seconds() }),
		retentionCounter("messages", func() int64 { return app.RetentionTotals().Messages }),
		retentionCounter("files", func() int64 { return app.RetentionTotals().Files }),
		retentionCounter("dialogs", func() int64 { return app.RetentionTotals().Dialogs }),
		retentionCounter("audit_entries", func() int64 { return app.RetentionTotals().AuditEntries }),
		collectors.NewGoCollector(collectors.WithGoCollectorRuntimeMetrics(
			collectors.GoRuntimeMetricsRule{Matcher: regexp.MustCompile(`^/gc/heap/live:bytes$`)})),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// observe records one answered request. Event streams are left out: their
// "latency" is how long a console stayed open.
func (m *metrics) observe(route, method string, code int, took time.Duration) {
	if route == "GET /api/v1/events" {
		return
	}
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(code)).Observe(took.Seconds())
}

var (
	messagesDesc = prometheus.NewDesc("beseda_messages", "Messages by status.", []string{"status"}, nil)
	heldDesc     = prometheus.NewDesc("beseda_messages_held", "Automation messages held by the gate during active dialogs.", nil, nil)
	jobsDesc     = prometheus.NewDesc("beseda_jobs", "Background jobs by state.", []string{"state"}, nil)
	queueDesc    = prometheus.NewDesc("beseda_job_queue_depth", "Background jobs waiting to run (available or retryable).", nil, nil)
)

// dbCollector reads its figures from the database. Counting every message
// is a scan, so those figures are cached for 15 s; held messages and jobs
// are cheap and always fresh.
type dbCollector struct {
	db       *store.DB
	mu       sync.Mutex
	byStatus map[string]int64
	read     time.Time
}

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- messagesDesc
	ch <- heldDesc
	ch <- jobsDesc
	ch <- queueDesc
}

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c.mu.Lock()
	if time.Since(c.read) > 15*time.Second {
		if counts, err := c.db.CountMessagesByStatus(ctx); err == nil {
			c.byStatus, c.read = counts, time.Now()
		}
	}
	for _, status := range []string{"pending", "sent", "held", "dropped", "failed"} {
		ch <- prometheus.MustNewConstMetric(messagesDesc, prometheus.GaugeValue, float64(c.byStatus[status]), status)
	}
	c.mu.Unlock()
	if held, err := c.db.CountHeld(ctx); err == nil {
		ch <- prometheus.MustNewConstMetric(heldDesc, prometheus.GaugeValue, float64(held))
	}
	if jobs, err := c.db.CountJobsByState(ctx); err == nil {
		for _, state := range []string{"available", "scheduled", "running", "retryable", "completed", "cancelled", "discarded"} {
			ch <- prometheus.MustNewConstMetric(jobsDesc, prometheus.GaugeValue, float64(jobs[state]), state)
		}
		ch <- prometheus.MustNewConstMetric(queueDesc, prometheus.GaugeValue, float64(jobs["available"]+jobs["retryable"]))
	}
}

// localOnly admits only clients on this machine: without a listener of its
// own, /metrics shares the public address with the widget and the webhooks,
// and what it tells (routes, volumes, the runtime) is nobody else's business.
// Behind a trusted proxy, the client is the one the proxy names.
func localOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !httpx.ClientAddr(r).IsLoopback() {
			httpx.Error(w, r, beseda.Errorf(beseda.EFORBIDDEN,
				"/metrics answers local clients only; serve it on a private address with --metrics-addr"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// metricsMux serves the private listener: /metrics, and with Pprof the Go
// profiler, which must never face the public.
func (s *Server) metricsMux() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.metrics.handler())
	if s.cfg.Pprof {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	return mux
}

// retentionCounter counts what the retention job removed of one kind.
func retentionCounter(what string, total func() int64) prometheus.Collector {
	return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "beseda_retention_removed_total",
		Help:        "What the retention job of this process removed, by kind (messages, files, dialogs, audit_entries).",
		ConstLabels: prometheus.Labels{"kind": what}}, func() float64 { return float64(total()) })
}
