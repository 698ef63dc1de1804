package app

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/beseda/beseda"
)

// Webhook delivery: each event is queued as one row per subscription
// (webhook_deliveries) in the transaction that caused it, and attempted
// after, by whoever leases it first: one sender at a time per delivery.
// Every attempt is recorded; failures are retried with growing waits
// (beseda.NextAfterFailure) for a day, then the delivery is given up.

const (
	// webhookLease outlasts an attempt (its timeout) with room to record it.
	webhookLease = time.Minute
	// webhookBatch deliveries are attempted at once by one sender.
	webhookBatch = 16
)

// DeliverWebhooks attempts the deliveries that are due, as holder, for
// about budget (attempts in flight are finished). more reports that due
// deliveries were left when the budget ran out.
func (a *Webhooks) DeliverWebhooks(ctx context.Context, holder string, budget time.Duration) (more bool, err error) {
	if a.cfg.Webhooks == nil {
		return false, nil
	}
	deadline := time.Now().Add(budget)
	for {
		now := a.now()
		batch, err := a.db.ClaimWebhookDeliveries(ctx, holder, now, now.Add(webhookLease), webhookBatch)
		if err != nil || len(batch) == 0 {
			return false, err
		}
		var wg sync.WaitGroup
		for _, c := range batch {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a.attemptWebhook(ctx, holder, c.WebhookDelivery, c.URL, c.Secret)
			}()
		}
		wg.Wait()
		if err := ctx.Err(); err != nil {
			return false, err
		}
		if len(batch) < webhookBatch {
			return false, nil
		}
		if time.Now().After(deadline) {
			return true, nil
		}
	}
}

// attemptWebhook posts a delivery once and records how it went.
func (a *Webhooks) attemptWebhook(ctx context.Context, holder string, d *beseda.WebhookDelivery, url string, secret []byte) {
	header := map[string]string{
		"Content-Type":       "application/json",
		"User-Agent":         "Beseda-Webhooks/1",
		"X-Beseda-Event":     string(d.Type),
		"X-Beseda-Delivery":  strconv.FormatInt(d.ID, 10),
		"X-Beseda-Signature": beseda.SignWebhook(secret, d.Body),
	}
	attempt := beseda.WebhookAttempt{At: a.now()}
	start := time.Now()
	status, excerpt, err := a.cfg.Webhooks.Post(ctx, url, header, d.Body)
	attempt.DurationMS = time.Since(start).Milliseconds()
	if ctx.Err() != nil {
		// Stopping: not an answer from the receiver. The lease runs out and
		// the delivery is attempted again.
		return
	}
	if err != nil {
		attempt.Error = err.Error()
	} else {
		attempt.StatusCode, attempt.Response = &status, excerpt
	}
	n := d.Attempts + 1
	next, result := (*time.Time)(nil), beseda.WebhookDelivered
	if !attempt.Succeeded() {
		at, giveUp := beseda.NextAfterFailure(d.CreatedAt, n, a.now())
		if giveUp {
			result = beseda.WebhookFailed
		} else {
			result, next = beseda.WebhookPending, &at
		}
	}
	recorded, rerr := a.db.RecordWebhookAttempt(context.WithoutCancel(ctx), d.ID, holder, attempt, result, next)
	log := a.log.With("workspace", d.WorkspaceID, "webhook", d.WebhookID, "delivery", d.ID, "type", d.Type, "attempt", n)
	switch {
	case rerr != nil:
		log.Error("webhook attempt not recorded", "err", rerr)
	case !recorded:
		log.Warn("webhook lease lost during an attempt; its new holder carries on")
	case result == beseda.WebhookFailed:
		log.Warn("webhook delivery given up", "status", status, "err", attempt.Error)
	case result == beseda.WebhookPending:
		log.Info("webhook attempt failed; retrying", "status", status, "err", attempt.Error, "next", next)
	default:
		log.Debug("webhook delivered", "status", status, "ms", attempt.DurationMS)
	}
}

// WebhookRetention is how long finished deliveries stay visible.
const WebhookRetention = 30 * 24 * time.Hour

// PruneWebhookDeliveries forgets deliveries finished longer ago than
// WebhookRetention.
func (a *Webhooks) PruneWebhookDeliveries(ctx context.Context) error {
	n, err := a.db.PruneWebhookDeliveries(ctx, a.now().Add(-WebhookRetention))
	if n > 0 {
		a.log.Info("old webhook deliveries pruned", "count", n)
	}
	return err
}
