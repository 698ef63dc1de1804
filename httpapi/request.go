package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"

	"github.com/beseda/beseda/internal/httpx"
)

// WithLogger returns ctx carrying the server's logger, which Error logs
// internal errors to.
func WithLogger(ctx context.Context, log *slog.Logger) context.Context {
	return httpx.WithLogger(ctx, log)
}

// Logger returns the logger of ctx, or the default one.
func Logger(ctx context.Context) *slog.Logger { return httpx.Logger(ctx) }

// WithClientAddr returns ctx carrying the address of the request's client, as
// the server resolved it (through trusted proxies only).
func WithClientAddr(ctx context.Context, addr netip.Addr) context.Context {
	return httpx.WithClientAddr(ctx, addr)
}

// ClientAddr is the address of the request's client: the one the server
// resolved, or else the peer's. Rate limits count by it (H4).
func ClientAddr(r *http.Request) netip.Addr { return httpx.ClientAddr(r) }
