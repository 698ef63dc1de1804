package messenger

import "github.com/beseda/beseda/internal/openapi"

// The Messenger webhook, as the API document shows it (see Register).

type okAnswer struct {
	OK bool `json:"ok"`
}

var _ = openapi.Add(
	openapi.Op{Route: "GET /webhooks/messenger/{key}", Tag: "Messenger webhooks", Summary: "Meta's subscription check: hub.challenge back when hub.verify_token is the channel's",
		Auth: openapi.Messenger, Query: []openapi.Param{{Name: "hub.mode", Schema: ""}, {Name: "hub.verify_token", Schema: ""}, {Name: "hub.challenge", Schema: ""}},
		Response: "", ResponseType: "text/plain", Errors: []int{403, 404}},
	openapi.Op{Route: "POST /webhooks/messenger/{key}", Tag: "Messenger webhooks", Summary: "A batch of Messenger events, signed (X-Hub-Signature-256)",
		Description: "Each event is stored or recorded and skipped (H7); 200 unless the request is unauthenticated or unreadable.",
		Auth:        openapi.Messenger, Query: []openapi.Param{{Name: "X-Hub-Signature-256", In: "header", Schema: "", Required: true}},
		Body: map[string]any{}, Response: okAnswer{}, Errors: []int{400, 403, 404, 413}},
)
