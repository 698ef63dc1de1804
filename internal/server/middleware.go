package server

import (
	"fmt"
	"net/http"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/httpx"
)

// middleware wraps every request: panics become 500s, every request is
// logged by route (never with bodies or query values, which may hold text or
// tokens), common security headers are set, the client's address is
// resolved once (H4), and paths or queries that no stored text can hold are
// refused (H1, H2).
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		h := rec.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		if r.TLS != nil || s.httpsOnly {
			// Browsers that saw the site over HTTPS never fall back to plain HTTP.
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		ctx := httpx.WithLogger(r.Context(), s.log)
		r = r.WithContext(httpx.WithClientAddr(ctx, httpx.ResolveClientAddr(r, s.cfg.TrustedProxies)))
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				httpx.Error(rec, r, fmt.Errorf("panic: %v", p))
			}
			took := time.Since(start)
			s.metrics.observe(r.Pattern, r.Method, rec.status, took)
			s.log.Debug("request", "method", r.Method, "route", r.Pattern, "status", rec.status, "ms", took.Milliseconds())
		}()
		if err := checkRequestText(r); err != nil {
			httpx.Error(rec, r, err)
			return
		}
		next.ServeHTTP(rec, r)
	})
}

// checkRequestText refuses a path or query value that no stored text can
// match: a NUL byte or invalid UTF-8 would make PostgreSQL fail where SQLite
// answers (H1, H2), so no handler ever passes one to the database.
func checkRequestText(r *http.Request) error {
	if err := beseda.CheckText("the path", r.URL.Path); err != nil {
		return err
	}
	for k, vs := range r.URL.Query() {
		if err := beseda.CheckText("a query parameter name", k); err != nil {
			return err
		}
		for _, v := range vs {
			if err := beseda.CheckText("query parameter "+k, v); err != nil {
				return err
			}
		}
	}
	return nil
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

// Unwrap lets http.ResponseController reach the connection (flushing SSE).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
