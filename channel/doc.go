// Package channel connects Beseda to messengers. Each messenger has a package
// below this one (channel/<kind>: the web chat, and one per platform) that
// implements beseda.ChannelType — its settings, limits, pace, send window,
// sender and webhook — and the server registers it with one line. This package
// holds what they share: the webhook skeleton that serves
// /webhooks/{kind}/{key} for all of them (Webhooks), the calling of a
// platform's HTTP API with its failures sorted for the retry policy (API), and
// Meta's webhook signature and Graph API errors.
//
// No business rules live here or below: a channel turns a platform's request
// into events for app/, and a message of app/ into a request to the platform.
// Channel packages import the domain, app/, internal/httpx and this package,
// never the JSON API (httpapi), the console (web) or the store; the messenger
// channels not even app/ (internal/archtest checks it). docs/channels.md says
// how to add one.
package channel
