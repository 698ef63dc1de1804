package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// BenchmarkWriteCycle is the load test's cycle (cmd/beseda-load) in process:
// create a dialog for one of 200 clients, write a message in it, complete
// it, list the active dialogs; through the server's handler, no network.
// Its instructions are a steady measure of the write path on a machine whose
// timings are not (BENCHMARKS.md, "The write path's instructions"):
//
//	go test -c -o /tmp/httpapi.test ./httpapi
//	valgrind --tool=callgrind --toggle-collect='*writeCycle*' /tmp/httpapi.test \
//	    -test.run '^$' -test.bench 'WriteCycle/sqlite' -test.benchtime 400x
func BenchmarkWriteCycle(b *testing.B) {
	for _, d := range testkit.Dialects() {
		b.Run(string(d), func(b *testing.B) {
			srv := testkit.StartServer(b, testkit.NewMigratedDatabase(b, d), testkit.Options{Clock: beseda.SystemClock{}})
			w := testkit.NewWorld(b, srv, beseda.LocaleEN)
			var clients []int64
			for i := range 200 {
				clients = append(clients, w.NewVisitor(fmt.Sprintf("Client %d", i)).SubscriberID)
			}
			for i := 0; b.Loop(); i++ {
				writeCycle(b, srv.Handler, w.Owner.Token, clients[i%len(clients)], w.Types[0].ID)
			}
		})
	}
}

func writeCycle(b *testing.B, h http.Handler, token string, subscriberID, typeID int64) {
	do := func(method, path, body string, want int) []byte {
		var r *http.Request
		if body == "" {
			r = httptest.NewRequest(method, path, nil)
		} else {
			r = httptest.NewRequest(method, path, strings.NewReader(body))
		}
		r.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Code != want {
			b.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body)
		}
		return rec.Body.Bytes()
	}
	var d struct{ ID int64 }
	body := do("POST", "/api/v1/dialogs", fmt.Sprintf(`{"subscriber_id":%d,"title":"Order 1234 has not arrived","type_id":%d}`,
		subscriberID, typeID), http.StatusCreated)
	if err := json.Unmarshal(body, &d); err != nil {
		b.Fatal(err)
	}
	path := fmt.Sprintf("/api/v1/dialogs/%d", d.ID)
	do("POST", path+"/messages", `{"text":"Hello! We are looking into your order and will write back shortly."}`, http.StatusCreated)
	do("PATCH", path, `{"status":"completed"}`, http.StatusOK)
	do("GET", "/api/v1/dialogs?status=active", "", http.StatusOK)
}

