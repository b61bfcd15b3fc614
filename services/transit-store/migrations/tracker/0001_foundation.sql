-- The hub's durable state. One schema per deployment (search_path set by the service).

-- Inbox: every message id the tracker has processed, with a hash of its canonical content,
-- so a redelivery is dropped and a reused id with different content is refused (error 26).
CREATE TABLE inbox (
    message_id   uuid PRIMARY KEY,
    content_hash bytea NOT NULL,
    received_at  timestamptz NOT NULL
);

-- One row per movement: the current state, and the full movement as JSON.
CREATE TABLE movements (
    mrn                text PRIMARY KEY,
    state              text NOT NULL,
    departure_office   text NOT NULL,
    destination_office text NOT NULL,
    arrival_time_limit timestamptz NOT NULL,
    movement           jsonb NOT NULL,
    version            bigint NOT NULL,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL
);
CREATE INDEX movements_state ON movements (state);

-- The immutable event log: every message about a movement, accepted or refused, with both
-- the time it happened and the time the hub received it.
CREATE TABLE movement_events (
    seq          bigserial PRIMARY KEY,
    mrn          text NOT NULL,
    message_id   uuid NOT NULL,
    message_type text NOT NULL,
    sender       text NOT NULL,
    event_time   timestamptz NOT NULL,
    received_at  timestamptz NOT NULL,
    outcome      text NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
    state_after  text,
    error_code   smallint,
    reason       text,
    message      jsonb NOT NULL
);
CREATE INDEX movement_events_mrn ON movement_events (mrn, seq);

-- Records the hub could not even decode (no MRN to file them under): kept, never dropped.
CREATE TABLE undecodable_records (
    id          bigserial PRIMARY KEY,
    topic       text NOT NULL,
    partition   integer NOT NULL,
    kafka_offset bigint NOT NULL,
    reason      text NOT NULL,
    payload     bytea NOT NULL,
    received_at timestamptz NOT NULL,
    UNIQUE (topic, partition, kafka_offset)
);

-- Outbox: records to publish, written in the same transaction as the state they follow from.
CREATE TABLE outbox (
    id           bigserial PRIMARY KEY,
    message_id   uuid NOT NULL,
    topic        text NOT NULL,
    record_key   text NOT NULL,
    headers      jsonb NOT NULL,
    payload      bytea NOT NULL,
    created_at   timestamptz NOT NULL,
    published_at timestamptz,
    UNIQUE (topic, message_id)
);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
