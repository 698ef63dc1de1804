// Command beseda runs Beseda: `beseda serve` starts the server, `beseda
// workspace create` adds a tenant. It only parses flags and wires; the product
// lives in the packages it calls.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/internal/server"
	"github.com/beseda/beseda/store"
)

const usage = `Beseda: support dialogs inside client chats.

Usage:
  beseda serve [--addr HOST:PORT] [--db URL] [--public-url URL] [--pace KIND=RATE[/PER_CHAT],...]
               [--task-start-delay 5m] [--demo]
  beseda workspace create --name N --owner-email E --owner-password P [--owner-name N] [--locale en|ru] [--db URL]

The database URL is sqlite:PATH (or a bare path) or postgres://…; the default
is sqlite:beseda.db in the working directory. Flags have environment
equivalents: BESEDA_ADDR, BESEDA_DB, BESEDA_PUBLIC_URL, BESEDA_PACE,
BESEDA_TASK_START_DELAY, BESEDA_LOG_LEVEL.
--pace sets delivery speed per channel kind, e.g. web=2000,telegram=30/1s
(messages per second, and at most one message per interval to one chat).
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "beseda:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: logLevel()})))
	switch {
	case len(args) >= 1 && args[0] == "serve":
		return serve(ctx, args[1:], stdout)
	case len(args) >= 2 && args[0] == "workspace" && args[1] == "create":
		return createWorkspace(ctx, args[2:], stdout)
	case len(args) >= 1 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help"):
		fmt.Fprint(stdout, usage)
		return nil
	}
	return errors.New("unknown command\n\n" + usage)
}

func logLevel() slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(env("BESEDA_LOG_LEVEL", "info"))); err != nil {
		return slog.LevelInfo
	}
	return l
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func serve(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg := server.Config{}
	fs.StringVar(&cfg.Addr, "addr", env("BESEDA_ADDR", "127.0.0.1:8080"), "listen address")
	fs.StringVar(&cfg.DB, "db", env("BESEDA_DB", store.DefaultURL), "database URL")
	fs.StringVar(&cfg.PublicURL, "public-url", env("BESEDA_PUBLIC_URL", ""), "address clients and messengers reach this server at")
	fs.BoolVar(&cfg.Demo, "demo", false, "seed an empty database with demo data")
	pace := fs.String("pace", env("BESEDA_PACE", ""), "delivery pace per channel kind: web=2000,telegram=30/1s")
	delay := fs.String("task-start-delay", env("BESEDA_TASK_START_DELAY", app.DefaultTaskStartDelay.String()),
		"how long after a manager is added to a dialog their task starts")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var err error
	if cfg.Pacing, err = parsePace(*pace); err != nil {
		return err
	}
	if cfg.TaskStartDelay, err = time.ParseDuration(*delay); err != nil || cfg.TaskStartDelay <= 0 {
		return fmt.Errorf("--task-start-delay: %q is not a positive duration like 5m", *delay)
	}
	srv, err := server.New(ctx, cfg)
	if err != nil {
		return err
	}
	if cfg.Demo {
		if err := printDemo(ctx, srv, cfg, stdout); err != nil {
			return err
		}
	}
	return srv.ListenAndServe(ctx)
}

// printDemo tells where to go after `serve --demo`.
func printDemo(ctx context.Context, srv *server.Server, cfg server.Config, out io.Writer) error {
	base := cfg.PublicURL
	if base == "" {
		host := cfg.Addr
		if strings.HasPrefix(host, ":") {
			host = "localhost" + host
		}
		base = "http://" + host
	}
	owner, _, err := srv.App.Login(ctx, app.DemoOwnerEmail, app.DemoPassword, app.TokenAPI)
	if err != nil {
		return err
	}
	actor, _, err := srv.App.Authenticate(ctx, owner, app.TokenAPI)
	if err != nil {
		return err
	}
	channels, err := srv.App.ListChannels(ctx, actor)
	if err != nil {
		return err
	}
	_ = srv.App.Logout(ctx, owner)
	fmt.Fprintf(out, "\nBeseda demo is running.\n\n")
	fmt.Fprintf(out, "  Console:   %s/\n", base)
	fmt.Fprintf(out, "             owner   %s / %s\n", app.DemoOwnerEmail, app.DemoPassword)
	fmt.Fprintf(out, "             manager %s / %s\n", app.DemoManagerEmail, app.DemoPassword)
	for _, c := range channels {
		if c.Kind == beseda.ChannelWeb {
			fmt.Fprintf(out, "  Web chat:  %s/widget/%s   (chat as a client)\n", base, c.Key)
		}
	}
	fmt.Fprintf(out, "  API:       %s/api/v1   (POST /api/v1/auth/login for a token)\n\n", base)
	return nil
}

func createWorkspace(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("workspace create", flag.ContinueOnError)
	var in beseda.WorkspaceCreate
	var locale string
	fs.StringVar(&in.Name, "name", "", "workspace name")
	fs.StringVar(&in.OwnerEmail, "owner-email", "", "owner's email (their sign-in)")
	fs.StringVar(&in.OwnerPassword, "owner-password", "", "owner's password")
	fs.StringVar(&in.OwnerName, "owner-name", "", "owner's name")
	fs.StringVar(&locale, "locale", "en", "workspace language: en or ru")
	dbURL := fs.String("db", env("BESEDA_DB", store.DefaultURL), "database URL")
	if err := fs.Parse(args); err != nil {
		return err
	}
	in.Locale = beseda.Locale(locale)
	db, err := store.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	ws, owner, err := app.New(db, app.Config{}).CreateWorkspace(ctx, in)
	if err != nil {
		return err
	}
	if len(in.OwnerPassword) < beseda.MinPasswordLength {
		fmt.Fprintf(os.Stderr, "beseda: warning: the owner's password is shorter than %d characters\n", beseda.MinPasswordLength)
	}
	fmt.Fprintf(stdout, "workspace %d %q created; owner %s (user %d)\n", ws.ID, ws.Name, owner.Email, owner.ID)
	return nil
}

// parsePace reads "web=2000,telegram=30/1s": messages per second per channel
// kind, and optionally the least time between two messages to one chat.
func parsePace(s string) (map[beseda.ChannelKind]beseda.Pacing, error) {
	out := map[beseda.ChannelKind]beseda.Pacing{}
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		kind, value, ok := strings.Cut(item, "=")
		if !ok || !beseda.ChannelKind(kind).Valid() {
			return nil, fmt.Errorf("--pace: %q is not KIND=RATE[/PER_CHAT] with a kind of web, telegram, messenger", item)
		}
		rate, perChat, _ := strings.Cut(value, "/")
		p := beseda.DefaultPacing[beseda.ChannelKind(kind)]
		n, err := strconv.ParseFloat(rate, 64)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("--pace: %q: the rate must be a positive number", item)
		}
		p.PerSecond = n
		if perChat != "" {
			if p.PerChat, err = time.ParseDuration(perChat); err != nil || p.PerChat < 0 {
				return nil, fmt.Errorf("--pace: %q: the per-chat interval must be a duration like 1s", item)
			}
		}
		out[beseda.ChannelKind(kind)] = p
	}
	return out, nil
}
