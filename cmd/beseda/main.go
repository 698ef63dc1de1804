// Command beseda runs Beseda: `beseda serve` starts the server, `beseda
// workspace create` adds a tenant, `beseda backup` copies a running server's
// SQLite database. It only parses flags and wires; the product lives in the
// packages it calls.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/internal/server"
	"github.com/beseda/beseda/store"
)

const usage = `Beseda: support dialogs inside client chats.

Usage:
  beseda serve [flags]                   run the server (console, API, web chat, webhooks)
  beseda workspace create [flags]        add a workspace (a tenant) and its owner
  beseda backup --db URL --to FILE       copy a (running) server's SQLite database
  beseda keys list|reseal|forget         the keys that seal the stored secrets; recovery from a lost key
  beseda help                            this help; "beseda COMMAND --help" for a command's flags
  beseda --version                       the version

The database URL is sqlite:PATH (or a plain path) or postgres://user@host/db
(host and database required); the default is sqlite:beseda.db in the working
directory. Flags have environment equivalents (BESEDA_ADDR, BESEDA_DB, …, see
"beseda serve --help"), and BESEDA_LOG_LEVEL sets the log level (debug, info,
warn, error). The README is the manual.
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
	level, err := logLevel()
	if err != nil {
		return err
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})))
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return nil
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout)
	case "workspace":
		if len(args) > 1 && args[1] == "create" {
			return createWorkspace(ctx, args[2:], stdout)
		}
		if len(args) == 2 && isHelp(args[1]) {
			fmt.Fprint(stdout, workspaceUsage)
			return nil
		}
		if len(args) == 1 {
			return errors.New("workspace: a command is needed\n\n" + workspaceUsage)
		}
		return fmt.Errorf("workspace: unknown command %q\n\n%s", args[1], workspaceUsage)
	case "backup":
		return backup(ctx, args[1:], stdout)
	case "keys":
		return keys(ctx, args[1:], stdout)
	case "version", "--version", "-version", "-v":
		if len(args) > 1 {
			return fmt.Errorf("unexpected argument %q", args[1])
		}
		fmt.Fprintln(stdout, versionString())
		return nil
	}
	if isHelp(args[0]) {
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n\n%s", args[0], usage)
}

const workspaceUsage = `Usage:
  beseda workspace create --name N --owner-email E --owner-password P [flags]

Run "beseda workspace create --help" for its flags.
`

func isHelp(arg string) bool {
	return arg == "help" || arg == "-h" || arg == "--help" || arg == "-help"
}

// parseFlags parses a command's flags. --help prints the command's usage to
// stdout and reports help (the command then does nothing and succeeds); a
// bad flag or any argument left over is an error.
func parseFlags(fs *flag.FlagSet, synopsis string, args []string, stdout io.Writer) (help bool, err error) {
	fs.SetOutput(io.Discard) // errors are returned, usage goes to stdout on request
	err = fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(stdout, "Usage:\n  beseda %s\n\nFlags:\n", synopsis)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("%s: %w (see beseda %s --help)", fs.Name(), err, fs.Name())
	}
	if fs.NArg() > 0 {
		return false, fmt.Errorf("%s: unexpected argument %q (see beseda %s --help)", fs.Name(), fs.Arg(0), fs.Name())
	}
	return false, nil
}

// logLevel reads BESEDA_LOG_LEVEL; a level it does not know is an error,
// never quietly "info".
func logLevel() (slog.Level, error) {
	given := env("BESEDA_LOG_LEVEL", "info")
	for _, l := range []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError} {
		if strings.EqualFold(given, l.String()) {
			return l, nil
		}
	}
	return 0, fmt.Errorf("BESEDA_LOG_LEVEL=%s is not a log level: use debug, info, warn or error", given)
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
	fs.StringVar(&cfg.Addr, "addr", env("BESEDA_ADDR", "127.0.0.1:8080"), "listen address (env BESEDA_ADDR)")
	fs.StringVar(&cfg.DB, "db", env("BESEDA_DB", store.DefaultURL), "database: sqlite:PATH, a path, or postgres://… (env BESEDA_DB)")
	fs.StringVar(&cfg.PublicURL, "public-url", env("BESEDA_PUBLIC_URL", ""),
		"address clients and messengers reach this server at; https turns on HSTS (env BESEDA_PUBLIC_URL)")
	fs.BoolVar(&cfg.Demo, "demo", false, "seed an empty database with demo data")
	fs.StringVar(&cfg.DataDir, "data-dir", env("BESEDA_DATA_DIR", ""),
		"directory for the server's files (the secret key file, attachments), made when missing; default beseda-data beside an SQLite database, "+
			"for PostgreSQL $XDG_DATA_HOME/beseda/HOST-DATABASE (~/.local/share/beseda/…) or systemd's $STATE_DIRECTORY (env BESEDA_DATA_DIR)")
	cfg.SecretKeys = os.Getenv("BESEDA_SECRET_KEY")
	pace := fs.String("pace", env("BESEDA_PACE", formatPace(server.Channels().Pacing())), "delivery pace per channel kind as KIND=RATE[/PER_CHAT]: "+
		"messages per second, and at most one message per interval to one chat; kinds left out keep their default (env BESEDA_PACE)")
	delay := fs.String("task-start-delay", env("BESEDA_TASK_START_DELAY", app.DefaultTaskStartDelay.String()),
		"how long after a manager is added to a dialog their task starts (env BESEDA_TASK_START_DELAY)")
	metricsAddr := fs.String("metrics-addr", env("BESEDA_METRICS_ADDR", ""),
		"serve /metrics on this address instead of the main one, where it then is not (env BESEDA_METRICS_ADDR)")
	fs.BoolVar(&cfg.Pprof, "pprof", env("BESEDA_PPROF", "") == "1", "also serve net/http/pprof on --metrics-addr (env BESEDA_PPROF=1)")
	proxies := fs.String("trusted-proxies", env("BESEDA_TRUSTED_PROXIES", ""),
		"addresses or CIDRs of reverse proxies whose X-Forwarded-For tells the client's address (env BESEDA_TRUSTED_PROXIES)")
	maxUpload := fs.String("max-upload-size", env("BESEDA_MAX_UPLOAD_SIZE", "20MiB"),
		"the largest file managers and clients may attach, e.g. 20MiB, 500KiB or bytes (env BESEDA_MAX_UPLOAD_SIZE)")
	widget := fs.String("widget-sessions-per-minute", env("BESEDA_WIDGET_SESSIONS_PER_MINUTE", "20"),
		"new web-chat sessions per client address and minute, with as large a burst; 0 turns the limit off (env BESEDA_WIDGET_SESSIONS_PER_MINUTE)")
	if help, err := parseFlags(fs, "serve [flags]", args, stdout); help || err != nil {
		return err
	}
	var err error
	if cfg.PublicURL, err = checkPublicURL(cfg.PublicURL); err != nil {
		return err
	}
	if cfg.Pacing, err = parsePace(*pace); err != nil {
		return err
	}
	if cfg.TaskStartDelay, err = time.ParseDuration(*delay); err != nil || cfg.TaskStartDelay <= 0 {
		return fmt.Errorf("--task-start-delay: %q is not a positive duration like 5m", *delay)
	}
	if cfg.TrustedProxies, err = parseProxies(*proxies); err != nil {
		return err
	}
	if cfg.WidgetSessionsPerMinute, err = strconv.ParseFloat(*widget, 64); err != nil || cfg.WidgetSessionsPerMinute < 0 {
		return fmt.Errorf("--widget-sessions-per-minute: %q is not a number of sessions (0 for no limit)", *widget)
	}
	if cfg.MaxUploadBytes, err = parseSize(*maxUpload); err != nil {
		return fmt.Errorf("--max-upload-size: %w", err)
	}
	if cfg.Pprof && *metricsAddr == "" {
		return errors.New("--pprof needs --metrics-addr: profiles are never served on the public address")
	}
	if _, _, err := store.ParseURL(cfg.DB); err != nil {
		return err
	}
	// Bind before the database is opened or migrated: a taken port changes
	// nothing on disk.
	l, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	if *metricsAddr != "" {
		if cfg.MetricsListener, err = net.Listen("tcp", *metricsAddr); err != nil {
			l.Close()
			return fmt.Errorf("listen for metrics: %w", err)
		}
	}
	cfg.Addr = l.Addr().String()
	b := buildOf(debug.ReadBuildInfo())
	publicURL := cfg.PublicURL
	if publicURL == "" {
		publicURL = "as requested"
	}
	commit := b.Commit
	if commit == "" {
		commit = "unknown"
	}
	slog.Info("beseda starting", "version", b.Version, "commit", commit, "addr", cfg.Addr, "public_url", publicURL,
		"demo", cfg.Demo)
	// The banner comes last, once the server answers: everything start-up
	// logs is above it.
	var srv *server.Server
	cfg.Ready = func() { printBanner(ctx, srv, cfg, stdout) }
	srv, err = server.New(ctx, cfg)
	if err != nil {
		l.Close()
		if cfg.MetricsListener != nil {
			cfg.MetricsListener.Close()
		}
		return err
	}
	return srv.Serve(ctx, l)
}

// checkPublicURL takes the address clients and messengers reach the server
// at: http or https, with a host, and no query, fragment or password (it
// starts every webhook and widget URL Beseda hands out).
func checkPublicURL(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" ||
		u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", fmt.Errorf("--public-url %q: not an http(s) address like https://support.example.com "+
			"(http or https, a host, optionally a path; no query or password)", s)
	}
	return strings.TrimRight(s, "/"), nil
}

// parseProxies reads "10.0.0.1,192.168.0.0/16".
func parseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		p, err := netip.ParsePrefix(item)
		if err != nil {
			a, aerr := netip.ParseAddr(item)
			if aerr != nil {
				return nil, fmt.Errorf("--trusted-proxies: %q is not an address or CIDR", item)
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// printBanner tells where to go: the console, the web chat of the demo, the
// API. It stands apart from the log lines above it.
func printBanner(ctx context.Context, srv *server.Server, cfg server.Config, out io.Writer) {
	base := cfg.PublicURL
	if base == "" {
		host, port, _ := net.SplitHostPort(cfg.Addr)
		if ip, err := netip.ParseAddr(host); host == "" || (err == nil && ip.IsUnspecified()) {
			host = "localhost"
		}
		base = "http://" + net.JoinHostPort(host, port)
	}
	rule := strings.Repeat("─", 72)
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s\n", rule)
	if cfg.Demo {
		fmt.Fprintf(&b, "  Beseda demo is running.\n\n")
	} else {
		fmt.Fprintf(&b, "  Beseda is running.\n\n")
	}
	fmt.Fprintf(&b, "  Console:   %s/\n", base)
	if cfg.Demo {
		fmt.Fprintf(&b, "             owner   %s / %s\n", app.DemoOwnerEmail, app.DemoPassword)
		fmt.Fprintf(&b, "             manager %s / %s\n", app.DemoManagerEmail, app.DemoPassword)
		channels, err := srv.App.DemoChannels(ctx)
		if err != nil {
			slog.Warn("the demo's channels", "err", err)
		}
		for _, c := range channels {
			// A channel without a platform is one a person chats in here.
			if t := srv.App.Registry().Of(c.Kind); t.Sender() == nil && t.Webhook() == nil {
				fmt.Fprintf(&b, "  %-10s %s%s   (chat as a client)\n", t.Title(beseda.LocaleEN)+":", base, t.Path(c.Key))
			}
		}
	} else if n, err := srv.DB.CountWorkspaces(ctx); err == nil && n == 0 {
		fmt.Fprintf(&b, "             no workspace yet: add one with beseda workspace create (--help for its flags)\n")
	}
	fmt.Fprintf(&b, "  API:       %s/api/v1   (POST /api/v1/auth/login for a token)\n\n", base)
	fmt.Fprintf(&b, "  Stop it with Ctrl+C (SIGINT) or SIGTERM.\n%s\n\n", rule)
	fmt.Fprint(out, b.String())
}

func createWorkspace(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("workspace create", flag.ContinueOnError)
	var in beseda.WorkspaceCreate
	var locale string
	fs.StringVar(&in.Name, "name", "", "workspace name")
	fs.StringVar(&in.OwnerEmail, "owner-email", "", "owner's email (their sign-in)")
	fs.StringVar(&in.OwnerPassword, "owner-password", "", fmt.Sprintf("owner's password, at least %d characters", beseda.MinPasswordLength))
	fs.StringVar(&in.OwnerName, "owner-name", "", "owner's name")
	fs.StringVar(&locale, "locale", "en", "workspace language: en or ru")
	dbURL := fs.String("db", env("BESEDA_DB", store.DefaultURL), "database: sqlite:PATH, a path, or postgres://… (env BESEDA_DB)")
	if help, err := parseFlags(fs, "workspace create --name N --owner-email E --owner-password P [flags]", args, stdout); help || err != nil {
		return err
	}
	in.Locale = beseda.Locale(locale)
	// Everything is checked before the database is opened: bad input
	// creates nothing, not even an empty database file.
	if err := in.Validate(); err != nil {
		return err
	}
	if utf8.RuneCountInString(in.OwnerPassword) < beseda.MinPasswordLength {
		return fmt.Errorf("--owner-password must be at least %d characters", beseda.MinPasswordLength)
	}
	if _, _, err := store.ParseURL(*dbURL); err != nil {
		return err
	}
	db, err := store.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	ws, owner, err := app.New(db, app.Config{Channels: server.Channels()}).Users.CreateWorkspace(ctx, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "workspace %d %q created; owner %s (user %d)\n", ws.ID, ws.Name, owner.Email, owner.ID)
	return nil
}

func backup(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	dbURL := fs.String("db", env("BESEDA_DB", store.DefaultURL), "the database to copy: sqlite:PATH or a path (env BESEDA_DB)")
	to := fs.String("to", "", "the file to write the copy to; it must not exist")
	if help, err := parseFlags(fs, "backup --db URL --to FILE", args, stdout); help || err != nil {
		return err
	}
	if *to == "" {
		return errors.New("backup: --to FILE is required")
	}
	err := store.Backup(ctx, *dbURL, *to)
	if errors.Is(err, store.ErrBackupPostgres) {
		return fmt.Errorf("backup copies SQLite databases; back up PostgreSQL with its own tools, e.g.\n"+
			"  pg_dump --format=custom --file=%s '%s'\nand restore with pg_restore", shellWord(*to), store.Redact(*dbURL))
	} else if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s\n", store.Redact(*dbURL), *to)
	return nil
}

// shellWord quotes s for a shell command line when it needs it.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// parsePace reads "web=2000,KIND=30/1s": messages per second per channel
// kind, and optionally the least time between two messages to one chat. The
// kinds are the server's channel types.
func parsePace(s string) (map[beseda.ChannelKind]beseda.Pacing, error) {
	channels := server.Channels()
	out := map[beseda.ChannelKind]beseda.Pacing{}
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		kind, value, ok := strings.Cut(item, "=")
		if !ok || !channels.Known(beseda.ChannelKind(kind)) {
			return nil, fmt.Errorf("--pace: %q is not KIND=RATE[/PER_CHAT] with a kind of %s", item, kindList(channels))
		}
		rate, perChat, _ := strings.Cut(value, "/")
		p := channels.Of(beseda.ChannelKind(kind)).Pacing()
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

// formatPace writes paces as --pace reads them, in the registry's order.
func formatPace(paces map[beseda.ChannelKind]beseda.Pacing) string {
	var items []string
	for _, k := range server.Channels().Kinds() {
		p, ok := paces[k]
		if !ok {
			continue
		}
		item := string(k) + "=" + strconv.FormatFloat(p.PerSecond, 'f', -1, 64)
		if p.PerChat > 0 {
			item += "/" + p.PerChat.String()
		}
		items = append(items, item)
	}
	return strings.Join(items, ",")
}

func kindList(channels *beseda.Registry) string {
	var names []string
	for _, k := range channels.Kinds() {
		names = append(names, string(k))
	}
	return strings.Join(names, ", ")

}

// parseSize reads a number of bytes: 1048576, 512KiB, 20MiB, 1GiB (KB, MB
// and GB are taken as the same powers of two, as people mean them for files).
func parseSize(given string) (int64, error) {
	s := strings.TrimSpace(given)
	units := []struct {
		suffix string
		shift  uint
	}{{"GiB", 30}, {"MiB", 20}, {"KiB", 10}, {"GB", 30}, {"MB", 20}, {"KB", 10}, {"G", 30}, {"M", 20}, {"K", 10}, {"B", 0}}
	shift := uint(0)
	for _, u := range units {
		if len(s) > len(u.suffix) && strings.EqualFold(s[len(s)-len(u.suffix):], u.suffix) {
			s, shift = strings.TrimSpace(s[:len(s)-len(u.suffix)]), u.shift
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > (1<<40)>>shift {
		return 0, fmt.Errorf("%q is not a size like 20MiB, 500KiB or a number of bytes", given)
	}
	return n << shift, nil
}
