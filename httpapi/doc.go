// Package httpapi is Beseda's JSON API under /api/v1 (SPEC §3): routing,
// authentication, decoding, and the one table that maps error codes to HTTP
// statuses. It is thin: every handler decodes, calls one use case of app/ and
// encodes the result. No rule of the product is decided here.
package httpapi
