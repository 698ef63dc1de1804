package app

import (
	"context"
	"sync"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/store"
)

// Routing assigns the clients' chats to managers (A1–A7): by hand, or from
// the queue by the workspace's policy, and keeps the managers' capacity and
// availability. Who is picked is decided by beseda.PickAssignee; this
// service makes it hold under races with the store's locks.
type Routing struct {
	*core
	seen seenMarks
}

// seenMarks remembers when this process last stored each manager's
// last_seen_at, so that a busy console writes it once a minute, not per
// request.
type seenMarks struct {
	mu sync.Mutex
	at map[int64]time.Time
}

// seenEvery is how often a manager's activity is stored: away (A3) is
// measured in minutes.
const seenEvery = time.Minute

// routeBatch is how many waiting chats one pass reads.
const routeBatch = 50

// Settings returns the workspace's routing policy. Every manager may read it.
func (a *Routing) Settings(ctx context.Context, actor *beseda.User) (*beseda.RoutingSettings, error) {
	return a.db.FindRoutingSettings(ctx, actor.WorkspaceID)
}

// UpdateSettings replaces the routing policy; needs users.manage (it decides
// who works on what). Waiting chats are routed at once under the new one.
func (a *Routing) UpdateSettings(ctx context.Context, actor *beseda.User, s beseda.RoutingSettings) (*beseda.RoutingSettings, error) {
	if err := actor.Require(beseda.PermUsersManage); err != nil {
		return nil, err
	}
	if s.AwayAfterMinutes == 0 {
		s.AwayAfterMinutes = beseda.DefaultAwayAfter
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	err := a.db.Update(ctx, func(tx *store.Tx) error {
		before, err := tx.FindRoutingSettings(ctx, actor.WorkspaceID)
		if err != nil {
			return err
		}
		if err := tx.SaveRoutingSettings(ctx, actor.WorkspaceID, &s); err != nil {
			return err
		}
		changes := beseda.AuditChanges(before, s)
		if len(changes) == 0 {
			return nil
		}
		return a.audit(ctx, tx, actor.WorkspaceID, actor, beseda.AuditSettingsChanged, AuditTarget{Kind: "routing"}, changes)
	})
	if err != nil {
		return nil, err
	}
	a.routeLater(ctx, actor.WorkspaceID)
	return &s, nil
}

// SetAvailability records the actor's availability (A3); becoming online
// takes waiting chats at once.
func (a *Routing) SetAvailability(ctx context.Context, actor *beseda.User, av beseda.Availability) error {
	if !av.Valid() {
		return beseda.Errorf(beseda.EINVALID, "availability must be online, away or offline")
	}
	err := a.db.Update(ctx, func(tx *store.Tx) error {
		return tx.SetAvailability(ctx, actor.WorkspaceID, actor.ID, av, a.now())
	})
	if err != nil {
		return err
	}
	a.sessions.forget(nil) // cached users carry their availability
	if av == beseda.Online {
		a.routeLater(ctx, actor.WorkspaceID)
	}
	return nil
}

// signedIn and signedOut set the manager online and offline (A3).
func (a *Routing) signedIn(ctx context.Context, u *beseda.User) {
	if err := a.SetAvailability(ctx, u, beseda.Online); err != nil {
		a.log.Error("set online on sign-in", "workspace", u.WorkspaceID, "user", u.ID, "err", err)
	}
}

func (a *Routing) signedOut(ctx context.Context, u *beseda.User) {
	if err := a.SetAvailability(ctx, u, beseda.Offline); err != nil {
		a.log.Error("set offline on sign-out", "workspace", u.WorkspaceID, "user", u.ID, "err", err)
	}
}

// SetCapacity sets how many open chats routing gives a manager (A5); needs
// the right to manage that user (H6).
func (a *Routing) SetCapacity(ctx context.Context, actor *beseda.User, userID int64, capacity int) error {
	if err := beseda.CheckCapacity(capacity); err != nil {
		return err
	}
	target, err := a.db.FindUserByID(ctx, actor.WorkspaceID, userID)
	if err != nil {
		return err
	}
	if err := beseda.CheckManage(actor, target, target.Role, target.Permissions); err != nil {
		return err
	}
	// The same entry as a capacity changed with the user (UpdateUser).
	if err := a.db.Update(ctx, func(tx *store.Tx) error {
		if err := tx.SetCapacity(ctx, actor.WorkspaceID, userID, capacity); err != nil {
			return err
		}
		if capacity == target.Capacity {
			return nil
		}
		return a.audit(ctx, tx, actor.WorkspaceID, actor, beseda.AuditUserChanged, AuditTarget{"user", userID},
			beseda.AuditChanges(map[string]any{"capacity": target.Capacity}, map[string]any{"capacity": capacity}))
	}); err != nil {
		return err
	}
	a.sessions.forget(nil)
	a.routeLater(ctx, actor.WorkspaceID)
	return nil
}

// seenNow notes that u did something signed in, at most once a minute per
// process, so that idleness can turn them away (A3).
func (a *Routing) seenNow(ctx context.Context, u *beseda.User) {
	now := a.now()
	a.seen.mu.Lock()
	if a.seen.at == nil {
		a.seen.at = map[int64]time.Time{}
	}
	last, ok := a.seen.at[u.ID]
	if ok && now.Sub(last) < seenEvery && !now.Before(last) {
		a.seen.mu.Unlock()
		return
	}
	a.seen.at[u.ID] = now
	a.seen.mu.Unlock()
	if err := a.db.TouchUserSeen(ctx, u.ID, now); err != nil {
		a.log.Error("note activity", "workspace", u.WorkspaceID, "user", u.ID, "err", err)
	}
	u.LastSeenAt = now
}

// present sets each user's availability to what it is now: an online
// manager idle too long is away (A3).
func (a *Routing) present(ctx context.Context, workspaceID int64, users ...*beseda.User) error {
	s, err := a.db.FindRoutingSettings(ctx, workspaceID)
	if err != nil {
		return err
	}
	now := a.now()
	for _, u := range users {
		u.Availability = beseda.EffectiveAvailability(u.Availability, u.LastSeenAt, now, awayAfter(s))
	}
	return nil
}

func awayAfter(s *beseda.RoutingSettings) time.Duration {
	return time.Duration(s.AwayAfterMinutes) * time.Minute
}

// Assign gives a client's chat to a manager of the workspace, or to nobody
// (assigneeID nil) (A6). Any manager may. A manager at their capacity takes
// no more (409 capacity_reached, A5), whoever assigns; availability is
// routing's concern, not a person's choice. Returns ENOTFOUND, ECAPACITY.
func (a *Routing) Assign(ctx context.Context, actor *beseda.User, subscriberID int64, assigneeID *int64) (*beseda.Subscriber, error) {
	var sub *beseda.Subscriber
	err := a.db.Update(ctx, func(tx *store.Tx) (err error) {
		if sub, err = tx.LockSubscriber(ctx, actor.WorkspaceID, subscriberID); err != nil {
			return err
		}
		if sameRef(sub.Assignee, assigneeID) {
			return nil
		}
		var to *beseda.Ref
		if assigneeID != nil {
			c, err := tx.LockAssignee(ctx, actor.WorkspaceID, *assigneeID)
			if err != nil {
				return err
			}
			if c.Open >= c.Capacity {
				return beseda.Errorf(beseda.ECAPACITY, "the manager has %d open chats, their capacity", c.Capacity)
			}
			u, err := tx.FindUserByID(ctx, actor.WorkspaceID, *assigneeID)
			if err != nil {
				return err
			}
			ref := u.Ref()
			to = &ref
		}
		ref := actor.Ref()
		return a.setAssignee(ctx, tx, sub, to, &ref, "")
	})
	if err != nil {
		return nil, err
	}
	if assigneeID == nil {
		a.routeLater(ctx, actor.WorkspaceID) // a place was freed
	}
	return sub, nil
}

func sameRef(r *beseda.Ref, id *int64) bool {
	return (r == nil && id == nil) || (r != nil && id != nil && r.ID == *id)
}

// setAssignee changes the chat's assignee on its locked row (and, for an
// assignee, theirs), and records it: the chat's history, the live event for
// every console, the webhook chat.assigned (A6).
func (a *core) setAssignee(ctx context.Context, tx *store.Tx, sub *beseda.Subscriber, to, actor *beseda.Ref, reason string) error {
	now := a.now()
	var id *int64
	if to != nil {
		id = &to.ID
	}
	if err := tx.SetAssignee(ctx, sub.ID, id, now); err != nil {
		return err
	}
	e := &beseda.ChatEvent{SubscriberID: sub.ID, Kind: beseda.ChatAssigned, Actor: actor, User: to, Reason: reason, CreatedAt: now}
	if to == nil {
		e.Kind, e.User = beseda.ChatUnassigned, sub.Assignee
	}
	if err := tx.AddChatEvent(ctx, sub.WorkspaceID, e); err != nil {
		return err
	}
	change := beseda.ChatAssignment{SubscriberID: sub.ID, Assignee: to, Previous: sub.Assignee}
	sub.Assignee, sub.WaitingSince = to, nil
	a.webhookEvent(ctx, tx, sub.WorkspaceID, beseda.WebhookChatAssigned, change)
	return a.emit(ctx, tx, sub.WorkspaceID, nil, beseda.LiveChatAssigned, change)
}

// releaseChat unassigns the client's chat when its dialog is completed: the
// case is over and the manager's place is free (A5). The caller holds the
// subscriber's lock.
func (a *core) releaseChat(ctx context.Context, tx *store.Tx, sub *beseda.Subscriber) error {
	if sub.Assignee == nil {
		return nil
	}
	if err := a.setAssignee(ctx, tx, sub, nil, nil, beseda.ReasonDialogCompleted); err != nil {
		return err
	}
	tx.AfterCommit(func() { a.app.Routing.routeLater(context.WithoutCancel(ctx), sub.WorkspaceID) })
	return nil
}

// ChatEvents returns a chat's history of assignment (A6).
func (a *Routing) ChatEvents(ctx context.Context, actor *beseda.User, subscriberID int64) ([]*beseda.ChatEvent, error) {
	if _, err := a.db.FindSubscriberByID(ctx, actor.WorkspaceID, subscriberID); err != nil {
		return nil, err
	}
	return a.db.FindChatEvents(ctx, actor.WorkspaceID, subscriberID)
}

// routeLater routes the workspace's waiting chats after a change that may
// let someone take them; a failure is logged (the periodic pass tries
// again).
func (a *Routing) routeLater(ctx context.Context, workspaceID int64) {
	if _, err := a.Route(ctx, workspaceID); err != nil {
		a.log.Error("route waiting chats", "workspace", workspaceID, "err", err)
	}
}

// RouteAll routes the waiting chats of every workspace (the periodic pass:
// it catches what changes without a request — business hours opening, a
// manager's idleness — and what a failed pass left).
func (a *Routing) RouteAll(ctx context.Context) (assigned int, err error) {
	ids, err := a.db.FindWorkspacesWaiting(ctx)
	if err != nil {
		return 0, err
	}
	for _, ws := range ids {
		n, err := a.Route(ctx, ws)
		if err != nil {
			return assigned, err
		}
		assigned += n
	}
	return assigned, nil
}

// Route assigns the workspace's waiting chats, oldest first, while its
// policy finds someone free, within business hours (A2, A4). Each
// assignment is a transaction that locks the chat and the manager and
// counts the manager's chats again: another process may have assigned
// either meanwhile, and then this one skips the chat or picks again (A5).
func (a *Routing) Route(ctx context.Context, workspaceID int64) (assigned int, err error) {
	s, err := a.db.FindRoutingSettings(ctx, workspaceID)
	if err != nil || s.Policy == beseda.RoutingManual {
		return 0, err
	}
	h, err := a.db.FindBusinessHours(ctx, workspaceID)
	if err != nil {
		return 0, err
	}
	sched, err := h.Schedule()
	if err != nil {
		return 0, err
	}
	now := a.now()
	if !sched.Open(now) {
		return 0, nil
	}
	for {
		waiting, err := a.db.FindWaitingChats(ctx, workspaceID, routeBatch)
		if err != nil || len(waiting) == 0 {
			return assigned, err
		}
		stored, err := a.db.FindRoutingCandidates(ctx, workspaceID)
		if err != nil {
			return assigned, err
		}
		cands := make([]beseda.Candidate, len(stored))
		for i, c := range stored {
			cands[i] = c.Candidate
			cands[i].Availability = beseda.EffectiveAvailability(beseda.Online, c.LastSeen, now, awayAfter(s))
		}
		for _, chat := range waiting {
			for {
				pick, ok := beseda.PickAssignee(s.Policy, cands)
				if !ok {
					return assigned, nil
				}
				i := indexOfCandidate(cands, pick)
				took, full, err := a.routeChat(ctx, workspaceID, chat, pick, s)
				if err != nil {
					return assigned, err
				}
				if full { // another process filled them: weigh the others
					cands[i].Open = cands[i].Capacity
					continue
				}
				if took {
					assigned++
					cands[i].Open++
					cands[i].LastAssigned = a.now()
				}
				break
			}
		}
		if len(waiting) < routeBatch {
			return assigned, nil
		}
	}
}

func indexOfCandidate(cands []beseda.Candidate, id int64) int {
	for i, c := range cands {
		if c.UserID == id {
			return i
		}
	}
	return -1
}

// routeChat assigns one waiting chat to the manager picked, if the chat
// still waits (took) and the manager is still free (else full).
func (a *Routing) routeChat(ctx context.Context, workspaceID, subscriberID, userID int64, s *beseda.RoutingSettings) (took, full bool, err error) {
	err = a.db.Update(ctx, func(tx *store.Tx) error {
		sub, err := tx.LockSubscriber(ctx, workspaceID, subscriberID)
		if err != nil || sub.Assignee != nil || sub.WaitingSince == nil {
			return err // taken meanwhile
		}
		c, err := tx.LockAssignee(ctx, workspaceID, userID)
		if err != nil {
			return err
		}
		c.Availability = beseda.EffectiveAvailability(c.Availability, c.LastSeen, a.now(), awayAfter(s))
		if !c.Takes() {
			full = true
			return nil
		}
		u, err := tx.FindUserByID(ctx, workspaceID, userID)
		if err != nil {
			return err
		}
		ref := u.Ref()
		took = true
		return a.setAssignee(ctx, tx, sub, &ref, nil, beseda.ReasonRouted)
	})
	return took && err == nil, full, err
}

// routeAfterInbound routes the chat's workspace after a client wrote in a
// chat without an assignee (A2); the message is stored whatever happens.
func (a *core) routeAfterInbound(ctx context.Context, sub *beseda.Subscriber) {
	if sub != nil && sub.Assignee == nil {
		a.app.Routing.routeLater(ctx, sub.WorkspaceID)
	}
}
