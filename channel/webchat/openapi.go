package webchat

import (
	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/httpx"
	"github.com/beseda/beseda/internal/openapi"
)

// The web chat's routes, as the API document shows them (see Register).

type sessionInput struct {
	Name   string `json:"name"`
	Locale string `json:"locale"`
}

type sessionAnswer struct {
	VisitorToken string `json:"visitor_token"`
	SubscriberID int64  `json:"subscriber_id"`
}

type messageInput struct {
	Text          string  `json:"text"`
	AttachmentIDs []int64 `json:"attachment_ids"`
	Locale        string  `json:"locale"`
}

type postbackInput struct {
	Payload string `json:"payload"`
	Locale  string `json:"locale"`
}

var _ = openapi.Add(
	openapi.Op{Route: "GET /widget/{key}", Tag: "Web chat", Summary: "The page where a person chats as a client",
		Response: "", ResponseType: "text/html", Errors: []int{404}},
	openapi.Op{Route: "GET /widget-static/", Tag: "Web chat", Summary: "The web chat page's script and styles",
		Response: "", ResponseType: "text/javascript", OtherTypes: []string{"text/css", "image/svg+xml"}, Errors: []int{404}},
	openapi.Op{Route: "POST /widget/{key}/sessions", Tag: "Web chat", Summary: "Start a chat as a new client: a visitor token",
		Description: "Limited per address (H4).", Body: sessionInput{}, Status: 201, Response: sessionAnswer{}, Errors: []int{404, 429}},
	openapi.Op{Route: "GET /widget/{key}/messages", Tag: "Web chat", Summary: "What the client sees of their chat",
		Description: "In the chat's order (held automation where it was released, see GET /api/v1/subscribers/{id}/messages); " +
			"an answered rating form marks the client's choice (buttons[].chosen).",
		Auth: openapi.Visitor, Query: []openapi.Param{{Name: "after", Schema: int64(0), Doc: "only those after this message in the chat's order"}},
		Response: []visibleMessage{}, Errors: []int{400, 404}},
	openapi.Op{Route: "POST /widget/{key}/messages", Tag: "Web chat", Summary: "Write as the client (W4)",
		Description: "A text, files the client uploaded (attachment_ids), or both.",
		Auth:        openapi.Visitor, Body: messageInput{}, Status: 201, Response: visibleMessage{}, Errors: []int{404}},
	openapi.Op{Route: "POST /widget/{key}/uploads", Tag: "Web chat", Summary: "Upload a file as the client, to attach to a message",
		Description: "multipart/form-data with the file in the field file; the type is told from the bytes. " +
			"The upload is this client's to attach, once. Limited per address (H4).",
		Auth: openapi.Visitor, Body: uploadForm{}, BodyType: "multipart/form-data", Status: 201, Response: httpx.UploadAnswer(&beseda.Upload{}),
		Errors: []int{404, 413, 429}},
	openapi.Op{Route: "POST /widget/{key}/postback", Tag: "Web chat", Summary: "Tap a button (a rating: R3)",
		Description: "A tap on a rating form answered before changes nothing (the first tap counts) and answers already_answered: true.",
		Auth:        openapi.Visitor, Body: postbackInput{}, Response: postbackAnswer{}, Errors: []int{404}},
	openapi.Op{Route: "GET /widget/{key}/events", Tag: "Web chat", Summary: "Server-Sent Events: bare \"changed\" signals, resumable with Last-Event-ID",
		Description: "A client keeps at most 5 streams open at once (per server process); one more ends the oldest, whose last event " +
			"is event: evicted (do not reconnect it on your own).",
		Auth: openapi.Visitor, Response: "", ResponseType: "text/event-stream", Errors: []int{404}},
)

var _ = []bool{
	openapi.Describe(visibleMessage{}, openapi.TypeDoc{Name: "VisitorMessage", Doc: "A message as the client sees it.",
		Fields: map[string]string{"attachments": "its files; each url is signed for this client and works for a day at least",
			"released_at": "for automation held during a dialog: when it reached the client, the time to show"}}),
	openapi.Describe(sessionInput{}, openapi.TypeDoc{Fields: map[string]string{
		"locale": "the browser's language (navigator.language); without it, Accept-Language. The client's standard messages speak it when they can"}}),
	openapi.Describe(messageInput{}, openapi.TypeDoc{Fields: map[string]string{
		"locale": "the browser's language, kept when it changed (as for sessions)"}}),
	openapi.Describe(postbackInput{}, openapi.TypeDoc{Fields: map[string]string{
		"locale": "the browser's language, kept when it changed (as for sessions)"}}),
	openapi.Describe(postbackAnswer{}, openapi.TypeDoc{Fields: map[string]string{
		"already_answered": "the tap was on a rating form the client had answered: nothing changed"}}),
}

// uploadForm is the multipart/form-data body of an upload.
type uploadForm struct {
	File openapi.File `json:"file"`
}
