package testkit

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
)

// Logs records what a server logs, so that tests can check that failures are
// logged (and that secrets are not).
type Logs struct {
	mu      sync.Mutex
	records []LogRecord
}

// LogRecord is one logged line with its attributes as text.
type LogRecord struct {
	Level   slog.Level
	Message string
	Attrs   map[string]string
}

func (r LogRecord) String() string {
	return fmt.Sprintf("%s %q %v", r.Level, r.Message, r.Attrs)
}

// NewLogs returns a recorder and a logger writing to it (debug and above).
func NewLogs() (*Logs, *slog.Logger) {
	l := &Logs{}
	return l, slog.New(&logHandler{logs: l})
}

// Records returns what was logged at level or above.
func (l *Logs) Records(level slog.Level) []LogRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []LogRecord
	for _, r := range l.records {
		if r.Level >= level {
			out = append(out, r)
		}
	}
	return out
}

// Contains reports whether any record (at any level) holds s in its message
// or an attribute.
func (l *Logs) Contains(s string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, r := range l.records {
		if strings.Contains(r.Message, s) {
			return true
		}
		for _, v := range r.Attrs {
			if strings.Contains(v, s) {
				return true
			}
		}
	}
	return false
}

type logHandler struct {
	logs  *Logs
	attrs []slog.Attr
}

func (h *logHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *logHandler) Handle(_ context.Context, r slog.Record) error {
	rec := LogRecord{Level: r.Level, Message: r.Message, Attrs: map[string]string{}}
	for _, a := range h.attrs {
		rec.Attrs[a.Key] = a.Value.String()
	}
	r.Attrs(func(a slog.Attr) bool {
		rec.Attrs[a.Key] = a.Value.String()
		return true
	})
	h.logs.mu.Lock()
	h.logs.records = append(h.logs.records, rec)
	h.logs.mu.Unlock()
	return nil
}

func (h *logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &logHandler{logs: h.logs, attrs: append(append([]slog.Attr{}, h.attrs...), attrs...)}
}

func (h *logHandler) WithGroup(string) slog.Handler { return h }
