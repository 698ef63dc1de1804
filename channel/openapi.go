package channel

import "github.com/beseda/beseda/internal/openapi"

// The messengers' webhooks, as the API document shows them (see Register).

type okAnswer struct {
	OK bool `json:"ok"`
}

var _ = openapi.Add(
	openapi.Op{Route: "GET /webhooks/{kind}/{key}", Tag: "Messenger webhooks",
		Summary:     "Meta's subscription check: hub.challenge back when hub.verify_token is the channel's",
		Description: "kind is the channel's kind (one of Meta's platforms); key is the channel's key. Channels that need no check answer 404.",
		Auth:        openapi.Messenger, Query: []openapi.Param{{Name: "hub.mode", Schema: ""}, {Name: "hub.verify_token", Schema: ""}, {Name: "hub.challenge", Schema: ""}},
		Response: "", ResponseType: "text/plain", Errors: []int{403, 404}},
	openapi.Op{Route: "POST /webhooks/{kind}/{key}", Tag: "Messenger webhooks",
		Summary: "Updates from a messenger, verified its way: a secret-token header (Telegram) or X-Hub-Signature-256 (Meta's platforms)",
		Description: "Each event is stored, or recorded and retried later, and skipped (H7); an update delivered twice is acted on once; " +
			"the answer is 200 unless the request is unauthenticated (401, or 403 for a bad Meta signature) or unreadable.",
		Auth: openapi.Messenger, Body: map[string]any{}, Response: okAnswer{}, Errors: []int{400, 401, 403, 404, 413}},
)
