-- The words of SQLite's search index, for prefix queries (issue 21). FTS5
-- answers "достав*" by merging the postings of every word that starts so
-- into one list before it can return the newest match: 651 ms at 3.2
-- million messages, growing with the table. The same words ORed ("доставк"
-- OR "доставлен" OR …) are walked newest first and stop after a page, but
-- FTS5 cannot list them from a read-only connection. search_terms keeps
-- them: every word any of the three indexes holds, as FTS5 folds it, written
-- by the batch that indexes it (store/search_index.go). A word whose rows
-- are gone stays; it then matches nothing. The index's words are copied
-- here from FTS5's own vocabulary.

-- +goose Up
CREATE TABLE search_terms (term TEXT PRIMARY KEY) WITHOUT ROWID;

CREATE VIRTUAL TABLE temp.messages_fts_terms USING fts5vocab(main, messages_fts, row);
CREATE VIRTUAL TABLE temp.subscribers_fts_terms USING fts5vocab(main, subscribers_fts, row);
CREATE VIRTUAL TABLE temp.dialogs_fts_terms USING fts5vocab(main, dialogs_fts, row);
INSERT OR IGNORE INTO search_terms (term)
    SELECT term FROM temp.messages_fts_terms
    UNION SELECT term FROM temp.subscribers_fts_terms
    UNION SELECT term FROM temp.dialogs_fts_terms;
DROP TABLE temp.messages_fts_terms;
DROP TABLE temp.subscribers_fts_terms;
DROP TABLE temp.dialogs_fts_terms;

-- +goose Down
DROP TABLE search_terms;
