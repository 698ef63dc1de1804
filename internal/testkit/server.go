package testkit

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/server"
)

// TestSecretKey seals the secrets of test servers (BESEDA_SECRET_KEY), so
// that servers started one after another on one database open each other's.
const TestSecretKey = "dGVzdCBrZXkgb2YgQmVzZWRhLCBub3QgYSBzZWNyZXQ="

// Server is a Beseda serving on a loopback port for one test.
type Server struct {
	*server.Server
	URL   string
	Clock *Clock
}

// Options tune a test server.
type Options struct {
	Clock  beseda.Clock
	Demo   bool
	Logger *slog.Logger
	// Configure changes the server's configuration before it starts.
	Configure func(*server.Config)
	// WrapHandler wraps the server's HTTP handler (tests that watch requests).
	WrapHandler func(http.Handler) http.Handler
}

// StartServer starts Beseda on dbURL, listening on 127.0.0.1, until the test ends.
func StartServer(tb testing.TB, dbURL string, opts Options) *Server {
	tb.Helper()
	clock, _ := opts.Clock.(*Clock)
	if opts.Clock == nil {
		clock = NewClock()
		opts.Clock = clock
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	// Files (attachments) live in the test's own directory, whatever the database.
	// The fakes of the platforms and the webhook receivers of tests listen
	// on 127.0.0.1: the address rule is lifted, as
	// BESEDA_ALLOW_PRIVATE_WEBHOOKS=1 does; tests of the rule set it back.
	cfg := server.Config{DB: dbURL, Demo: opts.Demo, Clock: opts.Clock, Logger: opts.Logger,
		BcryptCost: bcrypt.MinCost, SecretKeys: TestSecretKey, DataDir: tb.TempDir(), AllowPrivateWebhooks: true}
	if clock != nil {
		// Pacing waits on the clock, and a fake one moves only when a test
		// moves it: delivery goes unpaced unless a test sets a pace (and
		// moves the clock).
		cfg.Pacing = map[beseda.ChannelKind]beseda.Pacing{}
		for _, k := range server.Channels().Kinds() {
			cfg.Pacing[k] = beseda.Pacing{}
		}
	}
	if opts.Configure != nil {
		opts.Configure(&cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := server.New(ctx, cfg)
	if err != nil {
		cancel()
		tb.Fatal(err)
	}
	if opts.WrapHandler != nil {
		srv.Handler = opts.WrapHandler(srv.Handler)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		tb.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, l) }()
	tb.Cleanup(func() {
		// A connection the test's clients opened but never used counts as
		// busy for 5 s of the server's graceful shutdown; close them first.
		http.DefaultTransport.(*http.Transport).CloseIdleConnections()
		cancel()
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			tb.Errorf("serve: %v", err)
		}
	})
	return &Server{Server: srv, URL: "http://" + l.Addr().String(), Clock: clock}
}
