package beseda

import (
	"slices"
	"time"
)

// Routing of incoming chats (rules A1–A7, README): each client's chat has an
// assignee, a manager or none. A chat the client wrote in while it had none
// waits in the workspace's queue, oldest first, until the policy finds a
// manager who is online and below their capacity, within business hours.

// RoutingPolicy is how a workspace picks the assignee of a waiting chat.
type RoutingPolicy string

const (
	// RoutingManual: nobody is picked; managers take chats themselves.
	RoutingManual RoutingPolicy = "manual"
	// RoutingRoundRobin: the available manager assigned a chat longest ago.
	RoutingRoundRobin RoutingPolicy = "round_robin"
	// RoutingLeastBusy: the available manager with the fewest open chats.
	RoutingLeastBusy RoutingPolicy = "least_busy"
)

func (p RoutingPolicy) Valid() bool {
	return p == RoutingManual || p == RoutingRoundRobin || p == RoutingLeastBusy
}

// Availability is whether a manager takes chats now.
type Availability string

const (
	Online  Availability = "online"
	Away    Availability = "away"
	Offline Availability = "offline"
)

func (a Availability) Valid() bool { return a == Online || a == Away || a == Offline }

// DefaultCapacity is how many open chats a new manager takes; DefaultAwayAfter
// how long a manager may be idle before counting as away.
const (
	DefaultCapacity  = 10
	MaxCapacity      = 1000
	DefaultAwayAfter = 15 // minutes
	MaxAwayAfter     = 7 * 24 * 60
)

// ECAPACITY: the manager has as many open chats as their capacity (A5).
const ECAPACITY = "capacity_reached"

// RoutingSettings is a workspace's routing policy.
type RoutingSettings struct {
	Policy RoutingPolicy `json:"policy"`
	// AwayAfterMinutes: a manager who set themselves online but did
	// nothing in the console or the API this long is away (A3).
	AwayAfterMinutes int `json:"away_after_minutes"`
}

// Validate reports what is wrong with the settings.
func (s *RoutingSettings) Validate() error {
	if !s.Policy.Valid() {
		return Errorf(EINVALID, "policy must be manual, round_robin or least_busy")
	}
	if s.AwayAfterMinutes < 1 || s.AwayAfterMinutes > MaxAwayAfter {
		return Errorf(EINVALID, "away_after_minutes must be 1 to %d", MaxAwayAfter)
	}
	return nil
}

// CheckCapacity checks a capacity set for a manager.
func CheckCapacity(n int) error {
	if n < 0 || n > MaxCapacity {
		return Errorf(EINVALID, "capacity must be 0 to %d", MaxCapacity)
	}
	return nil
}

// EffectiveAvailability is a manager's availability now (A3): what they set,
// except that an online manager idle for awayAfter or longer is away. A
// manager who signs out is set offline.
func EffectiveAvailability(set Availability, lastSeen time.Time, now time.Time, awayAfter time.Duration) Availability {
	if set == Online && !lastSeen.IsZero() && now.Sub(lastSeen) >= awayAfter {
		return Away
	}
	if set == "" {
		return Offline
	}
	return set
}

// Candidate is a manager as routing weighs them.
type Candidate struct {
	UserID       int64
	Availability Availability // effective, now
	Capacity     int
	Open         int       // chats assigned to them now
	LastAssigned time.Time // zero: never
}

// Takes reports whether the candidate may get one more chat (A4, A5).
func (c Candidate) Takes() bool { return c.Availability == Online && c.Open < c.Capacity }

// PickAssignee decides whom a waiting chat goes to (A4): among the managers
// online and below their capacity, round robin takes the one assigned a chat
// longest ago (never first), least busy the one with the fewest open chats
// (ties: assigned longest ago); the lower id breaks what is left, so that the
// choice is the same in every process. Manual picks nobody, and so does a
// workspace with nobody free: the chat waits.
func PickAssignee(policy RoutingPolicy, cands []Candidate) (int64, bool) {
	if policy != RoutingRoundRobin && policy != RoutingLeastBusy {
		return 0, false
	}
	free := slices.DeleteFunc(slices.Clone(cands), func(c Candidate) bool { return !c.Takes() })
	if len(free) == 0 {
		return 0, false
	}
	best := slices.MinFunc(free, func(a, b Candidate) int {
		if policy == RoutingLeastBusy && a.Open != b.Open {
			return a.Open - b.Open
		}
		if c := a.LastAssigned.Compare(b.LastAssigned); c != 0 {
			return c
		}
		return int(a.UserID - b.UserID)
	})
	return best.UserID, true
}

// ChatEventKind names a change of a chat's assignment in its history (A6).
type ChatEventKind string

const (
	ChatAssigned   ChatEventKind = "assigned"   // to Data.User; by Actor, or by routing (nil)
	ChatUnassigned ChatEventKind = "unassigned" // from Data.From's user
)

// ChatEvent is one entry of a chat's history: who assigned it to whom.
type ChatEvent struct {
	ID           int64         `json:"id"`
	SubscriberID int64         `json:"subscriber_id"`
	Kind         ChatEventKind `json:"kind"`
	Actor        *Ref          `json:"actor"` // nil: routing, or the system
	User         *Ref          `json:"user"`  // the new assignee, or the one unassigned
	Reason       string        `json:"reason,omitempty"`
	CreatedAt    time.Time     `json:"created_at"`
}

// Reasons of a change of assignment made by the system.
const (
	ReasonRouted          = "routed"           // the policy picked the manager
	ReasonDialogCompleted = "dialog_completed" // the case is over: the chat frees its place
)

// ChatAssignment is the data of the live event and the webhook chat.assigned:
// the chat and its assignee now (nil: none).
type ChatAssignment struct {
	SubscriberID int64 `json:"subscriber_id"`
	Assignee     *Ref  `json:"assignee"`
	Previous     *Ref  `json:"previous"`
}
