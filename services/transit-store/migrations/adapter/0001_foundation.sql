-- One country adapter's durable state. One schema per adapter.

-- Messages from the hub for this country's offices, kept until the national system
-- acknowledges them. message_id is unique: a redelivered record is stored once.
CREATE TABLE deliveries (
    seq          bigserial PRIMARY KEY,
    message_id   uuid NOT NULL UNIQUE,
    message_type text NOT NULL,
    mrn          text NOT NULL,
    recipient    text NOT NULL,
    message      jsonb NOT NULL,
    received_at  timestamptz NOT NULL,
    acked_at     timestamptz
);
CREATE INDEX deliveries_pending ON deliveries (seq) WHERE acked_at IS NULL;

-- Everything the national system sent that the adapter refused, with the answer it got.
CREATE TABLE refusals (
    id          bigserial PRIMARY KEY,
    received_at timestamptz NOT NULL,
    channel     text NOT NULL,
    reason      text NOT NULL,
    payload     bytea NOT NULL
);
