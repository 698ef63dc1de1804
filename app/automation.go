package app

import (
	"context"
	"strings"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/store"
)

// Outbound sends a message from automation or an integration to a client,
// through the gate (G1): pending or sent, held, or dropped. A repeated
// idempotency key returns the first message and sends nothing. Needs
// automation.edit.
func (a *Automation) Outbound(ctx context.Context, actor *beseda.User, in beseda.Outbound) (*beseda.Message, bool, error) {
	if err := actor.Require(beseda.PermAutomationEdit); err != nil {
		return nil, false, err
	}
	if err := in.Validate(); err != nil {
		return nil, false, err
	}
	var m *beseda.Message
	replayed := false
	err := a.db.Update(ctx, func(tx *store.Tx) error {
		sub, err := tx.LockSubscriber(ctx, actor.WorkspaceID, in.SubscriberID)
		if err != nil {
			return err
		}
		if in.IdempotencyKey != "" {
			prev, err := tx.FindMessageByIdempotencyKey(ctx, actor.WorkspaceID, in.IdempotencyKey)
			if err == nil {
				if !in.Same(prev) {
					return beseda.Errorf(beseda.EIDEMPOTENCY, "idempotency_key %q was used for another message", in.IdempotencyKey)
				}
				m, replayed = prev, true
				return nil
			} else if beseda.ErrorCode(err) != beseda.ENOTFOUND {
				return err
			}
		}
		msg := beseda.MessageInput{Text: in.Text, AttachmentIDs: in.AttachmentIDs}
		if err := msg.Clean(a.textLimit(sub.ChannelKind)); err != nil {
			return err
		}
		m = &beseda.Message{WorkspaceID: sub.WorkspaceID, SubscriberID: sub.ID, ChannelID: sub.ChannelID,
			Direction: beseda.DirectionOut, Source: in.Source, Text: msg.Text, CreatedAt: a.now(),
			IdempotencyKey: in.IdempotencyKey}
		if in.Template != nil {
			if m.Fallback, err = a.resolveTemplate(ctx, tx, sub, *in.Template); err != nil {
				return err
			}
		}
		if err := a.claimAttachments(ctx, tx, beseda.ManagerOwner(actor), m, msg.AttachmentIDs); err != nil {
			return err
		}
		if err := a.out.Produce(ctx, tx, sub, m); err != nil {
			return err
		}
		attachClaimed(ctx, tx, m)
		return nil
	})
	if store.IsUniqueViolation(err) && in.IdempotencyKey != "" {
		// Two requests with one key raced; the other one won.
		prev, ferr := a.db.FindMessageByIdempotencyKey(ctx, actor.WorkspaceID, in.IdempotencyKey)
		if ferr != nil {
			return nil, false, ferr
		}
		if !in.Same(prev) {
			return nil, false, beseda.Errorf(beseda.EIDEMPOTENCY, "idempotency_key %q was used for another message", in.IdempotencyKey)
		}
		return prev, true, nil
	}
	return m, replayed, err
}

// automationLimit checks that the actor may manage automation and returns the
// text limits of the workspace's channels: automation may reach clients in
// any of them.
func (a *Automation) automationLimit(ctx context.Context, actor *beseda.User) ([]beseda.TextLimit, error) {
	if err := actor.Require(beseda.PermAutomationEdit); err != nil {
		return nil, err
	}
	channels, err := a.db.FindChannels(ctx, actor.WorkspaceID)
	if err != nil {
		return nil, err
	}
	var limits []beseda.TextLimit
	for _, c := range channels {
		limits = append(limits, a.textLimit(c.Kind))
	}
	return limits, nil
}

// CreateBroadcast starts a broadcast to the given clients, or to all of the
// workspace's; its messages are produced in the background in batches, each
// through the gate. Needs automation.edit.
func (a *Automation) CreateBroadcast(ctx context.Context, actor *beseda.User, in beseda.BroadcastCreate) (*beseda.Broadcast, error) {
	limit, err := a.automationLimit(ctx, actor)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(limit); err != nil {
		return nil, err
	}
	b := &beseda.Broadcast{Text: in.Text, AllSubscribers: in.SubscriberIDs == nil, CreatedAt: a.now()}
	var recipients []int64
	if in.SubscriberIDs != nil {
		recipients = *in.SubscriberIDs
	}
	err = a.db.Update(ctx, func(tx *store.Tx) error {
		if err := tx.CreateBroadcast(ctx, actor.WorkspaceID, b, actor.ID, recipients); err != nil {
			return err
		}
		return a.jobs.ProduceBroadcast(ctx, tx, b.ID)
	})
	if err != nil {
		return nil, err
	}
	a.log.Info("broadcast created", "workspace", actor.WorkspaceID, "broadcast", b.ID, "recipients", b.Total)
	return a.db.FindBroadcast(ctx, actor.WorkspaceID, b.ID)
}

// GetBroadcast returns a broadcast with its progress.
func (a *Automation) GetBroadcast(ctx context.Context, actor *beseda.User, id int64) (*beseda.Broadcast, error) {
	return a.db.FindBroadcast(ctx, actor.WorkspaceID, id)
}

// broadcastBatch is how many recipients one transaction of a broadcast covers.
const broadcastBatch = 1000

// ProduceBroadcast produces a broadcast's messages batch by batch, each batch
// in one transaction that also moves the broadcast's cursor, so a restart
// resumes where it stopped and nobody gets the broadcast twice. It works for
// up to budget and reports whether the broadcast is finished.
func (a *Automation) ProduceBroadcast(ctx context.Context, id int64, budget time.Duration) (bool, error) {
	deadline := time.Now().Add(budget)
	for {
		done := false
		err := a.db.Update(ctx, func(tx *store.Tx) error {
			c, err := tx.LockBroadcast(ctx, id)
			if err != nil || c.Done {
				done = err == nil
				return err
			}
			now := a.now()
			channels, err := tx.FindChannels(ctx, c.WorkspaceID)
			if err != nil {
				return err
			}
			batch, err := a.out.ProduceBroadcast(ctx, tx, beseda.BroadcastBatch{BroadcastID: id, WorkspaceID: c.WorkspaceID,
				AllSubscribers: c.AllSubscribers, Text: c.Text, After: c.Cursor, Limit: broadcastBatch, At: now}, channels)
			if err != nil {
				return err
			}
			if batch.Recipients == 0 {
				done = true
				return tx.AdvanceBroadcast(ctx, id, c.Cursor, 0, &now)
			}
			return tx.AdvanceBroadcast(ctx, id, batch.Last, batch.Recipients, nil)
		})
		if err != nil || done {
			return done, err
		}
		if time.Now().After(deadline) {
			return false, nil
		}
	}
}

// CreateFunnel adds a drip sequence. Needs automation.edit.
func (a *Automation) CreateFunnel(ctx context.Context, actor *beseda.User, in beseda.FunnelCreate) (*beseda.Funnel, error) {
	limit, err := a.automationLimit(ctx, actor)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(limit); err != nil {
		return nil, err
	}
	f := &beseda.Funnel{Name: in.Name, Steps: in.Steps, CreatedAt: a.now()}
	if err := a.db.Update(ctx, func(tx *store.Tx) error { return tx.CreateFunnel(ctx, actor.WorkspaceID, f) }); err != nil {
		return nil, err
	}
	return f, nil
}

// ListFunnels returns the workspace's funnels.
func (a *Automation) ListFunnels(ctx context.Context, actor *beseda.User) ([]*beseda.Funnel, error) {
	return a.db.FindFunnels(ctx, actor.WorkspaceID)
}

// Enrollment is a client's place in a funnel, as the API shows it.
type Enrollment struct {
	ID           int64     `json:"id"`
	FunnelID     int64     `json:"funnel_id"`
	SubscriberID int64     `json:"subscriber_id"`
	EnrolledAt   time.Time `json:"enrolled_at"`
	NextStep     int       `json:"next_step"`
	Finished     bool      `json:"finished"`
}

// EnrollInFunnel puts a client into a funnel: its first step is scheduled
// after its delay. A client already in the funnel stays where they are.
// Needs automation.edit.
func (a *Automation) EnrollInFunnel(ctx context.Context, actor *beseda.User, funnelID, subscriberID int64) (*Enrollment, bool, error) {
	if err := actor.Require(beseda.PermAutomationEdit); err != nil {
		return nil, false, err
	}
	f, err := a.db.FindFunnel(ctx, actor.WorkspaceID, funnelID)
	if err != nil {
		return nil, false, err
	}
	var e *store.Enrollment
	created := false
	err = a.db.Update(ctx, func(tx *store.Tx) error {
		if _, err := tx.LockSubscriber(ctx, actor.WorkspaceID, subscriberID); err != nil {
			return err
		}
		if e, created, err = tx.Enroll(ctx, f.ID, subscriberID, a.now()); err != nil || !created {
			return err
		}
		return a.jobs.FunnelStep(ctx, tx, e.ID, 0, e.EnrolledAt.Add(f.Steps[0].Delay()))
	})
	if err != nil {
		return nil, false, err
	}
	return &Enrollment{ID: e.ID, FunnelID: e.FunnelID, SubscriberID: e.SubscriberID, EnrolledAt: e.EnrolledAt,
		NextStep: e.NextStep, Finished: e.Finished}, created, nil
}

// ProduceFunnelStep produces a funnel step due at dueAt, through the gate, and
// schedules the next one. A step already produced is not produced again. If
// the step is not due yet by the application's clock (the job ran early), it
// returns how long to wait.
func (a *Automation) ProduceFunnelStep(ctx context.Context, enrollmentID int64, position int, dueAt time.Time) (time.Duration, error) {
	if wait := dueAt.Sub(a.now()); wait > 0 {
		return wait, nil
	}
	return 0, a.db.Update(ctx, func(tx *store.Tx) error {
		e, workspaceID, err := tx.LockEnrollment(ctx, enrollmentID)
		if err != nil {
			return err
		}
		if e.Finished || e.NextStep != position {
			return nil
		}
		f, err := tx.FindFunnel(ctx, workspaceID, e.FunnelID)
		if err != nil {
			return err
		}
		sub, err := tx.LockSubscriber(ctx, workspaceID, e.SubscriberID)
		if err != nil {
			return err
		}
		now := a.now()
		m := &beseda.Message{WorkspaceID: workspaceID, SubscriberID: sub.ID, ChannelID: sub.ChannelID,
			Direction: beseda.DirectionOut, Source: beseda.SourceFunnel, Text: f.Steps[position].Text, CreatedAt: now}
		if err := a.out.Produce(ctx, tx, sub, m); err != nil {
			return err
		}
		next := position + 1
		if next == len(f.Steps) {
			return tx.AdvanceEnrollment(ctx, e.ID, next, &now)
		}
		if err := tx.AdvanceEnrollment(ctx, e.ID, next, nil); err != nil {
			return err
		}
		return a.jobs.FunnelStep(ctx, tx, e.ID, next, now.Add(f.Steps[next].Delay()))
	})
}

// CreateSmartAnswer adds a keyword reply. Needs automation.edit.
func (a *Automation) CreateSmartAnswer(ctx context.Context, actor *beseda.User, in beseda.SmartAnswerCreate) (*beseda.SmartAnswer, error) {
	limit, err := a.automationLimit(ctx, actor)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(limit); err != nil {
		return nil, err
	}
	sa := &beseda.SmartAnswer{Keywords: in.Keywords, Answer: in.Answer, CreatedAt: a.now()}
	err = a.db.Update(ctx, func(tx *store.Tx) error { return tx.CreateSmartAnswer(ctx, actor.WorkspaceID, sa) })
	return sa, err
}

// ListSmartAnswers returns the workspace's keyword replies.
func (a *Automation) ListSmartAnswers(ctx context.Context, actor *beseda.User) ([]*beseda.SmartAnswer, error) {
	return a.db.FindSmartAnswers(ctx, actor.WorkspaceID)
}

// DeleteSmartAnswer removes a keyword reply. Needs automation.edit.
func (a *Automation) DeleteSmartAnswer(ctx context.Context, actor *beseda.User, id int64) error {
	if err := actor.Require(beseda.PermAutomationEdit); err != nil {
		return err
	}
	return a.db.Update(ctx, func(tx *store.Tx) error { return tx.DeleteSmartAnswer(ctx, actor.WorkspaceID, id) })
}

// smartAnswer replies to a client's message that contains a keyword, as AI
// support: through the gate, so it is dropped while a dialog is active.
func (a *Automation) smartAnswer(ctx context.Context, tx *store.Tx, sub *beseda.Subscriber, text string) error {
	answers, err := tx.FindSmartAnswers(ctx, sub.WorkspaceID)
	if err != nil || len(answers) == 0 {
		return err
	}
	match := beseda.MatchSmartAnswer(answers, text)
	if match == nil {
		return nil
	}
	answer := a.textLimit(sub.ChannelKind).Cut(match.Answer)
	m := &beseda.Message{WorkspaceID: sub.WorkspaceID, SubscriberID: sub.ID, ChannelID: sub.ChannelID,
		Direction: beseda.DirectionOut, Source: beseda.SourceAISupport, Text: strings.TrimSpace(answer), CreatedAt: a.now()}
	return a.out.Produce(ctx, tx, sub, m)
}
