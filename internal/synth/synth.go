// Package synth fills a workspace with synthetic clients and dialogs, fast,
// for benchmarks and load tests: rows go in with multi-row INSERTs in large
// transactions, bypassing the use cases (which would take hours for a million
// dialogs). The data is shaped like real use: most dialogs completed and
// rated, a share active, reasons and components spread over them.
package synth

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/store"
)

// Spec says what to generate.
type Spec struct {
	WorkspaceID  int64
	ChannelID    int64
	UserIDs      []int64 // managers that create and take part in dialogs
	TypeIDs      []int64
	ReasonIDs    []int64
	ComponentIDs []int64

	Subscribers int // new clients
	Dialogs     int // dialogs spread over the new clients
	// ActiveShare is the share of clients (0..1) whose last dialog is active.
	ActiveShare float64
	// MessagesPerSubscriber adds that many messages to every new client's chat.
	MessagesPerSubscriber int
	// Start and End bound the creation times, spread evenly.
	Start, End time.Time
	Seed       uint64
	// SLA, if set, gives every dialog whose type has a policy an SLA clock
	// (PrepareSLA sets it).
	SLA *SLASetup
	// Progress, if set, hears how far a long run got (phase, rows done).
	Progress func(phase string, done int)
}

func (s Spec) progress(phase string, done int) {
	if s.Progress != nil {
		s.Progress(phase, done)
	}
}

type dialogRow struct {
	sub, created, completed int64
	status                  string
	typ, creator            int64
	account, client         any
	reason, component       int64
	title                   string
	sla                     *beseda.SLAClock
}

// Result tells what was made.
type Result struct {
	FirstSubscriberID int64
	Subscribers       int
	Dialogs           int
	Active            int
}

const batch = 500

// Generate inserts the rows of spec into db. It must be the only writer of
// the workspace while it runs: it relies on the ids of one multi-row INSERT
// being consecutive, which holds when nothing else inserts at the same time.
func Generate(ctx context.Context, db *store.DB, spec Spec) (Result, error) {
	if spec.Subscribers <= 0 || len(spec.UserIDs) == 0 || len(spec.TypeIDs) == 0 {
		return Result{}, fmt.Errorf("synth: need subscribers, users and types")
	}
	if spec.End.IsZero() {
		spec.End = time.Now().UTC()
	}
	if spec.Start.IsZero() {
		spec.Start = spec.End.AddDate(0, -6, 0)
	}
	rng := rand.New(rand.NewPCG(spec.Seed, spec.Seed^0x5eed))
	res := Result{Subscribers: spec.Subscribers, Dialogs: spec.Dialogs}
	span := spec.End.Sub(spec.Start)

	// Subscribers, in batches.
	var firstID int64
	prefix := fmt.Sprintf("synth-%d-", time.Now().UnixNano())
	for done := 0; done < spec.Subscribers; {
		n := min(batch, spec.Subscribers-done)
		args := make([]any, 0, n*7)
		for i := range n {
			k := done + i
			at := spread(spec.Start, span, k, spec.Subscribers).UnixMilli()
			name := firstNames[k%len(firstNames)] + " " + lastNames[(k/len(firstNames))%len(lastNames)]
			args = append(args, spec.WorkspaceID, spec.ChannelID, prefix+fmt.Sprint(k), name, strings.ToLower(name), at, at)
		}
		err := db.Update(ctx, func(tx *store.Tx) error {
			ids, err := tx.QueryIDs(ctx, `INSERT INTO subscribers (workspace_id, channel_id, external_id, name, name_key,
				created_at, last_message_at) VALUES `+tx.Values(n, 7)+` RETURNING id`, args...)
			if err != nil {
				return err
			}
			if firstID == 0 {
				firstID = minID(ids)
			}
			return nil
		})
		if err != nil {
			return res, fmt.Errorf("synth subscribers: %w", err)
		}
		done += n
		if done%100_000 == 0 {
			spec.progress("clients", done)
		}
	}
	res.FirstSubscriberID = firstID

	// Dialogs: each client gets Dialogs/Subscribers of them; only the last
	// dialog of an "active" client is active, the rest completed or paused.
	activeEvery := 0
	if spec.ActiveShare > 0 {
		activeEvery = max(1, int(1/spec.ActiveShare))
	}
	var sla *slaPlayer
	if spec.SLA != nil {
		var err error
		if sla, err = newSLAPlayer(spec.SLA, spec.Seed, spec.End); err != nil {
			return res, fmt.Errorf("synth sla: %w", err)
		}
	}
	flush := func(rows []dialogRow) error {
		if len(rows) == 0 {
			return nil
		}
		return db.Update(ctx, func(tx *store.Tx) error {
			args := make([]any, 0, len(rows)*12)
			for _, r := range rows {
				var completed any
				if r.completed > 0 {
					completed = r.completed
				}
				args = append(args, spec.WorkspaceID, r.sub, r.title, r.typ, r.status, r.creator, r.created, r.created,
					completed, r.account, r.client, r.client != nil)
			}
			ids, err := tx.QueryIDs(ctx, `INSERT INTO dialogs (workspace_id, subscriber_id, title, type_id, status,
				created_by, created_at, updated_at, completed_at, account_rating, client_rating, rating_form_sent)
				VALUES `+tx.Values(len(rows), 12)+` RETURNING id`, args...)
			if err != nil {
				return err
			}
			first := minID(ids)
			var largs, pargs, cargs []any
			for i, r := range rows {
				id := first + int64(i)
				pargs = append(pargs, id, r.creator, r.created)
				if r.reason > 0 {
					largs = append(largs, id, r.reason)
				}
				if r.component > 0 {
					cargs = append(cargs, id, r.component)
				}
			}
			if err := tx.Exec(ctx, `INSERT INTO dialog_participants (dialog_id, user_id, added_at) VALUES `+
				tx.Values(len(pargs)/3, 3), pargs...); err != nil {
				return err
			}
			if len(largs) > 0 {
				if err := tx.Exec(ctx, `INSERT INTO dialog_reason_links (dialog_id, reason_id) VALUES `+
					tx.Values(len(largs)/2, 2), largs...); err != nil {
					return err
				}
			}
			if len(cargs) > 0 {
				if err := tx.Exec(ctx, `INSERT INTO dialog_component_links (dialog_id, component_id) VALUES `+
					tx.Values(len(cargs)/2, 2), cargs...); err != nil {
					return err
				}
			}
			return insertSLA(ctx, tx, spec.WorkspaceID, first, rows)
		})
	}
	generate := func() error {
		var pending []dialogRow
		for k := 0; k < spec.Dialogs; k++ {
			subIndex := k % spec.Subscribers
			round := k / spec.Subscribers
			lastRound := (spec.Dialogs-1-subIndex)/spec.Subscribers == round
			created := spread(spec.Start, span, k, spec.Dialogs)
			r := dialogRow{sub: firstID + int64(subIndex), created: created.UnixMilli(),
				typ: spec.TypeIDs[rng.IntN(len(spec.TypeIDs))], creator: spec.UserIDs[rng.IntN(len(spec.UserIDs))],
				title: dialogTitle(rng)}
			switch {
			case lastRound && activeEvery > 0 && subIndex%activeEvery == 0:
				r.status = "active"
				res.Active++
			case rng.IntN(10) == 0:
				r.status = "paused"
			default:
				r.status = "completed"
				r.completed = created.Add(time.Duration(5+rng.IntN(600)) * time.Minute).UnixMilli()
				if rng.IntN(3) > 0 {
					r.account = 1 + rng.IntN(3)
				}
				if rng.IntN(2) == 0 {
					r.client = 1 + rng.IntN(3)
				}
			}
			if len(spec.ReasonIDs) > 0 && rng.IntN(2) == 0 {
				r.reason = spec.ReasonIDs[rng.IntN(len(spec.ReasonIDs))]
			}
			if len(spec.ComponentIDs) > 0 && rng.IntN(2) == 0 {
				r.component = spec.ComponentIDs[rng.IntN(len(spec.ComponentIDs))]
			}
			if sla != nil {
				r.sla = sla.play(&r)
			}
			pending = append(pending, r)
			if len(pending) == batch {
				if err := flush(pending); err != nil {
					return fmt.Errorf("synth dialogs: %w", err)
				}
				pending = pending[:0]
				if (k+1)%100_000 == 0 {
					spec.progress("dialogs", k+1)
				}
			}
		}
		if err := flush(pending); err != nil {
			return fmt.Errorf("synth dialogs: %w", err)
		}

		return nil
	}
	if err := withoutSLATriggers(ctx, db, generate); err != nil {
		return res, err
	}

	// Chat history.
	if spec.MessagesPerSubscriber > 0 {
		if err := withoutMessageIndex(ctx, db, func() error { return generateMessages(ctx, db, spec, rng, firstID) }); err != nil {
			return res, err
		}
	}
	return res, nil
}

// generateMessages writes MessagesPerSubscriber messages into every new
// client's chat, a minute apart from the client's creation time.
func generateMessages(ctx context.Context, db *store.DB, spec Spec, rng *rand.Rand, firstID int64) error {
	span := spec.End.Sub(spec.Start)
	for s := 0; s < spec.Subscribers; s += batch / 2 {
		n := min(batch/2, spec.Subscribers-s)
		err := db.Update(ctx, func(tx *store.Tx) error {
			var args []any
			for i := range n {
				sub := firstID + int64(s+i)
				for m := range spec.MessagesPerSubscriber {
					dir, src := "in", "client"
					if m%2 == 1 {
						dir, src = "out", "manager"
					}
					at := spread(spec.Start, span, s+i, spec.Subscribers).Add(time.Duration(m) * time.Minute)
					args = append(args, spec.WorkspaceID, sub, spec.ChannelID, dir, src, messageText(rng),
						"sent", at.UnixMilli())
				}
			}
			return tx.Exec(ctx, `INSERT INTO messages (workspace_id, subscriber_id, channel_id, direction, source, text, status, created_at)
					VALUES `+tx.Values(len(args)/8, 8), args...)
		})
		if err != nil {
			return fmt.Errorf("synth messages: %w", err)
		}
		if (s+n)%10_000 == 0 {
			spec.progress("messages", (s+n)*spec.MessagesPerSubscriber)
		}
	}
	return nil
}

// spread places item k of n evenly over span from start (in floating point:
// span × k overflows a Duration for a year and a million items).
func spread(start time.Time, span time.Duration, k, n int) time.Time {
	return start.Add(time.Duration(float64(span) * float64(k) / float64(n)))
}

func minID(ids []int64) int64 {
	m := ids[0]
	for _, id := range ids {
		m = min(m, id)
	}
	return m
}

var firstNames = []string{"Anna", "Boris", "Chen", "Dana", "Egor", "Fatima", "Gleb", "Hana", "Ivan", "Julia",
	"Kirill", "Lena", "Maxim", "Nina", "Oleg", "Polina", "Roman", "Sofia", "Timur", "Ulyana", "Vera", "Yuri", "Zoe"}
var lastNames = []string{"Petrova", "Ivanov", "Wei", "Smith", "Kuznetsov", "Sidorova", "Novak", "Garcia",
	"Popov", "Sokolova", "Lebedev", "Kozlova", "Morozov", "Volkova", "Pavlov", "Fedorova", "Orlov", "Kim"}
