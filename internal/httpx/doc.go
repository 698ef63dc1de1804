// Package httpx is the HTTP plumbing every surface of Beseda shares: the JSON
// API (httpapi), the console (web) and the channels' webhooks and widget
// (channel/…). It writes JSON and the one error shape
// {"error":{"code","message"}}, maps the domain's error codes to statuses in
// one table, decodes JSON bodies strictly, and carries the request's logger
// and client address. It knows no routes and no use cases, so that channel
// adapters point inward (to the domain and to this) rather than sideways into
// the JSON API.
package httpx
