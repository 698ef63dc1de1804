package server

import "github.com/beseda/beseda/internal/openapi"

// The server's own routes, as the API document shows them (see New).

type health struct {
	Status string `json:"status"`
	DB     string `json:"db"`
}

var _ = openapi.Add(
	openapi.Op{Route: "GET /healthz", Tag: "Meta", Summary: "Whether the server and its database answer", Response: health{},
		Errors: []int{500}},
	openapi.Op{Route: "GET /metrics", Tag: "Meta", Summary: "Prometheus metrics", Response: "", ResponseType: "text/plain"},
)

var _ = openapi.Describe(health{}, openapi.TypeDoc{Name: "Health", Fields: map[string]string{"db": "sqlite or postgres"}})
