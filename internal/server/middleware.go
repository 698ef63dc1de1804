package server

import (
	"fmt"
	"net/http"
	"time"

	"github.com/beseda/beseda/httpapi"
)

// middleware wraps every request: panics become 500s, every request is
// logged by route (never with bodies or query values, which may hold text or
// tokens), and common security headers are set.
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		h := rec.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				httpapi.Error(rec, r, fmt.Errorf("panic: %v", p))
			}
			took := time.Since(start)
			s.metrics.observe(r.Pattern, r.Method, rec.status, took)
			s.log.Debug("request", "method", r.Method, "route", r.Pattern, "status", rec.status, "ms", took.Milliseconds())
		}()
		next.ServeHTTP(rec, r)
	})
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
