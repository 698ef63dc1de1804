package httpx_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/beseda/beseda/internal/httpx"
)

// TestError_AbandonedRequestIsNotAServerError: an internal error is logged
// at ERROR, unless the request's client has gone: then the failure (a
// database call cancelled with the request) is logged at DEBUG only. The
// caller gets the same 500 either way. A start under load failed a test
// so: a health probe that gave up while the server was still seeding.
func TestError_AbandonedRequestIsNotAServerError(t *testing.T) {
	for _, gone := range []bool{false, true} {
		var logs bytes.Buffer
		log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		ctx, cancel := context.WithCancel(httpx.WithLogger(context.Background(), log))
		if gone {
			cancel()
		} else {
			defer cancel()
		}
		r := httptest.NewRequest("GET", "/healthz", nil).WithContext(ctx)
		w := httptest.NewRecorder()
		httpx.Error(w, r, errors.New("database: driver: bad connection"))
		if w.Code != http.StatusInternalServerError || !strings.Contains(w.Body.String(), `"code":"internal"`) {
			t.Errorf("gone=%v: %d %s", gone, w.Code, w.Body)
		}
		out := logs.String()
		if gone && (strings.Contains(out, "level=ERROR") || !strings.Contains(out, "level=DEBUG")) {
			t.Errorf("an abandoned request logged: %s", out)
		}
		if !gone && !strings.Contains(out, "level=ERROR") {
			t.Errorf("a failed request was not logged at ERROR: %s", out)
		}
	}
}
