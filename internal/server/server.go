// Package server assembles a running Beseda: it opens the database, builds the
// use cases, background jobs and HTTP surfaces, and serves them until told to
// stop. cmd/beseda and the tests both start Beseda through it, so that tests
// run exactly what ships.
package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/channel"
	"github.com/beseda/beseda/channel/messenger"
	"github.com/beseda/beseda/channel/telegram"
	"github.com/beseda/beseda/channel/webchat"
	"github.com/beseda/beseda/channel/whatsapp"
	"github.com/beseda/beseda/filestore"
	"github.com/beseda/beseda/httpapi"
	"github.com/beseda/beseda/internal/httpx"
	"github.com/beseda/beseda/internal/netguard"
	"github.com/beseda/beseda/internal/openapi"
	"github.com/beseda/beseda/jobs"
	"github.com/beseda/beseda/live"
	"github.com/beseda/beseda/outbox"
	"github.com/beseda/beseda/store"
	"github.com/beseda/beseda/web"
	"github.com/beseda/beseda/webhook"
)

// Channels are the channel types this server speaks: one line per channel
// package. Everything else learns about channels from the registry.
func Channels() *beseda.Registry {
	r := beseda.NewRegistry(
		webchat.Type{},
		telegram.New(),
		messenger.New(),
		whatsapp.New(),
	)
	// The API document lists the kinds this server speaks.
	kinds := make([]string, 0, len(r.Kinds()))
	for _, k := range r.Kinds() {
		kinds = append(kinds, string(k))
	}
	openapi.Describe(beseda.ChannelKind(""), openapi.TypeDoc{Enum: kinds})
	return r
}

// Config is what a server needs; zero values take defaults.
type Config struct {
	Addr      string // listen address, default 127.0.0.1:8080
	DB        string // database URL, default store.DefaultURL
	PublicURL string // address clients and messengers reach the server at
	Demo      bool   // seed an empty database with demo data

	// Pacing overrides the delivery pace per channel kind.
	Pacing map[beseda.ChannelKind]beseda.Pacing
	// TaskStartDelay is how long after an add a manager's task starts.
	TaskStartDelay time.Duration

	Logger     *slog.Logger
	Clock      beseda.Clock
	BcryptCost int
	// DBOptions tune how the database is opened (tests count statements).
	DBOptions []store.Option
	// DataDir holds the server's files (the secret key file,
	// attachments); default DefaultDataDir(DB). It is made (0700) when
	// missing.
	DataDir string
	// AllowPrivateWebhooks lets outgoing webhooks, and the calls to a
	// channel's api_base_url, reach loopback and private addresses
	// (BESEDA_ALLOW_PRIVATE_WEBHOOKS=1).
	AllowPrivateWebhooks bool
	// Resolver resolves the host names of webhook receivers and platform
	// APIs; default the system's (tests give a fake DNS).
	Resolver *net.Resolver
	// MaxUploadBytes is the largest file uploaded (attachments);
	// beseda.DefaultMaxUploadBytes (20 MiB) when 0.
	MaxUploadBytes int64
	// FailPoint stops work at a named step as a crash would (app.Config);
	// tests only.
	FailPoint func(step string) error
	// RetentionBatch bounds the rows one transaction of the retention job
	// removes (app.Config); tests only.
	RetentionBatch int

	// SecretKeys are the keys that seal channel and webhook secrets in the
	// database, as BESEDA_SECRET_KEY gives them; empty: the data
	// directory's key file.
	SecretKeys string

	// TrustedProxies are the peers whose X-Forwarded-For is believed when
	// telling a client's address (rate limits, the loopback check of
	// /metrics); nobody's by default.
	TrustedProxies []netip.Prefix
	// WidgetSessionsPerMinute limits new web-chat sessions per client
	// address (H4); 0 means no limit. The CLI's default is 20.
	WidgetSessionsPerMinute float64
	// MetricsListener, when set, serves /metrics (and with Pprof,
	// /debug/pprof/) apart from the public listener, which then has no
	// /metrics. Without it, /metrics answers loopback clients only.
	MetricsListener net.Listener
	Pprof           bool

	// Ready is called once Serve answers requests and runs its jobs: the
	// CLI prints where to go then, after everything start-up logs.
	Ready func()
}

// Server is a running Beseda.
type Server struct {
	cfg        Config
	DB         *store.DB
	App        *app.App
	Deliveries *outbox.Engine[*store.Tx]
	Jobs       *jobs.Runner
	Live       *live.Hub
	Handler    http.Handler
	log        *slog.Logger
	metrics    *metrics
	routes     *openapi.Recorder
	// httpsOnly: the public URL is https, so every answer may carry HSTS.
	httpsOnly bool
}

// Routes returns the pattern of every route the server serves.
func (s *Server) Routes() []string { return s.routes.Patterns() }

// Pattern is the route that serves r ("" if none), as the mux matches it.
func (s *Server) Pattern(r *http.Request) string {
	_, pattern := s.routes.Handler(r)
	return pattern
}

// New opens the database, applies migrations and builds the server.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:8080"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	dialect, where, err := store.ParseURL(cfg.DB)
	if err != nil {
		return nil, err
	}
	// What the start says of the database; a missing directory of an SQLite
	// database is made (0700), and said.
	dbAttrs := []any{"dialect", dialect, "url", store.Redact(cfg.DB)}
	if dialect == store.SQLite {
		file, _ := filepath.Abs(where)
		dbAttrs = []any{"dialect", dialect, "file", file}
		if _, err := os.Stat(filepath.Dir(file)); errors.Is(err, fs.ErrNotExist) {
			dbAttrs = append(dbAttrs, "made_directory", filepath.Dir(file))
		}
	}
	// The data directory and the keys come before the database: a mistake
	// in either is named before anything is made or migrated.
	explicitDataDir := cfg.DataDir != ""
	if cfg.DataDir == "" {
		dir, err := DefaultDataDir(cfg.DB)
		if err != nil {
			return nil, err
		}
		cfg.DataDir = dir
	}
	dataDir, made, err := prepareDataDir(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	cfg.DataDir = dataDir
	keys, err := LoadKeys(cfg.SecretKeys, cfg.DataDir, true)
	if err != nil {
		return nil, err
	}
	hint := DBHint(cfg.DB)
	if explicitDataDir {
		hint += " --data-dir " + cfg.DataDir
	}
	// On SQLite the server locks the database for as long as it runs: one
	// process serves it (store.WithServeLock).
	db, err := store.Open(ctx, cfg.DB, append([]store.Option{store.WithKeyring(keys.Ring), store.WithServeLock("beseda serve, listening on " + cfg.Addr)},
		cfg.DBOptions...)...)
	if err != nil {
		keys.Undo()
		return nil, err
	}
	fail := func(err error) (*Server, error) {
		db.Close()
		return nil, err
	}
	if err := keys.Check(ctx, db, hint); err != nil {
		keys.Undo()
		return fail(err)
	}
	cfg.Logger.Info("database", dbAttrs...)
	cfg.Logger.Info("data directory", "path", cfg.DataDir, "made", made)
	if keys.Made {
		cfg.Logger.Info("secret key made: keep a copy of the key file apart from the database's backups",
			"file", keys.File, "key", keys.Ring.IDs()[0])
	} else {
		cfg.Logger.Info("secret keys", "from", keys.Source(), "keys", strings.Join(keys.Ring.IDs(), ","))
	}
	if n, err := db.ResealSecrets(ctx); err != nil {
		var missing *store.MissingKeyError
		if errors.As(err, &missing) {
			needed, _ := db.SecretKeyIDs(ctx)
			if !slices.Contains(needed, missing.KeyID) {
				needed = append(needed, missing.KeyID)
			}
			err = keys.MissingError([]string{missing.KeyID}, needed, hint)
		}
		keys.Undo()
		return fail(err)
	} else if n > 0 {
		cfg.Logger.Info("secrets sealed with the current key", "count", n, "key", keys.Ring.IDs()[0])
	}
	secret, err := db.InstallationSecret(ctx, "signing_secret", randomSecret)
	if err != nil {
		return fail(err)
	}
	// Read here rather than by the CLI: it is a deployment's safety switch,
	// and every way of starting the server must honour it.
	if os.Getenv("BESEDA_ALLOW_PRIVATE_WEBHOOKS") == "1" {
		cfg.AllowPrivateWebhooks = true
	}
	files, err := filestore.Open(cfg.DataDir)
	if err != nil {
		return fail(err)
	}
	// One address rule for every request the server makes: outgoing
	// webhooks and the platforms' APIs (a channel's api_base_url).
	guard := &netguard.Guard{AllowPrivate: cfg.AllowPrivateWebhooks, Resolver: cfg.Resolver}
	channels := Channels()
	channel.UseTransport(channels, guard.Transport(channel.APITimeout))
	a := app.New(db, app.Config{Clock: cfg.Clock, Logger: cfg.Logger, BcryptCost: cfg.BcryptCost,
		Secret: []byte(secret), TaskStartDelay: cfg.TaskStartDelay, WidgetSessionsPerMinute: cfg.WidgetSessionsPerMinute,
		Webhooks: webhook.New(webhook.Options{AllowPrivate: cfg.AllowPrivateWebhooks, Resolver: cfg.Resolver}), Channels: channels,
		Addresses: guard, OIDCClient: &http.Client{Transport: guard.Transport(15 * time.Second), Timeout: 15 * time.Second}, Files: files, MaxUploadBytes: cfg.MaxUploadBytes, FailPoint: cfg.FailPoint,
		RetentionBatch: cfg.RetentionBatch})
	deliveries := outbox.New(db, db.Leases(), a.Outbox(), outbox.Config{Clock: cfg.Clock, Logger: cfg.Logger, Pacing: cfg.Pacing,
		Channels: channels, Files: a.Files})
	a.SetDelivery(deliveries)
	hub := live.New(db, cfg.Logger)
	a.SetLive(hub.Kick)
	runner, err := jobs.New(ctx, db, a, deliveries, jobs.Config{Logger: cfg.Logger})
	if err != nil {
		return fail(err)
	}
	s := &Server{cfg: cfg, DB: db, App: a, Deliveries: deliveries, Jobs: runner, Live: hub, log: cfg.Logger,
		metrics: newMetrics(db, hub.Connections), httpsOnly: strings.HasPrefix(strings.ToLower(cfg.PublicURL), "https://")}
	if cfg.Demo {
		if err := a.SeedDemo(ctx); err != nil {
			return fail(err)
		}
	}

	// Every route is recorded: the API's document is checked against them.
	mux := openapi.NewRecorder()
	s.routes = mux
	httpapi.New(a, cfg.PublicURL, hub).Register(mux)
	webchat.New(a, hub).Register(mux)
	console, err := web.New(a, cfg.Logger)
	if err != nil {
		return fail(err)
	}
	console.PublicURL = cfg.PublicURL
	console.Register(mux)
	channel.NewWebhooks(channels, a.Inbox, cfg.Logger).Register(mux)
	mux.HandleFunc("GET /healthz", s.healthz)
	if cfg.MetricsListener == nil {
		mux.Handle("GET /metrics", localOnly(s.metrics.handler()))
	}
	s.Handler = s.middleware(mux)
	return s, nil
}

// Serve starts the background jobs and answers requests on l until ctx is
// done, then shuts down gracefully: it stops accepting, lets requests in
// flight and running jobs finish (up to 10 s each), and closes the database.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	if err := s.Jobs.Start(context.WithoutCancel(ctx)); err != nil {
		s.DB.Close()
		return fmt.Errorf("start jobs: %w", err)
	}
	liveCtx, stopLive := context.WithCancel(context.WithoutCancel(ctx))
	liveDone := make(chan struct{})
	go func() {
		defer close(liveDone)
		if err := s.Live.Run(liveCtx); err != nil {
			s.log.Error("live events stopped", "err", err)
		}
	}()
	srv := &http.Server{
		Handler:           s.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	var msrv *http.Server
	if ml := s.cfg.MetricsListener; ml != nil {
		msrv = &http.Server{Handler: s.metricsMux(), ReadHeaderTimeout: 10 * time.Second,
			ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
		go func() { _ = msrv.Serve(ml) }()
	}
	s.log.Info("listening", "addr", l.Addr().String())
	if s.cfg.Ready != nil {
		s.cfg.Ready()
	}
	var err error
	select {
	case err = <-errc:
	case <-ctx.Done():
		s.log.Info("shutting down")
		stopLive() // ends the event streams, which never go idle by themselves
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err = srv.Shutdown(shutdownCtx)
		if errors.Is(err, context.DeadlineExceeded) {
			err = srv.Close()
		}
	}
	if msrv != nil {
		_ = msrv.Close()
	}
	stopCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if jerr := s.Jobs.Stop(stopCtx); jerr != nil {
		s.log.Warn("jobs did not stop cleanly", "err", jerr)
	}
	stopLive()
	<-liveDone
	return errors.Join(err, s.DB.Close())
}

// ListenAndServe listens on the configured address and serves until ctx is done.
func (s *Server) ListenAndServe(ctx context.Context) error {
	l, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		s.DB.Close()
		return fmt.Errorf("listen: %w", err)
	}
	return s.Serve(ctx, l)
}

// randomSecret makes the installation's signing secret (rating buttons,
// download links).
func randomSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.DB.Ping(ctx); err != nil {
		httpx.Error(w, r, fmt.Errorf("database: %w", err))
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok", "db": string(s.DB.Dialect())})
}
