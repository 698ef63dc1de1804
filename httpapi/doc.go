// Package httpapi is Beseda's JSON API under /api/v1 (SPEC §3): routing,
// authentication and the handlers. It is thin: every handler decodes, calls
// one use case of app/ and encodes the result, with the HTTP kit the console
// and the channels share (internal/httpx: JSON, the one error shape and its
// status table, sessions and CSRF, uploads, event streams). No rule of the
// product is decided here, and nothing here is for another adapter: web and
// channel/… never import this package (internal/archtest checks it).
package httpapi
