// Package netguard keeps the requests Beseda makes on its own — outgoing
// webhooks, and every call to a messenger platform's API (sends, media
// downloads, checking a bot's token, registering a webhook) — off addresses
// that are not public (beseda.IsPublicAddress): loopback, private, link-local
// (the cloud metadata service at 169.254.169.254), and the other reserved
// ranges. An address an owner gives (a webhook URL, a channel's api_base_url)
// is checked when it is given (CheckURL) and again at every connection, on the
// address actually dialled (Transport), so that a name that resolved to a
// public address then and to a private one now (DNS rebinding) is still
// refused. BESEDA_ALLOW_PRIVATE_WEBHOOKS=1 (AllowPrivate) lifts the rule, for
// receivers and fakes on the server's own network.
//
// Errors never repeat what a resolver or a refused address said: an owner
// must not learn the inside of the network from them.
package netguard

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/beseda/beseda"
)

// Guard is the address rule of one server.
type Guard struct {
	// AllowPrivate lets requests reach loopback and private addresses.
	AllowPrivate bool
	// Resolver resolves host names for CheckURL; default net.DefaultResolver.
	Resolver *net.Resolver
}

// ErrRefused is a connection the rule refused, before anything was sent.
var ErrRefused = errors.New("refused: not a public address (BESEDA_ALLOW_PRIVATE_WEBHOOKS=1 allows private ones)")

// Control is a net.Dialer's Control: it checks the address a connection is
// about to be made to — the resolved one, whatever the host name said.
func (g *Guard) Control(network, address string, _ syscall.RawConn) error {
	if g.AllowPrivate {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !beseda.IsPublicAddress(ap.Addr()) {
		return ErrRefused
	}
	return nil
}

// Transport returns an HTTP transport whose every connection passes
// Control; timeout bounds connecting, the TLS handshake and the wait for an
// answer's headers. It takes no proxy from the environment: the rule is
// about where a request goes, and a proxy would be the only address dialled.
func (g *Guard) Transport(timeout time.Duration) *http.Transport {
	dialer := &net.Dialer{Timeout: timeout, Control: g.Control, Resolver: g.Resolver}
	return &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          64,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
	}
}

// CheckURL refuses (EINVALID) a URL whose host is, or resolves to, an
// address that is not public (every address it resolves to must be public).
// Numbers that a resolver would read as an IPv4 address — 2130706433,
// 0177.0.0.1, 0x7f.1 — are read so too. A name that does not resolve now is
// let through: it may later, and then Control decides. what names the
// setting in the message ("url", "config.api_base_url").
func (g *Guard) CheckURL(ctx context.Context, what, rawURL string) error {
	if g.AllowPrivate {
		return nil
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return beseda.Errorf(beseda.EINVALID, "%s must be an http:// or https:// address", what)
	}
	host := u.Hostname()
	refused := beseda.Errorf(beseda.EINVALID, "%s must point to a public address; %s is loopback, private or reserved", what, host)
	if beseda.IsLocalHostName(host) {
		return refused
	}
	if a, ok := HostAddr(host); ok {
		if !beseda.IsPublicAddress(a) {
			return refused
		}
		return nil
	}
	resolver := g.Resolver
	if resolver == nil {
		resolver = net.DefaultResolver
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	addrs, err := resolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil
	}
	for _, a := range addrs {
		if !beseda.IsPublicAddress(a) {
			return beseda.Errorf(beseda.EINVALID, "%s must point to a public address; %s resolves to a loopback, private or reserved one", what, host)
		}
	}
	return nil
}

// HostAddr reads a URL's host as an IP address: written as one (IPv6
// without brackets, as url.URL.Hostname gives it), or in any of the forms
// inet_aton reads — one to four parts, each decimal, octal (a leading 0) or
// hexadecimal (0x), the last filling the bytes left: 2130706433 and 127.1
// are 127.0.0.1. ok is false for a host name.
func HostAddr(host string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(host); err == nil {
		return a.Unmap(), true
	}
	parts := strings.Split(strings.TrimSuffix(host, "."), ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var nums []uint64
	for _, p := range parts {
		base, digits := 10, p
		switch {
		case len(p) > 1 && (p[:2] == "0x" || p[:2] == "0X"):
			base, digits = 16, p[2:]
			if digits == "" {
				digits = "0"
			}
		case len(p) > 1 && p[0] == '0':
			base, digits = 8, p[1:]
		}
		n, err := strconv.ParseUint(digits, base, 32)
		if err != nil {
			return netip.Addr{}, false
		}
		nums = append(nums, n)
	}
	var v uint64
	for i, n := range nums {
		if i < len(nums)-1 {
			if n > 0xff {
				return netip.Addr{}, false
			}
			v |= n << (8 * (3 - i))
			continue
		}
		if n >= 1<<(8*(4-i)) {
			return netip.Addr{}, false
		}
		v |= n
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

// Describe turns a failed request into words fit to show an owner: never
// the URL (it may hold a token), never what a resolver or the network said
// (it may name the inside of the network).
func Describe(err error) string {
	var dnsErr *net.DNSError
	var ne net.Error
	var opErr *net.OpError
	switch {
	case errors.Is(err, ErrRefused):
		return ErrRefused.Error()
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return "timeout: no answer in time"
	case errors.As(err, &dnsErr):
		return "the host name could not be resolved"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "the connection was refused"
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return "no connection could be made"
	case strings.Contains(err.Error(), "tls:") || strings.Contains(err.Error(), "x509:"):
		return "the TLS handshake failed"
	}
	return "the request failed"
}
