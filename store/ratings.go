package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/beseda/beseda"
)

// FindStandardTexts returns the texts the workspace changed, by language;
// the languages it did not change are not in the map.
func (r reader) FindStandardTexts(ctx context.Context, workspaceID int64) (map[beseda.Locale]beseda.StandardMessages, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT locale, rating_prompt, caption_bad, caption_normal, caption_excellent, thank_you
		FROM standard_message_texts WHERE workspace_id = $1`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("find standard messages: %w", err)
	}
	defer rows.Close()
	out := map[beseda.Locale]beseda.StandardMessages{}
	for rows.Next() {
		var l string
		var m beseda.StandardMessages
		if err := rows.Scan(&l, &m.RatingPrompt, &m.CaptionBad, &m.CaptionNormal, &m.CaptionExcellent, &m.ThankYou); err != nil {
			return nil, fmt.Errorf("find standard messages: %w", err)
		}
		out[beseda.Locale(l)] = m
	}
	return out, rows.Err()
}

// SaveStandardMessages stores the workspace's texts in one language.
func (tx *Tx) SaveStandardMessages(ctx context.Context, workspaceID int64, l beseda.Locale, m beseda.StandardMessages, at time.Time) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO standard_message_texts (workspace_id, locale, rating_prompt, caption_bad,
			caption_normal, caption_excellent, thank_you, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (workspace_id, locale) DO UPDATE SET rating_prompt = $3, caption_bad = $4, caption_normal = $5,
			caption_excellent = $6, thank_you = $7, updated_at = $8`,
		workspaceID, string(l), m.RatingPrompt, m.CaptionBad, m.CaptionNormal, m.CaptionExcellent, m.ThankYou, ms(at))
	if err != nil {
		return fmt.Errorf("save standard messages: %w", err)
	}
	return nil
}

// FindClientRatings returns the clients' ratings of those of the dialogs
// that have one, by dialog.
func (r reader) FindClientRatings(ctx context.Context, workspaceID int64, dialogIDs []int64) (map[int64]int, error) {
	out := map[int64]int{}
	if len(dialogIDs) == 0 {
		return out, nil
	}
	in, args := r.inIDs("id", 2, dialogIDs)
	rows, err := r.q.QueryContext(ctx, `SELECT id, client_rating FROM dialogs
		WHERE workspace_id = $1 AND client_rating IS NOT NULL AND `+in, append([]any{workspaceID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("find client ratings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var rating int
		if err := rows.Scan(&id, &rating); err != nil {
			return nil, fmt.Errorf("find client ratings: %w", err)
		}
		out[id] = rating
	}
	return out, rows.Err()
}

// FailRatingForm marks the form of the dialog whose rating form is the
// message as not sent, with the reason, and returns that dialog (0 if the
// message is no rating form).
func (tx *Tx) FailRatingForm(ctx context.Context, messageID int64, reason string) (int64, error) {
	var dialogID int64
	err := tx.q.QueryRowContext(ctx, `UPDATE dialogs SET rating_form_sent = $1, rating_form_error = $2
		WHERE rating_form_message_id = $3 RETURNING id`, false, reason, messageID).Scan(&dialogID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("fail rating form: %w", err)
	}
	return dialogID, nil
}
