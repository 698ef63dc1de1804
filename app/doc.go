// Package app holds Beseda's use cases: each combines the domain's rules with
// the store (and background jobs) in one transaction. The JSON API, the
// console and the messenger channels all call these; none re-implements a rule.
//
// Every use case that acts for a manager takes the acting *beseda.User first:
// it scopes what is visible to the manager's workspace (P3) and carries the
// permissions (P2).
package app
