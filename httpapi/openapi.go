package httpapi

import (
	"net/http"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/internal/httpx"
	"github.com/beseda/beseda/internal/openapi"
)

// The JSON API's operations, in the order of the route table (handler.go).
// A new route gets its entry here; TestOpenAPI_DocumentsEveryRouteBothWays
// names the routes that lack one. Request and response schemas are made
// from the Go values named.

// loginAnswer is what POST /api/v1/auth/login answers.
type loginAnswer struct {
	Token string       `json:"token"`
	User  *beseda.User `json:"user"`
}

type loginInput struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// uploadForm is the multipart/form-data body of an upload.
type uploadForm struct {
	File openapi.File `json:"file"`
}

type enrollInput struct {
	SubscriberID int64 `json:"subscriber_id"`
}

var (
	idParam     = func(name, doc string) openapi.Param { return openapi.Param{Name: name, Schema: int64(0), Doc: doc} }
	limitParam  = idParam("limit", "at most this many (the default and the most are per list)")
	offsetParam = idParam("offset", "skip this many")
	pageParams  = []openapi.Param{
		idParam("before", "the messages before this message in the chat's order (older)"),
		idParam("after", "the messages after this message in the chat's order (newer), in order"),
		limitParam,
	}
	reportParams = []openapi.Param{
		{Name: "from", Schema: "", Doc: "a date (YYYY-MM-DD, the whole day in tz) or an RFC 3339 time"},
		{Name: "to", Schema: "", Doc: "a date (included) or an RFC 3339 time"},
		{Name: "tz", Schema: "", Doc: "an IANA time zone for dates and days, default UTC"},
		{Name: "status", Schema: beseda.DialogStatus("")},
		idParam("type_id", ""), idParam("reason_id", ""), idParam("component_id", ""), idParam("manager_id", ""),
		limitParam, offsetParam,
		{Name: "format", Schema: "", Doc: "csv for a CSV file of the rows (streamed)"},
	}
)

var _ = openapi.Add(
	openapi.Op{Route: "GET /api/v1/openapi.json", Tag: "Meta", Summary: "This document (OpenAPI 3.1)", Response: map[string]any{}},
	openapi.Op{Route: "POST /api/v1/auth/login", Tag: "Account", Summary: "Sign in: a bearer token for the API",
		Body: loginInput{}, Response: loginAnswer{}, Errors: []int{401, 429}},
	openapi.Op{Route: "POST /api/v1/auth/logout", Tag: "Account", Summary: "End the token's session", Auth: openapi.Manager, Status: 204},

	openapi.Op{Route: "GET /api/v1/me", Tag: "Account", Summary: "The caller, their workspace and permissions", Auth: openapi.Manager, Response: meJSON{}},
	openapi.Op{Route: "PATCH /api/v1/me", Tag: "Account", Summary: "Change one's own name, language, time zone or password",
		Description: "A new password needs current_password (H5).", Auth: openapi.Manager, Body: app.UserUpdate{}, Response: beseda.User{}},
	openapi.Op{Route: "GET /api/v1/users", Tag: "Users", Summary: "The workspace's managers",
		Description: "Every manager gets everyone's id and name (to add colleagues to dialogs); e-mails, roles, permissions, " +
			"languages and time zones of others only owners, admins and holders of users.manage.",
		Auth: openapi.Manager, Response: []beseda.User{}},
	openapi.Op{Route: "POST /api/v1/users", Tag: "Users", Summary: "Add a manager (users.manage; H6)", Auth: openapi.Manager,
		Body: beseda.UserCreate{}, Status: 201, Response: beseda.User{}, Errors: []int{409}},
	openapi.Op{Route: "GET /api/v1/users/{id}", Tag: "Users", Summary: "A manager (as GET /api/v1/users shows them to the caller)",
		Auth: openapi.Manager, Response: beseda.User{}, Errors: []int{404}},
	openapi.Op{Route: "PATCH /api/v1/users/{id}", Tag: "Users", Summary: "Change a manager's role, permissions or details (users.manage; H6)",
		Description: "A manager holding users.manage changes managers only, and grants or revokes only permissions it holds; " +
			"only owners and admins change admins, only owners change owners. Nobody changes anything (password, name, language, " +
			"time zone, role, permissions) of a user holding a role or permission they do not hold: 403. A new password ends " +
			"that user's sessions and tokens (H5).",
		Auth: openapi.Manager, Body: app.UserUpdate{}, Response: beseda.User{}, Errors: []int{403, 404}},

	openapi.Op{Route: "GET /api/v1/channels/{id}/templates", Tag: "Channels", Summary: "A WhatsApp channel's message templates, as last synced",
		Description: "Synced from GET /{business_account_id}/message_templates at connection, on demand, hourly, and on the " +
			"message_template_status_update webhook. ?language= (the client's) puts templates in that language first. Any manager.",
		Auth: openapi.Manager, Response: []beseda.MessageTemplate{}, Errors: []int{404}},
	openapi.Op{Route: "POST /api/v1/channels/{id}/templates/sync", Tag: "Channels", Summary: "Read a channel's message templates from the platform now",
		Description: "Every page of the business account's templates replaces the stored ones; 400 for a channel whose platform has none.",
		Auth:        openapi.Manager, Response: []beseda.MessageTemplate{}, Errors: []int{400, 404}},
	openapi.Op{Route: "GET /api/v1/settings/rating-template", Tag: "Settings", Summary: "The template the rating form goes as outside a client's window",
		Description: "A WhatsApp message template without parameters whose three quick-reply buttons are the form's 1–3; null when none is chosen.",
		Auth:        openapi.Manager, Response: ratingTemplate{}},
	openapi.Op{Route: "PUT /api/v1/settings/rating-template", Tag: "Settings", Summary: "Choose the rating template (standard_messages.edit); null clears it",
		Description: "The template must be one a WhatsApp channel of the workspace has synced: approved, without parameters, with " +
			"exactly three quick-reply buttons; 400 otherwise, and the choice stays. The change is in the audit log " +
			"(standard_messages.changed). The console chooses it in Settings → Standard messages.",
		Auth: openapi.Manager, Body: ratingTemplate{}, Response: ratingTemplate{}, Errors: []int{400, 403}},
	openapi.Op{Route: "GET /api/v1/channels", Tag: "Channels", Summary: "The workspace's channels",
		Description: "Every manager gets each channel's id, kind, name, title, state and a web chat's widget_url; owners and admins also " +
			"its key, webhook URL and the settings that are not secret. Secrets are never shown.",
		Auth: openapi.Manager, Response: []channelJSON{}},
	openapi.Op{Route: "POST /api/v1/channels", Tag: "Channels", Summary: "Add a channel (owner or admin); secrets are write-only",
		Description: "Telegram needs only bot_token: the server checks it (getMe) and registers its webhook (setWebhook) with a secret it makes; " +
			"when that fails, 400 says whether Telegram could not be reached, refused the token or refused the webhook address. " +
			"Channels of Meta's platforms get a verify token made for them when none is given; the answer shows it and the webhook URL to paste into Meta. " +
			"config.api_base_url must lead to a public address, as a webhook's url (400 otherwise), unless the server runs with BESEDA_ALLOW_PRIVATE_WEBHOOKS=1.",
		Auth: openapi.Manager, Body: beseda.ChannelCreate{}, Status: 201, Response: channelJSON{}, Errors: []int{400, 403}},
	openapi.Op{Route: "PATCH /api/v1/channels/{id}", Tag: "Channels", Summary: "Rename a channel, switch it off or on, or replace settings (owner or admin)",
		Description: "Only the config keys given change; secrets can be replaced, never read. A channel switched off answers 404 at its webhook " +
			"and widget, and its messages fail with channel_disabled. config.api_base_url must lead to a public address (see POST).",
		Auth: openapi.Manager, Body: beseda.ChannelUpdate{}, Response: channelJSON{}, Errors: []int{400, 403, 404}},

	openapi.Op{Route: "GET /api/v1/subscribers", Tag: "Clients", Summary: "Clients (subscribers), the latest chats first", Auth: openapi.Manager,
		Query: []openapi.Param{{Name: "q", Schema: "", Doc: "part of the name"},
			{Name: "assignee", Schema: "", Doc: "me, none (unassigned) or a manager's id"}, limitParam, offsetParam},
		Response: []beseda.Subscriber{}, Errors: []int{400}},
	openapi.Op{Route: "GET /api/v1/subscribers/{id}", Tag: "Clients", Summary: "A client", Auth: openapi.Manager, Response: beseda.Subscriber{}, Errors: []int{404}},
	openapi.Op{Route: "GET /api/v1/subscribers/{id}/messages", Tag: "Messages", Summary: "A client's general chat: the whole history (W5)",
		Description: "In the chat's order: the order messages were produced, except automation held during a dialog (G1), which " +
			"stands where it was released (released_at) — after everything said during the dialog — the released ones among " +
			"themselves in the order produced (G2). before and after name a message and page from its place, so a caller " +
			"that follows the chat with after sees released messages too, though their ids are older.",
		Auth: openapi.Manager, Query: pageParams, Response: []beseda.Message{}, Errors: []int{400, 404}},
	openapi.Op{Route: "POST /api/v1/subscribers/{id}/messages", Tag: "Messages", Summary: "Write in the general chat (W2, W3)",
		Description: "A text, files uploaded before (attachment_ids), or both. A client of a messenger channel gets the files " +
			"through the platform's media API, one platform message each, the text first or as the first file's caption.",
		Auth: openapi.Manager, Body: postMessage{}, Status: 201, Response: beseda.Message{}, Errors: []int{404, 409}},

	openapi.Op{Route: "POST /api/v1/dialogs", Tag: "Dialogs", Summary: "Open a dialog in a client's chat (C1–C3)", Auth: openapi.Manager,
		Body: beseda.DialogCreate{}, Status: 201, Response: beseda.Dialog{}, Errors: []int{404, 409}},
	openapi.Op{Route: "GET /api/v1/dialogs", Tag: "Dialogs", Summary: "Dialogs, newest first (L1)", Auth: openapi.Manager,
		Query: []openapi.Param{{Name: "status", Schema: beseda.DialogStatus("")}, idParam("subscriber_id", "a client's dialogs"),
			{Name: "mine", Schema: false, Doc: "only those the caller takes part in"}, idParam("before", "older than this id"), limitParam},
		Response: []beseda.Dialog{}, Errors: []int{400}},
	openapi.Op{Route: "GET /api/v1/dialogs/{id}", Tag: "Dialogs", Summary: "A dialog", Auth: openapi.Manager, Response: beseda.Dialog{}, Errors: []int{404}},
	openapi.Op{Route: "PATCH /api/v1/dialogs/{id}", Tag: "Dialogs", Summary: "Change a dialog's settings or status (S1–S3, R1)",
		Description: "Completing (status completed) may settle reason_ids and component_ids in the same change. A completed dialog " +
			"takes only reason_ids and component_ids (what a case was about is often clear only at its end); any other field is " +
			"409 dialog_completed. Every change is in the dialog's history (L3).",
		Auth: openapi.Manager, Body: beseda.DialogUpdate{}, Response: beseda.Dialog{}, Errors: []int{404, 409}},
	openapi.Op{Route: "GET /api/v1/dialogs/{id}/messages", Tag: "Messages", Summary: "The messages of a dialog, and only those (W5)",
		Auth: openapi.Manager, Query: pageParams, Response: []beseda.Message{}, Errors: []int{400, 404}},
	openapi.Op{Route: "POST /api/v1/dialogs/{id}/messages", Tag: "Messages", Summary: "Write in an active dialog (W1), or leave an internal note",
		Description: "A text, files uploaded before (attachment_ids), or both. With internal: true, a note for managers: " +
			"the client never gets it, in no channel; notes are taken in active, paused and completed dialogs alike.",
		Auth: openapi.Manager, Body: beseda.MessageInput{}, Status: 201, Response: beseda.Message{}, Errors: []int{404, 409}},
	openapi.Op{Route: "POST /api/v1/uploads", Tag: "Messages", Summary: "Upload a file to attach to a message (attachment_ids)",
		Description: "multipart/form-data with the file in the field file. The type is told from the bytes, never from the name " +
			"or the client's Content-Type; the name is kept without any path or control characters. An upload is its uploader's " +
			"to attach, once; one never attached is removed after 24 hours.",
		Auth: openapi.Manager, Body: uploadForm{}, BodyType: "multipart/form-data", Status: 201, Response: httpx.UploadAnswer(&beseda.Upload{}), Errors: []int{413}},
	openapi.Op{Route: "GET /api/v1/attachments/{id}", Tag: "Messages", Summary: "An attachment's bytes",
		Description: "For the workspace's managers (bearer token or console session) and for the client of the message's chat " +
			"(X-Visitor-Token, or the signed address with exp and sig that the web chat's messages carry), when the message is " +
			"theirs to see; before it is attached, for its uploader only. Everyone else gets 404. Raster images come inline, " +
			"everything else (SVG and HTML included) as a download; a sandboxing Content-Security-Policy and nosniff always.",
		Auth:     openapi.ManagerOrVisitor,
		Query:    []openapi.Param{{Name: "exp", Schema: int64(0), Doc: "a signed address's expiry (Unix seconds)"}, {Name: "sig", Schema: "", Doc: "its signature"}},
		Response: "", ResponseType: "application/octet-stream", OtherTypes: []string{"*/*"}, Also: []int{206}, Errors: []int{404}},
	openapi.Op{Route: "GET /api/v1/dialogs/{id}/events", Tag: "Dialogs", Summary: "A dialog's history (L3)", Auth: openapi.Manager,
		Response: []beseda.DialogEvent{}, Errors: []int{404}},

	openapi.Op{Route: "GET /api/v1/saved-replies", Tag: "Settings", Summary: "Saved replies, by name", Auth: openapi.Manager, Response: []beseda.SavedReply{}},
	openapi.Op{Route: "POST /api/v1/saved-replies", Tag: "Settings", Summary: "Add a saved reply (saved_replies.edit)", Auth: openapi.Manager,
		Body: beseda.SavedReplyCreate{}, Status: 201, Response: beseda.SavedReply{}, Errors: []int{409}},
	openapi.Op{Route: "PATCH /api/v1/saved-replies/{id}", Tag: "Settings", Summary: "Rename a saved reply or change its text (saved_replies.edit)",
		Auth: openapi.Manager, Body: beseda.SavedReplyUpdate{}, Response: beseda.SavedReply{}, Errors: []int{404, 409}},
	openapi.Op{Route: "DELETE /api/v1/saved-replies/{id}", Tag: "Settings", Summary: "Remove a saved reply (saved_replies.edit)",
		Auth: openapi.Manager, Status: 204, Errors: []int{404}},
	openapi.Op{Route: "GET /api/v1/settings/standard-messages", Tag: "Settings", Summary: "The rating form's texts and the thank-you (R2)",
		Description: "The top-level fields are the texts in the workspace's language (locale), as they always were; languages has " +
			"the texts in every language the standard messages speak (en, ru): the workspace's own, or that language's defaults. " +
			"A client gets them in their language (subscriber.locale) when it is one of these, else in the workspace's.",
		Auth: openapi.Manager, Response: beseda.StandardTexts{}},
	openapi.Op{Route: "PUT /api/v1/settings/standard-messages", Tag: "Settings", Summary: "Change the standard messages (standard_messages.edit)",
		Description: "Top-level fields change the workspace language's texts, as before; languages.{en,ru} change that language's " +
			"(any subset of the five fields each). The workspace language's texts both ways, or another language, is 400.",
		Auth: openapi.Manager, Body: beseda.StandardTextsUpdate{}, Response: beseda.StandardTexts{}, Errors: []int{400, 403}},

	openapi.Op{Route: "GET /api/v1/reports/dialogs", Tag: "Report", Summary: "The dialogs report: totals and rows (L2, reports.view)",
		Description: "Rows are the newest dialogs first, by creation time (ties by id). With format=csv, the rows in that order as a " +
			"CSV file (UTF-8 with a byte-order mark, for spreadsheet programs), streamed.", Auth: openapi.Manager, Query: reportParams,
		Response: beseda.Report{}, OtherTypes: []string{"text/csv"}, Errors: []int{400, 403}},

	openapi.Op{Route: "GET /api/v1/tasks", Tag: "Tasks", Summary: "The caller's tasks (C2, S3)", Auth: openapi.Manager, Response: []beseda.Task{}},
	openapi.Op{Route: "GET /api/v1/notifications", Tag: "Tasks", Summary: "The caller's notifications, in their language; X-Unread-Count has the unread count",
		Auth: openapi.Manager, Query: []openapi.Param{{Name: "unread", Schema: false, Doc: "only unread ones"}},
		Response: []beseda.Notification{}, Errors: []int{400}},
	openapi.Op{Route: "POST /api/v1/notifications/read", Tag: "Tasks", Summary: "Mark every notification read", Auth: openapi.Manager, Status: 204},
	openapi.Op{Route: "POST /api/v1/notifications/{id}/read", Tag: "Tasks", Summary: "Mark a notification read", Auth: openapi.Manager, Status: 204, Errors: []int{404}},
	openapi.Op{Route: "GET /api/v1/events", Tag: "Live", Summary: "Live events of the workspace and the caller (Server-Sent Events)",
		Description: "message.created, messages.updated, dialog.changed, broadcast.progress, task.changed, notification.created; " +
			"each event's data carries its id, kind and payload. Heartbeats every 15 s; resume with Last-Event-ID; event: reset means reload. " +
			"A manager keeps at most 20 streams open at once (per server process); one more ends the oldest, whose last event is " +
			"event: evicted (do not reconnect it on your own).",
		Auth: openapi.Manager, Query: []openapi.Param{{Name: "Last-Event-ID", In: "header", Schema: "", Doc: "resume after this event"}},
		Response: "", ResponseType: "text/event-stream"},

	openapi.Op{Route: "POST /api/v1/outbound", Tag: "Automation", Summary: "Produce an automated message through the gate (G1; automation.edit)",
		Description: "201 with the new message; 200 with the first one when idempotency_key was used before (Idempotent-Replayed: true).",
		Auth:        openapi.Manager, Body: beseda.Outbound{}, Status: 201, Also: []int{200}, Response: beseda.Message{}, Errors: []int{403, 404, 409}},
	openapi.Op{Route: "POST /api/v1/broadcasts", Tag: "Automation", Summary: "Start a broadcast (automation.edit)", Auth: openapi.Manager,
		Body: beseda.BroadcastCreate{}, Status: 201, Response: beseda.Broadcast{}, Errors: []int{403}},
	openapi.Op{Route: "GET /api/v1/broadcasts/{id}", Tag: "Automation", Summary: "A broadcast's progress", Auth: openapi.Manager,
		Response: beseda.Broadcast{}, Errors: []int{403, 404}},
	openapi.Op{Route: "GET /api/v1/funnels", Tag: "Automation", Summary: "Funnels (drip sequences)", Auth: openapi.Manager, Response: []beseda.Funnel{}, Errors: []int{403}},
	openapi.Op{Route: "POST /api/v1/funnels", Tag: "Automation", Summary: "Add a funnel (automation.edit)", Auth: openapi.Manager,
		Body: beseda.FunnelCreate{}, Status: 201, Response: beseda.Funnel{}},
	openapi.Op{Route: "POST /api/v1/funnels/{id}/subscribers", Tag: "Automation", Summary: "Put a client into a funnel (201; 200 when already in it)",
		Auth: openapi.Manager, Body: enrollInput{}, Status: 201, Also: []int{200}, Response: app.Enrollment{}, Errors: []int{404}},
	openapi.Op{Route: "GET /api/v1/smart-answers", Tag: "Automation", Summary: "Smart answers (keywords → an ai_support reply)", Auth: openapi.Manager,
		Response: []beseda.SmartAnswer{}, Errors: []int{403}},
	openapi.Op{Route: "POST /api/v1/smart-answers", Tag: "Automation", Summary: "Add a smart answer (automation.edit)", Auth: openapi.Manager,
		Body: beseda.SmartAnswerCreate{}, Status: 201, Response: beseda.SmartAnswer{}},
	openapi.Op{Route: "DELETE /api/v1/smart-answers/{id}", Tag: "Automation", Summary: "Remove a smart answer (automation.edit)", Auth: openapi.Manager,
		Status: 204, Errors: []int{404}},

	openapi.Op{Route: "GET /api/v1/webhooks", Tag: "Webhooks", Summary: "Outgoing webhook subscriptions (integrations.manage); secrets are never shown",
		Auth: openapi.Manager, Response: []beseda.Webhook{}, Errors: []int{403}},
	openapi.Op{Route: "POST /api/v1/webhooks", Tag: "Webhooks", Summary: "Subscribe an http(s) URL to events, signed with a secret",
		Description: "Addresses in loopback, private, link-local and other reserved ranges are refused (in any form a resolver reads, " +
			"such as 2130706433 for 127.0.0.1; also when the host resolves to one, and again at every delivery) unless the server runs " +
			"with BESEDA_ALLOW_PRIVATE_WEBHOOKS=1.",
		Auth: openapi.Manager, Body: beseda.WebhookCreate{}, Status: 201, Response: beseda.Webhook{}, Errors: []int{403}},
	openapi.Op{Route: "GET /api/v1/webhooks/{id}", Tag: "Webhooks", Summary: "A subscription", Auth: openapi.Manager,
		Response: beseda.Webhook{}, Errors: []int{403, 404}},
	openapi.Op{Route: "DELETE /api/v1/webhooks/{id}", Tag: "Webhooks", Summary: "Remove a subscription and its deliveries", Auth: openapi.Manager,
		Status: 204, Errors: []int{404}},
	openapi.Op{Route: "GET /api/v1/webhooks/{id}/deliveries", Tag: "Webhooks", Summary: "A subscription's latest deliveries with every attempt, newest first",
		Auth: openapi.Manager, Query: []openapi.Param{limitParam}, Response: []beseda.WebhookDelivery{}, Errors: []int{400, 403, 404}},
	openapi.Op{Route: "POST /api/v1/webhooks/{id}/test", Tag: "Webhooks", Summary: "Send a test event to the subscription (delivered like any other)",
		Auth: openapi.Manager, Status: http.StatusAccepted, Response: beseda.WebhookDelivery{}, Errors: []int{404}},
)

// The settings lists share their routes (see Register).
var _ = func() bool {
	for path := range catalogPaths {
		base := "/api/v1/settings/" + path
		openapi.Add(
			openapi.Op{Route: "GET " + base, Tag: "Settings", Summary: "The workspace's " + path + " (removed ones too, marked)",
				Auth: openapi.Manager, Response: []beseda.CatalogItem{}},
			openapi.Op{Route: "POST " + base, Tag: "Settings", Summary: "Add to the " + path + " (dialog_settings.edit; P1)",
				Auth: openapi.Manager, Body: catalogName{}, Status: 201, Response: beseda.CatalogItem{}, Errors: []int{409}},
			openapi.Op{Route: "PATCH " + base + "/{id}", Tag: "Settings", Summary: "Rename one of the " + path,
				Auth: openapi.Manager, Body: catalogName{}, Response: beseda.CatalogItem{}, Errors: []int{404, 409}},
			openapi.Op{Route: "DELETE " + base + "/{id}", Tag: "Settings", Summary: "Remove one of the " + path + " (kept on existing dialogs)",
				Auth: openapi.Manager, Status: 204, Errors: []int{404, 409}},
		)
	}
	return true
}()

var _ = openapi.AddWebhooks(
	openapi.Webhook{Event: string(beseda.WebhookMessageReceived), Summary: "A client wrote; data is the message", Body: webhookBody[beseda.Message]{}},
	openapi.Webhook{Event: string(beseda.WebhookMessageDelivered), Summary: "The platform delivered an outgoing message; data is the message, with delivered_at", Body: webhookBody[beseda.Message]{}},
	openapi.Webhook{Event: string(beseda.WebhookMessageRead), Summary: "The client read an outgoing message; data is the message, with read_at", Body: webhookBody[beseda.Message]{}},
	openapi.Webhook{Event: string(beseda.WebhookMessageFailed), Summary: "An outgoing message failed for good; data is the message, with its id and reason (such as outside_messaging_window)", Body: webhookBody[beseda.Message]{}},
	openapi.Webhook{Event: string(beseda.WebhookDialogCreated), Summary: "A dialog was opened; data is the dialog", Body: webhookBody[beseda.Dialog]{}},
	openapi.Webhook{Event: string(beseda.WebhookDialogStatusChanged), Summary: "A dialog became active, paused or completed; data is the dialog", Body: webhookBody[beseda.Dialog]{}},
	openapi.Webhook{Event: string(beseda.WebhookDialogClientRated), Summary: "The client rated a dialog; data is the dialog", Body: webhookBody[beseda.Dialog]{}},
	openapi.Webhook{Event: string(beseda.WebhookTest), Summary: "Sent on request to one subscription", Body: webhookBody[beseda.WebhookTestData]{}},
)

// webhookBody is beseda.WebhookEvent with its data's type, for the document.
type webhookBody[T any] struct {
	ID          string                  `json:"id"`
	Type        beseda.WebhookEventType `json:"type"`
	CreatedAt   string                  `json:"created_at"`
	WorkspaceID int64                   `json:"workspace_id"`
	Data        T                       `json:"data"`
}

func permissionNames() []string {
	out := make([]string, len(beseda.AllPermissions))
	for i, p := range beseda.AllPermissions {
		out[i] = string(p)
	}
	return out
}

func webhookTypeNames() []string {
	out := []string{}
	for _, t := range append(beseda.WebhookEventTypes, beseda.WebhookTest) {
		out = append(out, string(t))
	}
	return out
}

// What the types cannot say of themselves.
var _ = []bool{
	openapi.Describe(beseda.DialogStatus(""), openapi.TypeDoc{Enum: []string{"active", "paused", "completed"}}),
	openapi.Describe(beseda.MessageStatus(""), openapi.TypeDoc{Enum: []string{"pending", "sent", "held", "dropped", "failed"}}),
	openapi.Describe(beseda.Direction(""), openapi.TypeDoc{Enum: []string{"in", "out"}}),
	openapi.Describe(beseda.Source(""), openapi.TypeDoc{Enum: []string{"manager", "funnel", "broadcast", "ai_support", "system", "client"}}),
	openapi.Describe(beseda.Role(""), openapi.TypeDoc{Enum: []string{"owner", "admin", "manager"}}),
	openapi.Describe(beseda.Permission(""), openapi.TypeDoc{Enum: permissionNames()}),
	openapi.Describe(beseda.Locale(""), openapi.TypeDoc{Enum: []string{"en", "ru"}}),
	openapi.Describe(beseda.TaskStatus(""), openapi.TypeDoc{Enum: []string{"scheduled", "started", "done", "cancelled"}}),
	openapi.Describe(beseda.NotificationKind(""), openapi.TypeDoc{Enum: []string{"task_scheduled", "task_started", "task_cancelled", "sla_warning", "sla_breached"},
		Doc: "task_cancelled: the manager was removed from the dialog; the task's task_scheduled then says it is cancelled; sla_warning, sla_breached: a dialog's SLA target is near or missed"}),
	openapi.Describe(beseda.WebhookEventType(""), openapi.TypeDoc{Enum: webhookTypeNames()}),
	openapi.Describe(beseda.WebhookDeliveryStatus(""), openapi.TypeDoc{Enum: []string{"pending", "delivered", "failed"},
		Doc: "pending: retried at next_attempt_at; delivered: a 2xx came; failed: given up after 24 hours"}),
	openapi.Describe(beseda.DialogEventKind(""), openapi.TypeDoc{Enum: []string{"created", "title_changed", "type_changed",
		"reasons_changed", "components_changed", "participant_added", "participant_removed", "status_changed",
		"account_rated", "rating_form_sent", "rating_form_failed", "client_rated"}}),
	openapi.Describe(beseda.Dialog{}, openapi.TypeDoc{Doc: "A support case in one client's chat.", Fields: map[string]string{
		"account_rating":    "the manager's rating of the client, 1–3, given when completing",
		"client_rating":     "the client's rating, 1–3, from the rating form",
		"rating_form_error": "why a requested rating form could not be sent",
	}}),
	openapi.Describe(beseda.StandardTexts{}, openapi.TypeDoc{Doc: "Standard messages: the rating form and the thank-you.", Fields: map[string]string{
		"locale":    "the workspace's language, whose texts the top-level fields are",
		"languages": "the texts in each language, by language (en, ru)",
	}}),
	openapi.Describe(beseda.StandardTextsUpdate{}, openapi.TypeDoc{Fields: map[string]string{
		"languages": "changes by language (en, ru); the top-level fields change the workspace's language",
	}}),
	openapi.Describe(beseda.Subscriber{}, openapi.TypeDoc{Doc: "A client in one channel.", Fields: map[string]string{
		"locale": "the client's language as their app or browser reports it (ru, en, de…): the web chat's browser, Telegram's " +
			"language_code; absent while unknown (not every platform says). Standard messages speak it when they can.",
		"read_at": "when the caller last opened the chat in the console: each manager has their own",
	}}),
	openapi.Describe(beseda.Button{}, openapi.TypeDoc{Fields: map[string]string{
		"chosen": "on a rating form the client answered: the button they chose (the first tap counts, R3)",
	}}),
	openapi.Describe(beseda.Message{}, openapi.TypeDoc{Doc: "A message of a client's chat.", Fields: map[string]string{
		"dialog_id":   "the dialog it was sent or received in; null in the general chat",
		"reason":      "why it failed or was dropped",
		"text":        "may be empty when the message carries files",
		"attachments": "its files, in the order they were named",
		"created_at":  "when it was produced (or received)",
		"released_at": "for automation held during a dialog: when it was released; it then stands in the chat at that point, " +
			"after what was said during the dialog (absent for messages never held)",
		"internal": "a note managers left each other in a dialog: never delivered, never shown to the client; " +
			"its status is sent (stored)",
		"resent": "sent a second time after a crash hid whether the first send reached the platform, which " +
			"reports nothing it took: the client may have it twice",
	}}),
	openapi.Describe(beseda.Attachment{}, openapi.TypeDoc{Doc: "A file on a message.", Fields: map[string]string{
		"name":         "the uploader's file name, without path or control characters",
		"size":         "in bytes",
		"content_type": "told from the bytes",
		"url":          "where managers fetch it (a path on this server; see GET /api/v1/attachments/{id})",
	}}),
	openapi.Describe(beseda.MessageInput{}, openapi.TypeDoc{Name: "DialogMessageInput", Fields: map[string]string{
		"text":           "may be empty when attachment_ids are given",
		"attachment_ids": "uploads of the caller's, not attached yet (POST /api/v1/uploads); at most 10",
		"internal":       "a note for managers: never delivered to the client",
		"template":       "instead of text: an approved message template of the channel {name, language, parameters} (WhatsApp), sent also when the client's window is closed; stored with its text rendered",
	}}),
	openapi.Describe(postMessage{}, openapi.TypeDoc{Fields: map[string]string{
		"template":       "instead of text: an approved message template of the channel {name, language, parameters} (WhatsApp), sent also when the client's window is closed; stored with its text rendered",
		"text":           "may be empty when attachment_ids are given",
		"attachment_ids": "uploads of the caller's, not attached yet (POST /api/v1/uploads); at most 10",
	}}),
	openapi.Describe(beseda.Outbound{}, openapi.TypeDoc{Fields: map[string]string{
		"attachment_ids": "uploads of the caller's, not attached yet (POST /api/v1/uploads); then text may be empty",
		"template":       "the fallback: an approved message template of the client's channel {name, language, parameters}, sent instead of text when the client's window is closed at delivery; without one the message fails with outside_messaging_window (webhook message.failed)",
	}}),
	openapi.Describe(httpx.UploadAnswer(&beseda.Upload{}), openapi.TypeDoc{Name: "Upload", Doc: "A stored file, to name in a message's attachment_ids.",
		Fields: map[string]string{"content_type": "told from the bytes"}}),
	openapi.Describe(uploadForm{}, openapi.TypeDoc{Name: "UploadForm", Fields: map[string]string{"file": "the file"}}),
	openapi.Describe(beseda.Webhook{}, openapi.TypeDoc{Doc: "An outgoing webhook subscription; its secret is never shown."}),
	openapi.Describe(beseda.WebhookCreate{}, openapi.TypeDoc{Fields: map[string]string{
		"url":    "http(s); a public address",
		"secret": "signs every delivery (X-Beseda-Signature); 1–256 bytes, write-only",
	}}),
	openapi.Describe(beseda.WebhookDelivery{}, openapi.TypeDoc{Doc: "One event on its way to one subscription.", Fields: map[string]string{
		"id":          "the X-Beseda-Delivery of its every attempt",
		"event_id":    "the id in the body: the same in every subscription's delivery of the event",
		"attempt_log": "every attempt, newest first",
	}}),
	openapi.Describe(app.UserUpdate{}, openapi.TypeDoc{Name: "UserUpdate"}),
	openapi.Describe(channelJSON{}, openapi.TypeDoc{Name: "Channel",
		Doc: "A channel. Every manager sees id, kind, name, title, enabled, created_at and a web chat's widget_url; " +
			"key, webhook_url, config and secrets_set only owners and admins. Secrets are never shown.",
		Fields: map[string]string{
			"webhook_url": "where the messenger must send updates (empty for the web chat); owners and admins only",
			"widget_url":  "the page where a person chats as a client (web chat): public, as it is put on the business's site",
			"key":         "names the channel in its webhook and widget URLs; owners and admins only",
			"config":      "the settings that are not secret (a page id, the verify token to paste into the platform); owners and admins only",
			"secrets_set": "the names of the secrets that are set (never their values); owners and admins only",
			"missing_settings": "required settings to enter again: the key that sealed them was lost (beseda keys forget); " +
				"the channel is off until they are given; owners and admins only",
		}}),
	openapi.Describe(beseda.User{}, openapi.TypeDoc{
		Doc: "A manager. Of a colleague, a manager who does not hold users.manage sees only id and name (to add them to dialogs); " +
			"the rest shows to owners, admins and holders of users.manage, and of one's own account.",
		Fields: map[string]string{
			"email":        "not shown of colleagues to managers without users.manage",
			"role":         "not shown of colleagues to managers without users.manage",
			"permissions":  "grants beyond the role; not shown of colleagues to managers without users.manage",
			"workspace_id": "not shown of colleagues to managers without users.manage",
			"created_at":   "not shown of colleagues to managers without users.manage",
		}}),
	openapi.Describe(meJSON{}, openapi.TypeDoc{Name: "Me", Fields: map[string]string{"can": "every permission held, by role or grant"}}),
}
