package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/beseda/beseda"
)

// RecordDeliveryState records a platform's report of how far messages got
// (beseda.StatusReport) and returns the messages it changed, whole. The
// states only go forward, so a report delivered again, or late, changes
// nothing: delivered sets delivered_at once and only before read; read sets
// read_at once (and delivered_at, if that report never came); failed fails
// a sent message that was neither delivered nor read. The messages are the
// one of the channel tagged rep.MessageID, or, when subscriberID is given,
// the client's outgoing ones named by the platform's ids or sent up to the
// watermark (the client's chat, index messages_chat).
func (tx *Tx) RecordDeliveryState(ctx context.Context, channelID, subscriberID int64, rep beseda.StatusReport, at time.Time) ([]*beseda.Message, error) {
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	var set, guard string
	switch rep.State {
	case beseda.DeliveryDelivered:
		set, guard = `delivered_at = `+arg(ms(at)), `delivered_at IS NULL`
	case beseda.DeliveryRead:
		now := arg(ms(at))
		set, guard = `read_at = `+now+`, delivered_at = coalesce(delivered_at, `+now+`)`, `read_at IS NULL`
	case beseda.DeliveryFailed:
		set, guard = `status = 'failed', reason = `+arg(rep.Reason), `delivered_at IS NULL AND read_at IS NULL`
	default:
		return nil, nil // sent: ConfirmSent's business
	}
	which := `channel_id = ` + arg(channelID)
	switch {
	case rep.MessageID > 0:
		which += ` AND id = ` + arg(rep.MessageID)
	case subscriberID > 0 && (rep.Watermark != nil || len(rep.ExternalIDs) > 0):
		var or []string
		if rep.Watermark != nil {
			or = append(or, `sent_at <= `+arg(ms(*rep.Watermark)))
		}
		if len(rep.ExternalIDs) > 0 {
			ids := make([]string, len(rep.ExternalIDs))
			for i, id := range rep.ExternalIDs {
				ids[i] = arg(id)
			}
			or = append(or, `external_id IN (`+strings.Join(ids, ", ")+`)`)
		}
		which += ` AND subscriber_id = ` + arg(subscriberID) + ` AND direction = 'out' AND (` + strings.Join(or, " OR ") + `)`
	default:
		return nil, nil
	}
	rows, err := tx.q.QueryContext(ctx, `UPDATE messages SET `+set+` WHERE status = 'sent' AND `+guard+`
		AND `+which+` RETURNING id`, args...)
	if err != nil {
		return nil, fmt.Errorf("record delivery state: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("record delivery state: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return nil, err
	}
	in, inArgs := tx.inIDs("m.id", 1, ids)
	return tx.findMessages(ctx, `SELECT `+messageColumns+` FROM messages m WHERE `+in+` ORDER BY m.id`, inArgs...)
}
