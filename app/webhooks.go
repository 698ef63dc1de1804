package app

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/store"
)

// WebhookClient posts outgoing webhooks and checks where they may go;
// webhook/ implements it with an HTTP client that refuses private addresses
// also at dial time.
type WebhookClient interface {
	// CheckURL refuses (EINVALID) a URL whose host is, or resolves to, an
	// address that is not public, unless the server allows private ones.
	CheckURL(ctx context.Context, rawURL string) error
	// Post sends one attempt and returns the answer's status and the start
	// of its body, or why no answer came (within beseda.WebhookTimeout).
	Post(ctx context.Context, url string, header map[string]string, body []byte) (status int, excerpt string, err error)
}

// webhooks is what the use cases keep in memory about webhooks: which
// workspaces have subscriptions, so that a commit wakes delivery only where
// there may be something to deliver. It may lag behind other processes;
// the periodic delivery job makes up for that.
type webhooks struct {
	mu     sync.RWMutex
	hooked map[int64]bool
	wake   func()
}

// SetWebhookWake connects delivery: wake is called after a transaction that
// queued events for a workspace with subscriptions commits. It must not
// block.
func (a *App) SetWebhookWake(wake func()) {
	a.hooks.mu.Lock()
	a.hooks.wake = wake
	a.hooks.mu.Unlock()
}

// RefreshWebhookWorkspaces reads which workspaces have subscriptions.
func (a *Webhooks) RefreshWebhookWorkspaces(ctx context.Context) error {
	ids, err := a.db.WorkspacesWithWebhooks(ctx)
	if err != nil {
		return err
	}
	hooked := make(map[int64]bool, len(ids))
	for _, id := range ids {
		hooked[id] = true
	}
	a.hooks.mu.Lock()
	a.hooks.hooked = hooked
	a.hooks.mu.Unlock()
	return nil
}

func (a *Webhooks) setHooked(workspaceID int64) {
	a.hooks.mu.Lock()
	if a.hooks.hooked == nil {
		a.hooks.hooked = map[int64]bool{}
	}
	a.hooks.hooked[workspaceID] = true
	a.hooks.mu.Unlock()
}

// webhookEvent reports an event to the workspace's subscriptions: when the
// use case is done, the event's body is built from what it holds (the
// dialog or message as the API answers it) and one delivery per subscribed
// subscription is queued as a deferred write — no round trip of its own,
// nothing when nobody subscribes. Delivery is woken after the commit.
func (a *core) webhookEvent(ctx context.Context, tx *store.Tx, workspaceID int64, t beseda.WebhookEventType, data any) {
	ev := beseda.WebhookEvent{ID: "evt_" + a.newKey(), Type: t, CreatedAt: a.now(), WorkspaceID: workspaceID}
	tx.BeforeCommit(func() error {
		body, err := webhookBody(ev, data)
		if err != nil {
			return err
		}
		tx.QueueWebhookEvent(ctx, workspaceID, ev.ID, t, body, ev.CreatedAt)
		return nil
	})
	a.hooks.mu.RLock()
	wake := a.hooks.wake
	hooked := a.hooks.hooked[workspaceID]
	a.hooks.mu.RUnlock()
	if hooked && wake != nil {
		tx.AfterCommit(wake)
	}
}

// webhookBody marshals an event with its data as the API answers it: a
// dialog's reasons and components sorted as the store reads them back, and
// a new dialog's participants by id (see CreateDialog).
func webhookBody(ev beseda.WebhookEvent, data any) ([]byte, error) {
	if d, ok := data.(*beseda.Dialog); ok {
		c := *d
		c.Reasons, c.Components, c.Participants = slices.Clone(d.Reasons), slices.Clone(d.Components), slices.Clone(d.Participants)
		sortDialogRefs(&c)
		if ev.Type == beseda.WebhookDialogCreated {
			slices.SortFunc(c.Participants, func(a, b beseda.Ref) int { return cmp.Compare(a.ID, b.ID) })
		}
		data = &c
	}
	raw, err := marshal(data)
	if err != nil {
		return nil, fmt.Errorf("webhook %s: %w", ev.Type, err)
	}
	ev.Data = raw
	return marshal(ev)
}

// marshal encodes as the API does (no HTML escaping), so that data is the
// API's JSON byte for byte.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// ListWebhooks returns the workspace's subscriptions. Needs
// integrations.manage.
func (a *Webhooks) ListWebhooks(ctx context.Context, actor *beseda.User) ([]*beseda.Webhook, error) {
	if err := actor.Require(beseda.PermIntegrationsManage); err != nil {
		return nil, err
	}
	return a.db.FindWebhooks(ctx, actor.WorkspaceID)
}

// GetWebhook returns one subscription. Needs integrations.manage.
func (a *Webhooks) GetWebhook(ctx context.Context, actor *beseda.User, id int64) (*beseda.Webhook, error) {
	if err := actor.Require(beseda.PermIntegrationsManage); err != nil {
		return nil, err
	}
	return a.db.FindWebhook(ctx, actor.WorkspaceID, id)
}

// CreateWebhook subscribes a URL to events. The URL's host must be public
// (checked here by resolving it, and again whenever a delivery connects).
// Needs integrations.manage.
func (a *Webhooks) CreateWebhook(ctx context.Context, actor *beseda.User, in beseda.WebhookCreate) (*beseda.Webhook, error) {
	if err := actor.Require(beseda.PermIntegrationsManage); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if a.cfg.Webhooks == nil {
		return nil, fmt.Errorf("create webhook: no webhook client configured")
	}
	if err := a.cfg.Webhooks.CheckURL(ctx, in.URL); err != nil {
		return nil, err
	}
	w := &beseda.Webhook{WorkspaceID: actor.WorkspaceID, URL: in.URL, Events: in.Events, Secret: []byte(in.Secret),
		CreatedAt: a.now()}
	err := a.db.Update(ctx, func(tx *store.Tx) error {
		existing, err := tx.FindWebhooks(ctx, actor.WorkspaceID)
		if err != nil {
			return err
		}
		if len(existing) >= beseda.WebhooksMax {
			return beseda.Errorf(beseda.EINVALID, "a workspace has at most %d webhooks; remove one first", beseda.WebhooksMax)
		}
		if err := tx.CreateWebhook(ctx, w, actor.ID); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor.WorkspaceID, actor, beseda.AuditWebhookCreated, AuditTarget{"webhook", w.ID},
			beseda.AuditChanges(nil, map[string]any{"url": w.URL, "events": w.Events, "secret": string(w.Secret)}))
	})
	if err != nil {
		return nil, err
	}
	a.setHooked(actor.WorkspaceID)
	a.log.Info("webhook created", "workspace", actor.WorkspaceID, "webhook", w.ID, "by", actor.ID)
	return w, nil
}

// DeleteWebhook removes a subscription with its deliveries. Needs
// integrations.manage.
func (a *Webhooks) DeleteWebhook(ctx context.Context, actor *beseda.User, id int64) error {
	if err := actor.Require(beseda.PermIntegrationsManage); err != nil {
		return err
	}
	err := a.db.Update(ctx, func(tx *store.Tx) error {
		w, err := tx.FindWebhook(ctx, actor.WorkspaceID, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteWebhook(ctx, actor.WorkspaceID, id); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor.WorkspaceID, actor, beseda.AuditWebhookDeleted, AuditTarget{"webhook", id},
			beseda.AuditChanges(map[string]any{"url": w.URL, "events": w.Events}, nil))
	})
	if err != nil {
		return err
	}
	a.log.Info("webhook removed", "workspace", actor.WorkspaceID, "webhook", id, "by", actor.ID)
	return nil
}

// WebhookDeliveriesShown is how many of a subscription's latest deliveries
// are listed.
const WebhookDeliveriesShown = 20

// WebhookDeliveries returns a subscription's latest deliveries with their
// attempts, newest first. Needs integrations.manage.
func (a *Webhooks) WebhookDeliveries(ctx context.Context, actor *beseda.User, id int64, limit int) ([]*beseda.WebhookDelivery, error) {
	if _, err := a.GetWebhook(ctx, actor, id); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 100 {
		limit = WebhookDeliveriesShown
	}
	return a.db.FindWebhookDeliveries(ctx, id, limit)
}

// SendTestWebhook queues a test event to one subscription, delivered (and
// retried) like any other. Needs integrations.manage.
func (a *Webhooks) SendTestWebhook(ctx context.Context, actor *beseda.User, id int64) (*beseda.WebhookDelivery, error) {
	w, err := a.GetWebhook(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	ev := beseda.WebhookEvent{ID: "evt_" + a.newKey(), Type: beseda.WebhookTest, CreatedAt: a.now(), WorkspaceID: w.WorkspaceID}
	body, err := webhookBody(ev, beseda.WebhookTestData{WebhookID: w.ID, Message: "A test event from Beseda: this webhook works."})
	if err != nil {
		return nil, err
	}
	var d *beseda.WebhookDelivery
	err = a.db.Update(ctx, func(tx *store.Tx) (err error) {
		d, err = tx.QueueWebhookDelivery(ctx, w, ev.ID, ev.Type, body, ev.CreatedAt)
		return err
	})
	if err != nil {
		return nil, err
	}
	a.setHooked(w.WorkspaceID)
	a.hooks.mu.RLock()
	wake := a.hooks.wake
	a.hooks.mu.RUnlock()
	if wake != nil {
		wake()
	}
	return d, nil
}
