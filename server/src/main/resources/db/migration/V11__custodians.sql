-- Custodians in control of their feed (docs/data-sharing.md): who loaded each batch, the rows of quarantine as
-- the partner sent them (sealed for the feed's custodians only), and requests to reload protocols and feeds.

-- Who loaded the batch: a login, or cli:<os user> for the command line; and how they signed in (session,
-- token 'name', cli). Batches loaded before SafeMap recorded loaders keep nulls, and reports say "not recorded".
ALTER TABLE load_batch
    ADD COLUMN loaded_by  text,
    ADD COLUMN loaded_via text;

-- For a feed whose protocol pseudonymises linkage fields, raw_record holds the row with keyed hashes in their place;
-- raw_sealed holds the row as sent, encrypted (AES-256-GCM, base64 of nonce and ciphertext) under the linkage key,
-- which is kept outside the database (var/secrets/linkage.key or SAFEMAP_LINKAGE_KEY). Reading the database gives
-- the ciphertext only; SafeMap opens it for the feed's own custodians and admins. Null for feeds without linkage
-- fields (raw_record is then the row as sent) and for rows loaded before sealing existed.
ALTER TABLE quarantine ADD COLUMN raw_sealed text;

-- `safemap protocols reload` asks running servers to re-read the protocols and feeds folders: each server polls
-- for rows newer than the last it handled, reloads, and the first to finish writes the outcome here for the CLI.
CREATE TABLE catalogue_reload (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    requested_at timestamptz NOT NULL DEFAULT now(),
    requested_by text        NOT NULL,
    done_at      timestamptz,
    outcome      text        CHECK (outcome IN ('reloaded', 'unchanged', 'refused')),
    message      text
);
