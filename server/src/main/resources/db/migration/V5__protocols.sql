-- Data-sharing protocols: every version SafeMap has run under, and which version each load batch arrived under.

-- A protocol version, recorded the first time the server starts with it. A file whose text changes without a new
-- version number is refused at start: what a batch "arrived under" must mean one text.
CREATE TABLE protocol_version (
    feed        text        NOT NULL,
    version     integer     NOT NULL CHECK (version >= 1),
    sha256      text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    body        jsonb       NOT NULL,
    first_seen  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (feed, version)
);

-- Batches loaded before protocols existed keep a null version; the feeds report says so.
ALTER TABLE load_batch ADD COLUMN protocol_version integer;
