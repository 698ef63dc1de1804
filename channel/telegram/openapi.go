package telegram

import "github.com/beseda/beseda/internal/openapi"

// The Telegram webhook, as the API document shows it (see Register).

type okAnswer struct {
	OK bool `json:"ok"`
}

var _ = openapi.Add(
	openapi.Op{Route: "POST /webhooks/telegram/{key}", Tag: "Messenger webhooks", Summary: "A Telegram update (Bot API setWebhook)",
		Description: "Needs X-Telegram-Bot-Api-Secret-Token with the channel's webhook_secret; an update delivered twice is acted on once.",
		Auth:        openapi.Messenger, Query: []openapi.Param{{Name: "X-Telegram-Bot-Api-Secret-Token", In: "header", Schema: "", Required: true}},
		Body: map[string]any{}, Response: okAnswer{}, Errors: []int{400, 401, 404, 413}},
)
