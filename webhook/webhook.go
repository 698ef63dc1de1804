// Package webhook posts Beseda's outgoing webhooks (the events a workspace
// subscribes to; the messengers' incoming webhooks are in channel/). It is
// the only way those requests leave the server, so that the address rule
// holds everywhere: a receiver must be a public address (internal/netguard,
// the same rule as every call to a messenger platform), checked when a
// subscription is made and again at every connection, on the address
// actually dialled — a host name that resolved to a public address then and
// to a private one now (DNS rebinding) is still refused. It knows nothing of
// deliveries, retries or the store.
package webhook

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/netguard"
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
	http  *http.Client
	guard *netguard.Guard
}

// ExcerptMax is how much of an answer's body is kept, to show the owner
// what the receiver said.
const ExcerptMax = 256

// New returns a client.
func New(o Options) *Client {
	if o.Timeout == 0 {
		o.Timeout = beseda.WebhookTimeout
	}
	c := &Client{guard: &netguard.Guard{AllowPrivate: o.AllowPrivate, Resolver: o.Resolver}}
	c.http = &http.Client{
		Transport: c.guard.Transport(o.Timeout),
		Timeout:   o.Timeout,
		// A redirect is an answer like any other that is not 2xx: followed,
		// it would post the event somewhere the owner did not choose.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return c
}

// CheckURL refuses a URL whose host is, or resolves to, an address that is
// not public (netguard.Guard.CheckURL).
func (c *Client) CheckURL(ctx context.Context, rawURL string) error {
	return c.guard.CheckURL(ctx, "url", rawURL)
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

// describe turns a failed request into the reason shown with the attempt:
// words of ours, never what the network or a resolver said (a resolver's
// answer about a name written as a number would name the server's own
// resolver), nor the URL (it may hold a token).
func describe(err error) error { return errors.New(netguard.Describe(err)) }

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
