package netguard_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/netguard"
	"github.com/beseda/beseda/internal/testkit/fakedns"
)

// TestSSRF_HostAddrReadsEveryIPv4Form: the forms resolvers read as IPv4
// addresses (inet_aton) are read as the same addresses here, so that a
// loopback address written as one number is known for one.
func TestSSRF_HostAddrReadsEveryIPv4Form(t *testing.T) {
	for host, want := range map[string]string{
		"127.0.0.1":           "127.0.0.1",
		"2130706433":          "127.0.0.1",
		"0177.0.0.1":          "127.0.0.1",
		"0x7f.0.0.1":          "127.0.0.1",
		"0x7f000001":          "127.0.0.1",
		"127.1":               "127.0.0.1",
		"0177.1":              "127.0.0.1",
		"2852039166":          "169.254.169.254",
		"0251.0376.0251.0376": "169.254.169.254",
		"169.254.43518":       "169.254.169.254",
		"::1":                 "::1",
		"::ffff:127.0.0.1":    "127.0.0.1",
		"0":                   "0.0.0.0",
	} {
		a, ok := netguard.HostAddr(host)
		if !ok || a != netip.MustParseAddr(want) {
			t.Errorf("%s: %v %v, want %s", host, a, ok, want)
		}
	}
	for _, host := range []string{"example.com", "1.2.3.4.5", "256.1.1.1", "08.1.1.1", "1e3", "0x", "a.b", "4294967296", ""} {
		if a, ok := netguard.HostAddr(host); ok && host != "0x" {
			t.Errorf("%s read as %v", host, a)
		}
	}
}

// TestSSRF_CheckURLRefusesPrivateAddresses: loopback, the metadata service,
// private ranges — written as addresses in any form, or as names that
// resolve to them — are refused; public ones and names that do not resolve
// (yet) pass; AllowPrivate lets everything through.
func TestSSRF_CheckURLRefusesPrivateAddresses(t *testing.T) {
	dns := fakedns.New(t)
	dns.Set("loopback.test", "127.0.0.1")
	dns.Set("metadata.test", "169.254.169.254")
	dns.Set("six.test", "::1")
	dns.Set("mixed.test", "93.184.215.14", "10.0.0.1")
	dns.Set("public.test", "93.184.215.14")
	g := &netguard.Guard{Resolver: dns.Resolver()}
	ctx := context.Background()
	for _, u := range []string{
		"http://127.0.0.1:8080/", "http://localhost/", "http://api.localhost./", "http://[::1]/", "http://169.254.169.254/latest/meta-data",
		"http://2130706433/", "http://0177.0.0.1/", "http://0x7f.1/", "http://2852039166/", "http://[::ffff:7f00:1]/",
		"http://10.0.0.1/", "http://[fd00::1]/", "http://loopback.test/", "http://metadata.test/", "http://six.test/", "http://mixed.test/",
	} {
		err := g.CheckURL(ctx, "config.api_base_url", u)
		if beseda.ErrorCode(err) != beseda.EINVALID || !strings.Contains(beseda.ErrorMessage(err), "config.api_base_url must point to a public address") {
			t.Errorf("%s: %v", u, err)
		}
		if err != nil && strings.Contains(beseda.ErrorMessage(err), "127.0.0.1") && !strings.Contains(u, "127.0.0.1") {
			t.Errorf("%s: the message tells what the name resolves to: %v", u, err)
		}
	}
	for _, u := range []string{"https://93.184.215.14/", "https://public.test/", "https://nowhere.test/", "https://[2606:4700::1111]/"} {
		if err := g.CheckURL(ctx, "url", u); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	if err := (&netguard.Guard{AllowPrivate: true}).CheckURL(ctx, "url", "http://127.0.0.1/"); err != nil {
		t.Errorf("allowed: %v", err)
	}
}

// TestSSRF_DialTimeCheckDefeatsRebinding: a name that resolved to a public
// address when it was checked and resolves to loopback when it is dialled
// is refused at the connection, and the server behind it is never reached.
func TestSSRF_DialTimeCheckDefeatsRebinding(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	_, port, _ := strings.Cut(strings.TrimPrefix(srv.URL, "http://"), ":")
	dns := fakedns.New(t)
	dns.Set("rebind.test", "93.184.215.14")
	g := &netguard.Guard{Resolver: dns.Resolver()}
	url := "http://rebind.test:" + port + "/"
	if err := g.CheckURL(context.Background(), "url", url); err != nil {
		t.Fatalf("checked while public: %v", err)
	}
	dns.Set("rebind.test", "127.0.0.1")
	client := &http.Client{Transport: g.Transport(5e9)}
	_, err := client.Get(url)
	if !errors.Is(err, netguard.ErrRefused) {
		t.Errorf("dialled after rebinding: %v", err)
	}
	if got := netguard.Describe(err); got != netguard.ErrRefused.Error() {
		t.Errorf("described as %q", got)
	}
	if hits.Load() != 0 {
		t.Errorf("the loopback server was reached %d times", hits.Load())
	}
	allowed := &netguard.Guard{AllowPrivate: true, Resolver: dns.Resolver()}
	if res, err := (&http.Client{Transport: allowed.Transport(5e9)}).Get(url); err != nil || res.StatusCode != 200 {
		t.Errorf("allowed: %v", err)
	}
}

// TestSSRF_DescribeTellsNothingOfTheNetwork: a host that does not resolve
// — a name, or a decimal address the resolver takes for one — fails with
// words of ours, not the resolver's answer, which names the server's own
// resolver ("lookup x on 10.0.0.53:53: no such host").
func TestSSRF_DescribeTellsNothingOfTheNetwork(t *testing.T) {
	dns := fakedns.New(t)
	g := &netguard.Guard{AllowPrivate: true, Resolver: dns.Resolver()}
	for _, u := range []string{"http://2130706433:1/?token=secret", "http://unknown.test:1/?token=secret"} {
		_, err := (&http.Client{Transport: g.Transport(5e9)}).Get(u)
		if err == nil {
			t.Fatalf("%s: a request to an unresolvable name succeeded", u)
		}
		got := netguard.Describe(err)
		if got != "the host name could not be resolved" || strings.Contains(got, ":53") || strings.Contains(got, "token") {
			t.Errorf("%s: described as %q (from %v)", u, got, err)
		}
	}
	if dns.Queries() == 0 {
		t.Errorf("the fake DNS was not asked")
	}
}
