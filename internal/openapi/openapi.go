// Package openapi describes Beseda's public HTTP API as an OpenAPI 3.1
// document, built from what the code says: each surface (the JSON API, the
// web chat, the messenger webhooks, the server's own routes) lists its
// operations with Add, next to its routes, naming Go values of the request
// and response types; schemas are made from those types by reflection,
// with descriptions and enums added by Describe. Routes are registered on a
// Mux, so that a test can hold the document against every route served,
// both ways (see internal/server's TestOpenAPI_*). Validate checks a JSON
// value against the schemas made here (the subset of JSON Schema they use).
//
// It must not know any surface: surfaces import it, never the reverse.
package openapi

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
)

// Mux is where a surface registers its routes: an *http.ServeMux, or a
// Recorder that also remembers them.
type Mux interface {
	Handle(pattern string, handler http.Handler)
	HandleFunc(pattern string, handler func(http.ResponseWriter, *http.Request))
}

// Recorder is an http.ServeMux that remembers the patterns registered on it.
type Recorder struct {
	*http.ServeMux
	mu       sync.Mutex
	patterns []string
}

// NewRecorder returns an empty Recorder.
func NewRecorder() *Recorder { return &Recorder{ServeMux: http.NewServeMux()} }

func (m *Recorder) Handle(pattern string, h http.Handler) {
	m.record(pattern)
	m.ServeMux.Handle(pattern, h)
}

func (m *Recorder) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.record(pattern)
	m.ServeMux.HandleFunc(pattern, h)
}

func (m *Recorder) record(pattern string) {
	m.mu.Lock()
	m.patterns = append(m.patterns, pattern)
	m.mu.Unlock()
}

// Patterns returns the patterns registered, in order.
func (m *Recorder) Patterns() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.patterns)
}

// Auth is how an operation's caller is identified.
type Auth int

const (
	// Public: anyone.
	Public Auth = iota
	// Manager: a signed-in manager, by bearer token or by the console's
	// session cookie (with X-CSRF-Token on requests that change state).
	Manager
	// Visitor: a web-chat client, by X-Visitor-Token.
	Visitor
	// Messenger: a messenger platform, by its own signature or secret token.
	Messenger
	// ManagerOrVisitor: a manager as with Manager, or a web-chat client by
	// X-Visitor-Token (reads only).
	ManagerOrVisitor
)

// Param is a query parameter (or a request header, with In "header").
type Param struct {
	Name     string
	In       string // "query" (default) or "header"
	Schema   any    // a Go value of its type
	Doc      string
	Required bool
}

// Op is one operation: a route and what it takes and answers.
type Op struct {
	Route       string // the route's pattern, "METHOD /path/{param}"
	Tag         string // the group it is shown in
	Summary     string
	Description string
	Auth        Auth
	Query       []Param
	// Body is a Go value of the request body's type (JSON unless
	// BodyType says otherwise); nil: no body.
	Body     any
	BodyType string
	// Status is the success status (default 200) and Response a Go value
	// of its body's type, nil for none; ResponseType is its media type
	// (default application/json). Also are other success statuses with the
	// same body.
	Status       int
	Response     any
	ResponseType string
	Also         []int
	// OtherTypes are other media types the success answer may come in
	// (a CSV of a report, the files of a directory).
	OtherTypes []string
	// Errors are the error statuses this operation answers besides those
	// of its Auth (401, and 403 for CSRF) and 400 for a body.
	Errors []int
}

func (o Op) split() (method, path string) {
	method, path, ok := strings.Cut(o.Route, " ")
	if !ok {
		panic("openapi: route without a method: " + o.Route)
	}
	return method, path
}

var registry = struct {
	sync.Mutex
	ops map[string]Op
}{ops: map[string]Op{}}

// Add registers operations; a surface calls it once per file of routes:
// var _ = openapi.Add(…). A route documented twice panics.
func Add(ops ...Op) bool {
	registry.Lock()
	defer registry.Unlock()
	for _, o := range ops {
		o.split()
		if _, dup := registry.ops[o.Route]; dup {
			panic("openapi: " + o.Route + " is documented twice")
		}
		if o.Status == 0 {
			o.Status = http.StatusOK
		}
		registry.ops[o.Route] = o
	}
	return true
}

// Ops returns every registered operation, ordered by path and method.
func Ops() []Op {
	registry.Lock()
	defer registry.Unlock()
	out := make([]Op, 0, len(registry.ops))
	for _, o := range registry.ops {
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b Op) int {
		am, ap := a.split()
		bm, bp := b.split()
		if c := strings.Compare(ap, bp); c != 0 {
			return c
		}
		return methodOrder(am) - methodOrder(bm)
	})
	return out
}

// Lookup returns the operation of a route pattern.
func Lookup(route string) (Op, bool) {
	registry.Lock()
	defer registry.Unlock()
	o, ok := registry.ops[route]
	return o, ok
}

func methodOrder(m string) int {
	if i := slices.Index([]string{"GET", "POST", "PUT", "PATCH", "DELETE"}, m); i >= 0 {
		return i
	}
	return 9
}

// OperationID names an operation: "patch /api/v1/dialogs/{id}" becomes
// "patchApiV1DialogsId".
func OperationID(route string) string {
	method, path, _ := strings.Cut(route, " ")
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, part := range strings.FieldsFunc(path, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// Documented reports, for route patterns served, which are not documented
// and which documented ones are not served.
func Documented(served []string) (undocumented, unserved []string) {
	seen := map[string]bool{}
	for _, p := range served {
		seen[p] = true
		if _, ok := Lookup(p); !ok {
			undocumented = append(undocumented, p)
		}
	}
	for _, o := range Ops() {
		if !seen[o.Route] {
			unserved = append(unserved, o.Route)
		}
	}
	return undocumented, unserved
}

func (a Auth) String() string {
	return [...]string{"public", "manager", "visitor", "messenger", "manager or visitor"}[a]
}

var _ fmt.Stringer = Auth(0)
