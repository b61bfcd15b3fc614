-- The people and systems that use the hub's API, their sessions, what they did.

CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    username      text NOT NULL UNIQUE,
    display_name  text NOT NULL,
    -- argon2id PHC string; never the password.
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('officer', 'operator', 'adapter')),
    -- An officer's office; NULL for operators and adapters.
    office        text,
    -- An adapter identity's country, or an operator's scope (NULL = every country).
    country       text,
    language      text NOT NULL DEFAULT 'en',
    created_at    timestamptz NOT NULL,
    CHECK (role <> 'officer' OR office IS NOT NULL),
    CHECK (role <> 'adapter' OR country IS NOT NULL)
);

CREATE TABLE sessions (
    -- SHA-256 of the bearer token; the token itself is never stored.
    token_hash bytea PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);

-- Append-only: who did what, when, from where, and how it ended.
CREATE TABLE audit_log (
    id         bigserial PRIMARY KEY,
    at         timestamptz NOT NULL,
    username   text,
    action     text NOT NULL,
    target     text,
    outcome    text NOT NULL,
    remote     text,
    detail     text
);
CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();

-- Officer actions by idempotency key: a retried request gets the first answer.
CREATE TABLE officer_actions (
    user_id         bigint NOT NULL REFERENCES users (id),
    idempotency_key text NOT NULL,
    request_hash    bytea NOT NULL,
    mrn             text NOT NULL,
    message_id      uuid NOT NULL,
    message_type    text NOT NULL,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (user_id, idempotency_key)
);
