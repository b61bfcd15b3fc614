-- One-use tickets that open the live-update stream: EventSource cannot send an Authorization
-- header, and a session token in a URL ends up in proxy and server logs. A ticket lives 30 s,
-- opens one stream, and is kept only as its SHA-256.
CREATE TABLE stream_tickets (
    ticket_hash  bytea PRIMARY KEY,
    session_hash bytea NOT NULL REFERENCES sessions (token_hash) ON DELETE CASCADE,
    expires_at   timestamptz NOT NULL
);
