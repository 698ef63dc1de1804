// Package webchat is the web-chat channel: the client's side of a chat in a
// browser. It serves the widget's JSON API under /widget/{key}/… (sessions,
// messages, button postbacks) and the page at /widget/{key} where a person
// chats as a client. Visitors prove who they are with the server-issued token
// of their session (X-Visitor-Token).
package webchat
