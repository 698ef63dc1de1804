// Package beseda is the domain of Beseda: support dialogs inside the chats a
// business has with its clients (subscribers) on chat platforms and in a web
// chat. Each platform is a channel package (channel/<kind>) that the server
// registers; this package names none of them.
//
// Reading this package tells the whole business: workspaces (tenants) and their
// managers with roles and permissions, subscribers and channels, messages in the
// general chat and in dialogs, the dialog status machine, the automation gate,
// ratings, tasks and notifications. The rules of SPEC.md (C1…, S1…, W1…, G1…,
// R1…, P1…, L1…) are decided here, as plain functions and methods.
//
// This package must not import SQL, HTTP or messenger code. Storage lives in
// store/, use cases that combine the domain with storage in app/, transports in
// httpapi/, web/ and channel/.
package beseda
