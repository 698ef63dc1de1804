// Package archtest holds no code, only tests: they check the rules of
// Beseda's shape that the compiler does not (STYLE.md: "a rule the code can
// check is a rule"). Which package may import or link which — the domain
// nothing of SQL, HTTP or the adapters; adapters point inward, never at each
// other nor at the store; the store nothing above it; the HTTP kit and the
// live hub no database — is a table of "never" pairs checked against
// `go list`. And no platform is named outside its channel package: the rest
// of Beseda knows channels only through the registry.
package archtest
