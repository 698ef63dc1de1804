-- The ids of the keys that sealed the database's secrets (store.KeyID: the
-- first bytes of a key's SHA-256, never the key), so that a server that
-- lacks one can say which at once, and `beseda keys list` what each seals.
-- Every write that seals records its key; re-sealing and forgetting a key
-- drop the ids nothing is sealed with any more. Filled here from the values
-- already sealed ("sealed:v1:KEYID:…").

-- +goose Up
CREATE TABLE secret_keys (
    key_id TEXT PRIMARY KEY
);
INSERT INTO secret_keys (key_id)
SELECT DISTINCT substr(config, 11, 8) FROM channels WHERE config LIKE 'sealed:v1:%'
UNION
SELECT DISTINCT substr(secret, 11, 8) FROM webhooks WHERE secret LIKE 'sealed:v1:%';

-- +goose Down
DROP TABLE secret_keys;
