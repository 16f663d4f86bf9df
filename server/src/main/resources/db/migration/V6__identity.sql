-- Identity: users, their API tokens and their viewer sessions. No secret is stored in clear: passwords as Argon2id
-- hashes (PHC strings), tokens and session ids (32 random bytes each) as SHA-256 digests.

-- A person (or a service such as a GeoServer cascading our WMS) who may sign in or hold tokens.
CREATE TABLE app_user (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login         text        NOT NULL UNIQUE CHECK (login ~ '^[a-z0-9][a-z0-9._@-]{0,63}$'),
    display_name  text        NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    role          text        NOT NULL CHECK (role IN ('admin', 'analyst', 'tasking')),
    partner       text        CHECK (partner ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
    -- Argon2id PHC string ($argon2id$v=19$m=...); null: no password sign-in (tokens only). The check keeps a
    -- password in clear out even if a bug tried to store one.
    password_hash text        CHECK (password_hash ~ '^.argon2id.v=19.m=[0-9]+,t=[0-9]+,p=[0-9]+.[A-Za-z0-9+/]+.[A-Za-z0-9+/]+$'),
    disabled      boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_login    timestamptz,
    -- a partner's analyst is tied to a partner: protocols grant levels per partner
    CHECK (role <> 'analyst' OR partner IS NOT NULL)
);

-- A bearer credential for scripts and GIS clients. The plaintext is shown once, at creation.
CREATE TABLE api_token (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint      NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_hash bytea       NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    -- the first characters of the token, so an owner can tell tokens apart; too short to help a guess
    prefix     text        NOT NULL CHECK (length(prefix) BETWEEN 4 AND 16),
    purpose    text,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz,
    last_used  timestamptz,
    revoked_at timestamptz
);
CREATE INDEX api_token_user_idx ON api_token (user_id);

-- A signed-in viewer. The cookie holds the session id; this row holds its digest.
CREATE TABLE user_session (
    id_hash    bytea       PRIMARY KEY CHECK (length(id_hash) = 32),
    user_id    bigint      NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    purpose    text,
    -- echoed by the page in X-CSRF-Token; worthless without the session cookie, so kept as issued
    csrf_token text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    last_seen  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX user_session_user_idx ON user_session (user_id);
CREATE INDEX user_session_expiry_idx ON user_session (expires_at);
