// Package httpx is the HTTP kit every surface of Beseda shares: the JSON API
// (httpapi), the console (web) and the channels' webhooks and widget
// (channel/…). It holds the plumbing those surfaces would otherwise take from
// each other:
//
//   - JSON in and out: strict decoding, the one error shape
//     {"error":{"code","message"}} and the table mapping the domain's error
//     codes to statuses, Retry-After;
//   - the request: its logger, the client's address behind trusted proxies,
//     ids in their canonical form (paths and queries), the report's query;
//   - sessions: the session cookie's name, safe methods, CSRF checks;
//   - uploads: the multipart file part and the answer to an upload;
//   - Server-Sent Events: streaming a live subscription cheaply.
//
// It knows no routes and calls no use cases, and it must import nothing but
// the domain: not store, app, live or any adapter (a test of
// internal/archtest checks it). What it needs of the live hub, a
// subscription, is an interface declared here.
package httpx
