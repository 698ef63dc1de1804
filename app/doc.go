// Package app holds Beseda's use cases: each combines the domain's rules with
// the store (and background jobs) in one transaction. The JSON API, the
// console and the messenger channels all call these; none re-implements a rule.
//
// The use cases are grouped in services along what they are for (Dialogs,
// Messages, Ratings, Users…), the fields of App; the server builds App once
// and its adapters call a service (a.Dialogs.CreateDialog). The services
// share a core: the store, the clock, the configuration, and the few
// helpers more than one of them needs (the dialog's history, live events,
// webhook events, production of outbound messages). The rules themselves are
// decided in the domain (sub.MayOpenDialog, d.RateByClient); a service
// applies them on the rows it locked.
//
// Every use case that acts for a manager takes the acting *beseda.User first:
// it scopes what is visible to the manager's workspace (P3) and carries the
// permissions (P2).
package app
