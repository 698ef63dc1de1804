package httpx

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
)

type loggerKey struct{}

// WithLogger returns ctx carrying the server's logger, which Error logs
// internal errors to.
func WithLogger(ctx context.Context, log *slog.Logger) context.Context {
	return context.WithValue(ctx, loggerKey{}, log)
}

// Logger returns the logger of ctx, or the default one.
func Logger(ctx context.Context) *slog.Logger {
	if log, ok := ctx.Value(loggerKey{}).(*slog.Logger); ok {
		return log
	}
	return slog.Default()
}

type clientAddrKey struct{}

// WithClientAddr returns ctx carrying the address of the request's client, as
// the server resolved it (through trusted proxies only).
func WithClientAddr(ctx context.Context, addr netip.Addr) context.Context {
	return context.WithValue(ctx, clientAddrKey{}, addr)
}

// ClientAddr is the address of the request's client: the one the server
// resolved, or else the peer's. Rate limits count by it (H4).
func ClientAddr(r *http.Request) netip.Addr {
	if a, ok := r.Context().Value(clientAddrKey{}).(netip.Addr); ok && a.IsValid() {
		return a
	}
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		return ap.Addr().Unmap()
	}
	return netip.Addr{}
}

// BaseURL is where this server is reached from outside: the configured public
// URL, or else the address the request came to.
func BaseURL(r *http.Request, publicURL string) string {
	if publicURL != "" {
		return strings.TrimRight(publicURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
