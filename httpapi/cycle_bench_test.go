package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// BenchmarkWriteCycle is the load test's cycle (cmd/beseda-load) in process:
// create a dialog for one of 200 clients, write a message in it, complete
// it, list the active dialogs; through the server's handler, no network.
// Steadier than the closed-loop load on a noisy machine (BENCHMARKS.md,
// "The write path again, on another machine"):
//
//	go test -c -o /tmp/httpapi.test ./httpapi
//	(cd httpapi && /tmp/httpapi.test -test.run '^$' -test.bench 'WriteCycle/sqlite' -test.benchtime 5000x)
func BenchmarkWriteCycle(b *testing.B) {
	for _, d := range testkit.Dialects() {
		b.Run(string(d), func(b *testing.B) {
			srv := testkit.StartServer(b, testkit.NewMigratedDatabase(b, d), testkit.Options{Clock: beseda.SystemClock{}})
			w := testkit.NewWorld(b, srv, beseda.LocaleEN)
			bn := &bench{srv: srv, w: w, token: w.Owner.Token}
			var clients []int64
			for i := range 200 {
				clients = append(clients, w.NewVisitor(fmt.Sprintf("Client %d", i)).SubscriberID)
			}
			for i := 0; b.Loop(); i++ {
				writeCycle(b, bn, clients[i%len(clients)], w.Types[0].ID)
			}
		})
	}
}

func writeCycle(b *testing.B, bn *bench, subscriberID, typeID int64) {
	var d struct{ ID int64 }
	body := bn.do(b, "POST", "/api/v1/dialogs", fmt.Sprintf(`{"subscriber_id":%d,"title":"Order 1234 has not arrived","type_id":%d}`,
		subscriberID, typeID), http.StatusCreated)
	if err := json.Unmarshal(body, &d); err != nil {
		b.Fatal(err)
	}
	path := fmt.Sprintf("/api/v1/dialogs/%d", d.ID)
	bn.do(b, "POST", path+"/messages", `{"text":"Hello! We are looking into your order and will write back shortly."}`, http.StatusCreated)
	bn.do(b, "PATCH", path, `{"status":"completed"}`, http.StatusOK)
	bn.do(b, "GET", "/api/v1/dialogs?status=active", "", http.StatusOK)
}
