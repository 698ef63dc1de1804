package app

import (
	"sync"
	"time"

	"github.com/beseda/beseda"
)

// sessionTTL is how long a checked token is believed without asking the
// database again. Every request of the API and the console is
// authenticated; most come from a few tokens, so this saves a round trip on
// nearly all of them. A token ended in this process (sign-out, a password
// or permission change) is forgotten at once; one ended by another process
// on the same PostgreSQL stops working here within the TTL.
const sessionTTL = 2 * time.Second

// maxSessions bounds the cache; when full it starts over.
const maxSessions = 10_000

type sessionCache struct {
	mu      sync.Mutex
	entries map[string]session // by token hash
}

type session struct {
	user      beseda.User
	csrf      string
	expiresAt time.Time // the token's own expiry
	checked   time.Time // when the database said so
}

func (c *sessionCache) get(hash []byte, kind string, now time.Time) (*beseda.User, string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.entries[kind+string(hash)]
	if !ok || now.Sub(s.checked) >= sessionTTL || !now.Before(s.expiresAt) || now.Before(s.checked) {
		return nil, "", false
	}
	u := s.user // a copy: callers may change theirs
	u.Permissions = append([]beseda.Permission(nil), s.user.Permissions...)
	return &u, s.csrf, true
}

func (c *sessionCache) put(hash []byte, kind string, u *beseda.User, csrf string, expiresAt, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= maxSessions {
		c.entries = map[string]session{}
	}
	s := session{user: *u, csrf: csrf, expiresAt: expiresAt, checked: now}
	s.user.Permissions = append([]beseda.Permission(nil), u.Permissions...)
	c.entries[kind+string(hash)] = s
}

// forget drops one token, or every token (nil) — after a change that may
// end sessions or change what a user may do.
func (c *sessionCache) forget(hash []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if hash == nil {
		c.entries = nil
		return
	}
	for _, kind := range []string{TokenAPI, TokenSession} {
		delete(c.entries, kind+string(hash))
	}
}
