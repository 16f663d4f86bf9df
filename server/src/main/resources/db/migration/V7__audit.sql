-- Audit and retention: an append-only, HMAC-chained log of every access to partners' data (docs/audit-and-retention.md),
-- and what the retention purge has removed from each load batch.

-- One entry per access, refusal or purge. hash = HMAC-SHA256(audit key, prev_hash || canonical entry), computed by
-- the server (org.safemap.sharing.AuditChain), so someone who can write to the database but does not hold the key
-- cannot rewrite an entry, or the chain after it, without `safemap audit verify` noticing.
CREATE TABLE audit_log (
    seq          bigint      PRIMARY KEY CHECK (seq >= 1),  -- 1, 2, 3 ... without gaps: a gap is a deletion
    at           timestamptz NOT NULL,
    actor        text,                                      -- login, cli:<os user>, system:<task>; null: anonymous
    role         text        NOT NULL,                      -- admin, analyst, tasking, public
    partner      text,                                      -- the actor's partner
    via          text        NOT NULL,                      -- session, token, cli, schedule, anonymous
    purpose      text,                                      -- purpose code the actor declared
    action       text        NOT NULL,                      -- api.incidents, wms.getmap, export.points, pack ...
    resource     text        NOT NULL,                      -- path, layer or run and the parameters that matter
    feeds        jsonb       NOT NULL DEFAULT '{}',         -- feed -> protocol version in force (null: none)
    result_size  bigint,                                    -- records or cells returned; null when not counted
    outcome      text        NOT NULL CHECK (outcome IN ('ok', 'refused')),
    detail       jsonb       NOT NULL DEFAULT '{}',
    prev_hash    text        NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
    hash         text        NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$')
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_feeds_idx ON audit_log USING gin (feeds);   -- usage reports: entries touching a partner's feeds
CREATE INDEX audit_log_hash_idx ON audit_log (hash);               -- verify's diagnosis: where did this link go?

-- The chain's head: the last entry's number and hash. Appends lock this row (SELECT ... FOR UPDATE), so entries
-- from every process join one chain in one order; verify also compares it with the log's last entry.
CREATE TABLE audit_head (
    one  boolean PRIMARY KEY DEFAULT true CHECK (one),
    seq  bigint  NOT NULL,
    hash text    NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$')
);
INSERT INTO audit_head (one, seq, hash) VALUES (true, 0, repeat('0', 64));

-- Append-only, even for SafeMap's own database role. The database owner can disable or drop these triggers, which is
-- why the chain exists: what they then change, the chain shows.
CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_head_kept BEFORE DELETE OR TRUNCATE ON audit_head
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

-- The head only moves forward, one entry at a time.
CREATE FUNCTION audit_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.seq <> OLD.seq + 1 THEN
        RAISE EXCEPTION 'the audit head only moves to the next entry (% to %)', OLD.seq, NEW.seq
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION audit_head_forward();

-- Retention: records of a batch deleted so far, and when its last record (and its quarantined rows) went. The batch
-- row itself stays, so every audit entry and report can still name the file and protocol version it came under.
ALTER TABLE load_batch
    ADD COLUMN rows_purged integer NOT NULL DEFAULT 0 CHECK (rows_purged >= 0),
    ADD COLUMN purged_at   timestamptz;
