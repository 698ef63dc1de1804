package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/beseda/beseda"
)

// SQLite's search index is written in batches (migrations 00094, 00096):
// IndexSearch brings the FTS5 tables up to date with the rows added since
// the last batch, which are those above the table's mark in
// search_indexed_upto, and with the rows noted in search_pending by the
// writes that changed or deleted rows at or below it. PostgreSQL's index is
// written with each row and has nothing to catch up with.

// searchSource is one FTS5 table and what it indexes of its table's rows;
// kind is the number search_pending's triggers note the table's rows by.
type searchSource struct {
	kind  int
	table string
	body  string // the indexed text, of the row aliased x
	where string // which rows have words at all
}

var searchSources = []searchSource{
	{kind: 1, table: "messages", body: "x.text", where: "x.text <> ''"},
	{kind: 2, table: "subscribers", body: "x.name || ' ' || x.external_id", where: "1"},
	{kind: 3, table: "dialogs", body: "x.title", where: "1"},
}

// SearchIndexBatch is how many noted rows of a table one IndexSearch
// indexes, in one transaction: the periodic job's batch and a search's.
const SearchIndexBatch = 2000

// IndexSearch indexes up to batch noted rows and up to batch new rows of
// each searched table, in one transaction that also clears their notes and
// moves the table's mark past them, and tells how many it indexed and
// whether more wait. A crash leaves either the batch with its notes
// cleared and its marks moved, or none of it. On PostgreSQL it does nothing.
func (db *DB) IndexSearch(ctx context.Context, batch int) (indexed int, more bool, err error) {
	if db.dialect != SQLite {
		return 0, false, nil
	}
	if pending, err := db.searchPending(ctx); err != nil || !pending {
		return 0, false, err
	}
	err = db.Update(ctx, func(tx *Tx) error {
		indexed, more = 0, false
		for _, s := range searchSources {
			n, left, err := tx.indexSearchNotes(ctx, s, batch)
			if err != nil {
				return fmt.Errorf("index %s for search: %w", s.table, err)
			}
			added, addedLeft, err := tx.indexSearchNew(ctx, s, batch)
			if err != nil {
				return fmt.Errorf("index new %s for search: %w", s.table, err)
			}
			indexed, more = indexed+n+added, more || left || addedLeft
		}
		return nil
	})
	return indexed, more, err
}

// searchPending tells whether any row waits to be indexed, noted or above
// its table's mark: one read of the reader pool, so that an idle database
// costs its writer nothing.
func (db *DB) searchPending(ctx context.Context) (bool, error) {
	var pending bool
	err := db.ro.QueryRowContext(ctx, searchPendingQuery).Scan(&pending)
	if err != nil {
		return false, fmt.Errorf("search pending: %w", err)
	}
	return pending, nil
}

var searchPendingQuery = func() string {
	q := `SELECT EXISTS (SELECT 1 FROM search_pending)`
	for _, s := range searchSources {
		q += fmt.Sprintf(` OR EXISTS (SELECT 1 FROM %s WHERE id > (SELECT row_id FROM search_indexed_upto WHERE kind = %d))`,
			s.table, s.kind)
	}
	return q
}()

// indexSearchNotes indexes the first batch noted rows of one table: the
// words an earlier state of each row left in the index go, the row's current
// words (if the row is still there) come in, and the notes go.
func (tx *Tx) indexSearchNotes(ctx context.Context, s searchSource, batch int) (n int, more bool, err error) {
	// The batch is the noted rows up to the batch-th row id; a row after
	// it says more wait.
	rows, err := tx.q.QueryContext(ctx, `SELECT row_id FROM search_pending WHERE kind = $1 ORDER BY row_id LIMIT 2 OFFSET $2`,
		s.kind, batch-1)
	if err != nil {
		return 0, false, err
	}
	var beyond []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, false, err
		}
		beyond = append(beyond, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, false, err
	}
	bound := `p.kind = $1`
	args := []any{s.kind}
	if len(beyond) > 0 {
		bound, args, more = `p.kind = $1 AND p.row_id <= $2`, append(args, beyond[0]), len(beyond) > 1
	}
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM `+s.table+`_fts WHERE rowid IN
		(SELECT p.row_id FROM search_pending p WHERE `+bound+` AND p.indexed = 1)`, args...); err != nil {
		return 0, false, err
	}
	noted, cond := `search_pending p JOIN `+s.table+` x ON x.id = p.row_id`, bound+` AND `+s.where
	res, err := tx.q.ExecContext(ctx, `INSERT INTO `+s.table+`_fts (rowid, body)
		SELECT x.id, beseda_search_text(`+s.body+`) FROM `+noted+` WHERE `+cond, args...)
	if err != nil {
		return 0, false, err
	}
	if err := tx.addSearchTerms(ctx, res, s, noted, cond, args...); err != nil {
		return 0, false, err
	}
	res, err = tx.q.ExecContext(ctx, `DELETE FROM search_pending AS p WHERE `+bound, args...)
	if err != nil {
		return 0, false, err
	}
	cleared, err := res.RowsAffected()
	if err != nil {
		return 0, false, err
	}
	return int(cleared), more, nil
}

// indexSearchNew indexes the first batch rows of one table above its mark,
// as they are now, and moves the mark to the last of them (to the table's
// last row when fewer wait). Nothing above the mark is in the index or
// noted, so the rows need no deleting first.
func (tx *Tx) indexSearchNew(ctx context.Context, s searchSource, batch int) (n int, more bool, err error) {
	// The mark, the batch's last id and the one after it (nil when fewer
	// wait), and the table's last id.
	var upto int64
	var last, next, lastRow sql.NullInt64
	if err := tx.q.QueryRowContext(ctx, `SELECT u.row_id,
			(SELECT x.id FROM `+s.table+` x WHERE x.id > u.row_id ORDER BY x.id LIMIT 1 OFFSET $2),
			(SELECT x.id FROM `+s.table+` x WHERE x.id > u.row_id ORDER BY x.id LIMIT 1 OFFSET $2 + 1),
			(SELECT max(x.id) FROM `+s.table+` x)
		FROM search_indexed_upto u WHERE u.kind = $1`, s.kind, batch-1).Scan(&upto, &last, &next, &lastRow); err != nil {
		return 0, false, err
	}
	if !last.Valid {
		if !lastRow.Valid || lastRow.Int64 <= upto {
			return 0, false, nil
		}
		last = lastRow
	}
	above := `x.id > $1 AND x.id <= $2 AND ` + s.where
	res, err := tx.q.ExecContext(ctx, `INSERT INTO `+s.table+`_fts (rowid, body)
		SELECT x.id, beseda_search_text(`+s.body+`) FROM `+s.table+` x WHERE `+above, upto, last.Int64)
	if err != nil {
		return 0, false, err
	}
	if err := tx.addSearchTerms(ctx, res, s, s.table+` x`, above, upto, last.Int64); err != nil {
		return 0, false, err
	}
	added, err := res.RowsAffected()
	if err != nil {
		return 0, false, err
	}
	if _, err := tx.q.ExecContext(ctx, `UPDATE search_indexed_upto SET row_id = $1 WHERE kind = $2`, last.Int64, s.kind); err != nil {
		return 0, false, err
	}
	return int(added), next.Valid, nil
}

// addSearchTerms adds to search_terms (migration 00097) the words that the
// rows of from (tables, the row's aliased x) where cond bring to the index,
// so that a prefix finds them (reader.ftsPrefixes). indexed is the result
// of adding those rows to the index: none added, no words to add.
func (tx *Tx) addSearchTerms(ctx context.Context, indexed sql.Result, s searchSource, from, cond string, args ...any) error {
	if n, err := indexed.RowsAffected(); err != nil || n == 0 {
		return err
	}
	_, err := tx.q.ExecContext(ctx, `INSERT OR IGNORE INTO search_terms (term)
		SELECT DISTINCT t.value FROM `+from+` JOIN json_each(beseda_search_terms(`+s.body+`)) t WHERE `+cond, args...)
	return err
}

// Search finds messages, clients and dialogs (reader.Search), after
// indexing on SQLite whatever was written before it and waits for the
// periodic batch: a search finds every row written before it.
func (db *DB) Search(ctx context.Context, f beseda.SearchFilter) (beseda.SearchPage, error) {
	for more := true; more; {
		var err error
		if _, more, err = db.IndexSearch(ctx, SearchIndexBatch); err != nil {
			return beseda.SearchPage{}, err
		}
	}
	return db.reader.Search(ctx, f)
}
