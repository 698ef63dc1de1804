// Package webhook posts Beseda's outgoing webhooks (the events a workspace
// subscribes to; the messengers' incoming webhooks are in channel/). It is
// the only way those requests leave the server, so that the address rule
// holds everywhere: a receiver must be a public address (beseda.
// IsPublicAddress), checked when a subscription is made and again at every
// connection, on the address actually dialled — a host name that resolved
// to a public address then and to a private one now (DNS rebinding) is
// still refused. It knows nothing of deliveries, retries or the store.
package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/beseda/beseda"
)

// Options tune a Client; zero values take defaults.
type Options struct {
	// AllowPrivate lets webhooks reach loopback and private addresses
	// (BESEDA_ALLOW_PRIVATE_WEBHOOKS=1): receivers on the server's own
	// network, and tests.
	AllowPrivate bool
	// Timeout bounds one attempt, answer included; default
	// beseda.WebhookTimeout.
	Timeout time.Duration
	// Resolver resolves host names for CheckURL; default net.DefaultResolver.
	Resolver *net.Resolver
}

// Client posts webhooks; it implements app.WebhookClient.
type Client struct {
	http         *http.Client
	allowPrivate bool
	resolver     *net.Resolver
}

// ExcerptMax is how much of an answer's body is kept, to show the owner
// what the receiver said.
const ExcerptMax = 256

// New returns a client.
func New(o Options) *Client {
	if o.Timeout == 0 {
		o.Timeout = beseda.WebhookTimeout
	}
	if o.Resolver == nil {
		o.Resolver = net.DefaultResolver
	}
	c := &Client{allowPrivate: o.AllowPrivate, resolver: o.Resolver}
	dialer := &net.Dialer{Timeout: o.Timeout, Control: c.control}
	transport := &http.Transport{
		// No proxy from the environment: the address rule is about where
		// the request goes, and a proxy would be the only address dialled.
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          64,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   o.Timeout,
		ResponseHeaderTimeout: o.Timeout,
	}
	c.http = &http.Client{
		Transport: transport,
		Timeout:   o.Timeout,
		// A redirect is an answer like any other that is not 2xx: followed,
		// it would post the event somewhere the owner did not choose.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return c
}

// refusedError is a connection refused by the address rule.
type refusedError struct{ addr netip.Addr }

func (e *refusedError) Error() string {
	return fmt.Sprintf("refused: %s is not a public address (BESEDA_ALLOW_PRIVATE_WEBHOOKS=1 allows it)", e.addr)
}

// control checks the address a connection is about to be made to: the
// resolved one, whatever the host name said.
func (c *Client) control(network, address string, _ syscall.RawConn) error {
	if c.allowPrivate {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("refused: cannot tell the address of %q", address)
	}
	if !beseda.IsPublicAddress(ap.Addr()) {
		return &refusedError{ap.Addr()}
	}
	return nil
}

// CheckURL refuses a URL whose host is, or resolves to, an address that is
// not public (every address it resolves to must be public). A name that
// does not resolve now is let through: it may later, and then the dial-time
// check decides.
func (c *Client) CheckURL(ctx context.Context, rawURL string) error {
	if c.allowPrivate {
		return nil
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return beseda.Errorf(beseda.EINVALID, "url must be an http:// or https:// address")
	}
	host := u.Hostname()
	if beseda.IsLocalHostName(host) {
		return beseda.Errorf(beseda.EINVALID, "url must point to a public address, not %s", host)
	}
	if a, err := netip.ParseAddr(host); err == nil {
		if !beseda.IsPublicAddress(a) {
			return beseda.Errorf(beseda.EINVALID, "url must point to a public address; %s is loopback, private or reserved", host)
		}
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	addrs, err := c.resolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil
	}
	for _, a := range addrs {
		if !beseda.IsPublicAddress(a) {
			return beseda.Errorf(beseda.EINVALID, "url must point to a public address; %s resolves to %s, which is loopback, private or reserved", host, a.Unmap())
		}
	}
	return nil
}

// Post sends one POST of body to url with the headers. It returns the
// answer's status and the start of its body, or an error that says why no
// answer came, in words fit to show the owner (no URL: it may hold a token).
func (c *Client) Post(ctx context.Context, url string, header map[string]string, body []byte) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, "", errors.New("invalid url")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, "", describe(err)
	}
	defer res.Body.Close()
	head, _ := io.ReadAll(io.LimitReader(res.Body, 4*ExcerptMax))
	// Drained (a little) so that the connection can be used again.
	_, _ = io.CopyN(io.Discard, res.Body, 64<<10)
	return res.StatusCode, excerpt(head), nil
}

// describe turns a failed request into the reason shown with the attempt.
func describe(err error) error {
	var refused *refusedError
	if errors.As(err, &refused) {
		return refused
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return errors.New("timeout: no answer in time")
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return errors.New(clean(err.Error(), 300))
}

// excerpt is the start of an answer, as text that can be stored (H1).
func excerpt(b []byte) string { return clean(string(b), ExcerptMax) }

func clean(s string, max int) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "\uFFFD")
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return strings.TrimSpace(s)
}
