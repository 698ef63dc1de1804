// Package outbox is the home of outgoing messages. Its Outbox produces them
// (one message, or a broadcast's batch) through the automation gate
// (beseda.Gate: held, dropped, or to send), holds and releases them in
// order, and shows them at once where the client sees what is stored (the
// web chat). Its Engine takes pending messages to the clients:
// one deliverer per channel at a time under a lease, paced per channel and per
// chat, every chat in order, retries with backoff, a sweep that restarts
// delivery nobody is doing, and recovery of sends that were in flight when a
// deliverer died. The message row is the queue: pending → sent, or failed
// with a reason.
//
// The protocol (SPEC §5):
//   - Producers store messages as pending and, after their commit, Wake the
//     engine for the channel. They touch no row shared by the clients of a
//     channel (D1). Waking costs no SQL while this process delivers the
//     channel; otherwise it starts a deliverer: a goroutine of this engine,
//     never a queued job that a dead process could leave blocking the channel.
//   - A deliverer holds the channel's lease (Leases); only deliverers
//     touch it. A chat's next message goes only after the previous one is sent
//     or failed.
//   - A message is claimed by one conditional UPDATE (sending_at from NULL,
//     still pending) in a transaction that checks the lease is still held and
//     unexpired. Every wait (pacing, a rate limit's retry_after, backoff) is
//     cut into slices well below the lease's lifetime, the lease is renewed
//     between them, and a message is claimed afresh after any wait: a
//     deliverer that lost its lease never sends (D2).
//   - A deliverer that takes a lease puts back the channel's messages still
//     marked in flight (their sender died): on a platform that reports what
//     it took (beseda.SendConfirmer) each waits for that report and is sent
//     again only without it; elsewhere each is sent again at once, marked
//     resent. None is lost.
//   - On PostgreSQL a holder's death drops its lease at once (an advisory
//     lock on a session of its own); on SQLite the one process frees the
//     leases of its previous run at start. Either way the start-up sweep
//     resumes delivery at once (D3).
//
// All time comes from the injected clock: pacing, backoff, retry_after, lease
// expiry and a run's work budget. Tests move the clock; nothing here sleeps.
//
// Storage stays in package store behind the interfaces declared here (Tx,
// Store, Leases), which store's types implement; the outbox names no store
// type. What happened is told through Events, which app implements (live
// events, a rating form that could not go out), in the transaction of the
// change.
//
// What it must not do: decide what a message may say (a channel's rules),
// decide the gate other than by beseda.Gate, record live events or webhooks
// by itself, know about channel kinds (senders and per-kind checks come from
// the registry), import app or store, or keep a queue of its own besides the
// messages table.
package outbox
