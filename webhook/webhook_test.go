package webhook_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/webhook"
)

// TestDialTimeCheck_RefusesPrivateAddresses: the address rule holds at
// connection time, on the address dialled, whatever was checked before:
// a receiver on 127.0.0.1 is never reached without AllowPrivate.
func TestDialTimeCheck_RefusesPrivateAddresses(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	ctx := context.Background()
	strict := webhook.New(webhook.Options{})
	// A name standing for the receiver's address: "localhost" resolves to
	// 127.0.0.1 as a rebinding name would.
	for _, url := range []string{srv.URL, strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)} {
		_, _, err := strict.Post(ctx, url, nil, []byte("{}"))
		if err == nil || !strings.Contains(err.Error(), "not a public address") {
			t.Errorf("%s: %v", url, err)
		}
	}
	if hits.Load() != 0 {
		t.Fatalf("the private receiver was reached %d times", hits.Load())
	}
	status, _, err := webhook.New(webhook.Options{AllowPrivate: true}).Post(ctx, srv.URL, nil, []byte("{}"))
	if err != nil || status != 200 || hits.Load() != 1 {
		t.Errorf("allowed: %d %v, %d hits", status, err, hits.Load())
	}
}

func TestCheckURL(t *testing.T) {
	ctx := context.Background()
	strict := webhook.New(webhook.Options{})
	for _, url := range []string{"http://127.0.0.1:9/", "http://localhost/", "http://[::1]/", "http://10.0.0.1/", "http://[::ffff:192.168.0.1]/"} {
		if err := strict.CheckURL(ctx, url); beseda.ErrorCode(err) != beseda.EINVALID {
			t.Errorf("%s: %v", url, err)
		}
	}
	for _, url := range []string{"https://93.184.215.14/x", "https://[2606:4700::1111]/x", "https://no-such-host.invalid/x"} {
		if err := strict.CheckURL(ctx, url); err != nil {
			t.Errorf("%s: %v", url, err)
		}
	}
	if err := webhook.New(webhook.Options{AllowPrivate: true}).CheckURL(ctx, "http://127.0.0.1:9/"); err != nil {
		t.Errorf("allowed: %v", err)
	}
}

// TestPost_AnswersAndFailures: what the owner is shown of an attempt.
func TestPost_AnswersAndFailures(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/hang":
			<-r.Context().Done()
		case "/redirect":
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		default:
			w.WriteHeader(http.StatusBadGateway)
			w.Write([]byte("upstream \x00down " + strings.Repeat("x", 1000) + "\xff"))
		}
	}))
	defer srv.Close()
	// Answers get the time a busy machine may need to give them; the
	// request that hangs is given up on after 300 ms.
	c := webhook.New(webhook.Options{AllowPrivate: true, Timeout: testkit.Timeout(0)})
	impatient := webhook.New(webhook.Options{AllowPrivate: true, Timeout: 300 * time.Millisecond})
	ctx := context.Background()
	status, excerpt, err := c.Post(ctx, srv.URL+"/fail", map[string]string{"X-Beseda-Event": "test"}, []byte("{}"))
	if err != nil || status != 502 || !strings.HasPrefix(excerpt, "upstream down") || len(excerpt) > webhook.ExcerptMax+4 {
		t.Errorf("502: %d %q %v", status, excerpt, err)
	}
	if status, _, err := c.Post(ctx, srv.URL+"/redirect", nil, nil); err != nil || status != 302 {
		t.Errorf("a redirect is an answer, not followed: %d %v", status, err)
	}
	if _, _, err := impatient.Post(ctx, srv.URL+"/hang", nil, nil); err == nil || !strings.Contains(err.Error(), "timeout") {
		t.Errorf("no answer: %v", err)
	}
	if _, _, err := c.Post(ctx, "http://127.0.0.1:1/?token=secret", nil, nil); err == nil || strings.Contains(err.Error(), "token") {
		t.Errorf("connection refused: %v (the URL must not be in it)", err)
	}
}
