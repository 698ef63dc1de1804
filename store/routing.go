package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/beseda/beseda"
)

// FindRoutingSettings returns the workspace's routing policy; a workspace
// that never set one routes by hand.
func (r reader) FindRoutingSettings(ctx context.Context, workspaceID int64) (*beseda.RoutingSettings, error) {
	s := &beseda.RoutingSettings{Policy: beseda.RoutingManual, AwayAfterMinutes: beseda.DefaultAwayAfter}
	var policy string
	err := r.q.QueryRowContext(ctx, `SELECT policy, away_after_minutes FROM routing_settings WHERE workspace_id = $1`,
		workspaceID).Scan(&policy, &s.AwayAfterMinutes)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	} else if err != nil {
		return nil, fmt.Errorf("find routing settings: %w", err)
	}
	s.Policy = beseda.RoutingPolicy(policy)
	return s, nil
}

// SaveRoutingSettings replaces the workspace's routing policy.
func (tx *Tx) SaveRoutingSettings(ctx context.Context, workspaceID int64, s *beseda.RoutingSettings) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO routing_settings (workspace_id, policy, away_after_minutes) VALUES ($1, $2, $3)
		ON CONFLICT (workspace_id) DO UPDATE SET policy = $2, away_after_minutes = $3`,
		workspaceID, string(s.Policy), s.AwayAfterMinutes)
	if err != nil {
		return fmt.Errorf("save routing settings: %w", err)
	}
	return nil
}

// SetAvailability records what a manager set (or signing in or out set);
// it counts as being seen.
func (tx *Tx) SetAvailability(ctx context.Context, workspaceID, userID int64, a beseda.Availability, at time.Time) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE users SET availability = $1, last_seen_at = $2 WHERE id = $3 AND workspace_id = $4`,
		string(a), ms(at), userID, workspaceID)
	if err != nil {
		return fmt.Errorf("set availability: %w", err)
	}
	return nil
}

// SetCapacity records how many open chats routing gives a manager.
func (tx *Tx) SetCapacity(ctx context.Context, workspaceID, userID int64, capacity int) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE users SET capacity = $1 WHERE id = $2 AND workspace_id = $3`,
		capacity, userID, workspaceID)
	if err != nil {
		return fmt.Errorf("set capacity: %w", err)
	}
	return nil
}

// TouchUserSeen records that a manager did something signed in (A3).
func (db *DB) TouchUserSeen(ctx context.Context, userID int64, at time.Time) error {
	return db.Update(ctx, func(tx *Tx) error {
		_, err := tx.q.ExecContext(ctx, `UPDATE users SET last_seen_at = $1 WHERE id = $2`, ms(at), userID)
		return err
	})
}

// RoutingCandidate is a manager routing may give a chat, as stored: the
// caller decides their availability now (beseda.EffectiveAvailability).
type RoutingCandidate struct {
	beseda.Candidate
	LastSeen time.Time
}

// FindRoutingCandidates returns the workspace's managers who set themselves
// online and take chats, with their open chats counted (index
// subscribers_assignee).
func (r reader) FindRoutingCandidates(ctx context.Context, workspaceID int64) ([]RoutingCandidate, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT u.id, u.capacity, coalesce(u.last_seen_at, 0), coalesce(u.last_assigned_at, 0),
			(SELECT count(*) FROM subscribers s WHERE s.assignee_id = u.id)
		FROM users u WHERE u.workspace_id = $1 AND u.availability = 'online' AND u.capacity > 0
		ORDER BY u.id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("find routing candidates: %w", err)
	}
	defer rows.Close()
	var out []RoutingCandidate
	for rows.Next() {
		var c RoutingCandidate
		var seen, assigned int64
		if err := rows.Scan(&c.UserID, &c.Capacity, &seen, &assigned, &c.Open); err != nil {
			return nil, fmt.Errorf("find routing candidates: %w", err)
		}
		c.Availability = beseda.Online
		if seen != 0 {
			c.LastSeen = fromMS(seen)
		}
		if assigned != 0 {
			c.LastAssigned = fromMS(assigned)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// LockAssignee locks a manager's row until the transaction ends and counts
// their open chats after the lock: every assignment to the manager takes
// this lock first, so that two processes assigning at once see each other's
// chats and never exceed the capacity (A5). Returns ENOTFOUND.
func (tx *Tx) LockAssignee(ctx context.Context, workspaceID, userID int64) (RoutingCandidate, error) {
	var c RoutingCandidate
	var avail string
	var seen int64
	err := tx.q.QueryRowContext(ctx, `SELECT u.id, u.capacity, u.availability, coalesce(u.last_seen_at, 0)
		FROM users u WHERE u.id = $1 AND u.workspace_id = $2`+tx.forUpdate("u"), userID, workspaceID).
		Scan(&c.UserID, &c.Capacity, &avail, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return c, beseda.NotFound("user")
	} else if err != nil {
		return c, fmt.Errorf("lock assignee: %w", err)
	}
	c.Availability = beseda.Availability(avail)
	if seen != 0 {
		c.LastSeen = fromMS(seen)
	}
	// A statement of its own, after the lock: on PostgreSQL it sees what
	// the transaction that held the lock committed.
	if err := tx.q.QueryRowContext(ctx, `SELECT count(*) FROM subscribers WHERE assignee_id = $1`, userID).Scan(&c.Open); err != nil {
		return c, fmt.Errorf("lock assignee: %w", err)
	}
	return c, nil
}

// SetAssignee gives the chat its assignee (nil: none) and takes it out of the
// queue; the caller holds the subscriber's lock and, for an assignee, theirs
// (LockAssignee). An assignee's time of last assignment moves to at (round
// robin's order).
func (tx *Tx) SetAssignee(ctx context.Context, subscriberID int64, assigneeID *int64, at time.Time) error {
	if _, err := tx.q.ExecContext(ctx, `UPDATE subscribers SET assignee_id = $1, waiting_since = NULL WHERE id = $2`,
		assigneeID, subscriberID); err != nil {
		return fmt.Errorf("set assignee: %w", err)
	}
	if assigneeID != nil {
		if _, err := tx.q.ExecContext(ctx, `UPDATE users SET last_assigned_at = $1 WHERE id = $2`, ms(at), *assigneeID); err != nil {
			return fmt.Errorf("set assignee: %w", err)
		}
	}
	return nil
}

// FindWaitingChats returns the ids of the workspace's chats in the queue,
// oldest first (index subscribers_waiting).
func (r reader) FindWaitingChats(ctx context.Context, workspaceID int64, limit int) ([]int64, error) {
	return r.ids(ctx, `SELECT id FROM subscribers WHERE workspace_id = $1 AND waiting_since IS NOT NULL
		ORDER BY waiting_since, id LIMIT $2`, workspaceID, limit)
}

// FindWorkspacesWaiting returns the workspaces with chats in the queue
// (index subscribers_waiting).
func (r reader) FindWorkspacesWaiting(ctx context.Context) ([]int64, error) {
	return r.ids(ctx, `SELECT DISTINCT workspace_id FROM subscribers WHERE waiting_since IS NOT NULL ORDER BY workspace_id`)
}

func (r reader) ids(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := r.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// AddChatEvent records a change of a chat's assignment in its history (A6).
func (tx *Tx) AddChatEvent(ctx context.Context, workspaceID int64, e *beseda.ChatEvent) error {
	var actor, user any
	if e.Actor != nil {
		actor = e.Actor.ID
	}
	if e.User != nil {
		user = e.User.ID
	}
	err := tx.q.QueryRowContext(ctx, `INSERT INTO chat_events (workspace_id, subscriber_id, kind, actor_id, user_id, reason, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		workspaceID, e.SubscriberID, string(e.Kind), actor, user, e.Reason, ms(e.CreatedAt)).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("add chat event: %w", err)
	}
	return nil
}

// FindChatEvents returns a chat's history of assignment, oldest first
// (index chat_events_chat).
func (r reader) FindChatEvents(ctx context.Context, workspaceID, subscriberID int64) ([]*beseda.ChatEvent, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT e.id, e.kind, e.actor_id, coalesce(a.name, ''), e.user_id, coalesce(u.name, ''),
			e.reason, e.created_at
		FROM chat_events e LEFT JOIN users a ON a.id = e.actor_id LEFT JOIN users u ON u.id = e.user_id
		WHERE e.subscriber_id = $1 AND e.workspace_id = $2 ORDER BY e.id LIMIT 500`, subscriberID, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("find chat events: %w", err)
	}
	defer rows.Close()
	out := []*beseda.ChatEvent{}
	for rows.Next() {
		e := &beseda.ChatEvent{SubscriberID: subscriberID}
		var kind, actorName, userName string
		var actor, user sql.NullInt64
		var at int64
		if err := rows.Scan(&e.ID, &kind, &actor, &actorName, &user, &userName, &e.Reason, &at); err != nil {
			return nil, fmt.Errorf("find chat events: %w", err)
		}
		e.Kind, e.CreatedAt = beseda.ChatEventKind(kind), fromMS(at)
		if actor.Valid {
			e.Actor = &beseda.Ref{ID: actor.Int64, Name: actorName}
		}
		if user.Valid {
			e.User = &beseda.Ref{ID: user.Int64, Name: userName}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
