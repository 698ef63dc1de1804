package channel_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/channel"
	"github.com/beseda/beseda/internal/testkit"
)

// TestAPISortsFailures: what goes wrong calling a platform is sorted once for
// every channel: no answer (refused, timed out) and 5xx are retried, 429
// waits (the platform's retry_after, else a second), other 4xx are
// permanent; reasons never hold the URL, which may hold a token.
func TestAPISortsFailures(t *testing.T) {
	t.Parallel()
	blocked := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/stall" {
			select {
			case <-blocked:
			case <-r.Context().Done():
			}
			return
		}
		w.WriteHeader(http.StatusOK)
		w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()
	defer close(blocked) // before the server closes: it waits for its handlers
	ctx := context.Background()

	api := channel.NewAPI("demo")
	api.HTTP.Timeout = 50 * time.Millisecond // the handler never answers /stall
	for _, url := range []string{srv.URL + "/stall?token=SECRET", "http://127.0.0.1:1/bot-SECRET"} {
		_, _, err := api.PostJSON(ctx, url, nil, map[string]string{})
		var se *beseda.SendError
		if !errors.As(err, &se) || se.Permanent || se.RetryAfter != 0 || strings.Contains(se.Error(), "SECRET") {
			t.Errorf("%s: %#v, want a retryable failure that hides the URL", url, err)
		}
	}
	// An answer gets the time a busy machine may need to give it.
	api.HTTP.Timeout = testkit.Timeout(0)
	status, raw, err := api.PostJSON(ctx, srv.URL+"/ok", map[string]string{"Authorization": "Bearer x"}, map[string]int{"a": 1})
	if err != nil || status != 200 || string(raw) != `{"ok":true}` {
		t.Errorf("an answer: %d %s %v", status, raw, err)
	}

	for _, tc := range []struct {
		status     int
		retryAfter time.Duration
		permanent  bool
		wait       time.Duration
	}{
		{429, 0, false, time.Second},
		{429, 7 * time.Second, false, 7 * time.Second},
		{400, 3 * time.Second, false, 3 * time.Second}, // a wait asked for is a rate limit, whatever the code
		{403, 0, true, 0},
		{404, 0, true, 0},
		{500, 0, false, 0},
		{503, 0, false, 0},
	} {
		se := channel.StatusError("demo: no", tc.status, tc.retryAfter)
		if se.Permanent != tc.permanent || se.RetryAfter != tc.wait || se.Reason != "demo: no" {
			t.Errorf("%d (retry after %v): %+v", tc.status, tc.retryAfter, se)
		}
	}
}
