-- Records the hub's database (or the tracker) refused permanently while storing them: each is
-- kept here with the reason, its sender was answered and a copy went to the dead-letter topic,
-- and the rest of its batch was stored without it (services/tracker/src/intake.rs, "poison").
CREATE TABLE poison_records (
    id           bigserial PRIMARY KEY,
    topic        text NOT NULL,
    partition    integer NOT NULL,
    kafka_offset bigint NOT NULL,
    mrn          text,
    message_id   uuid,
    reason       text NOT NULL,
    payload      bytea NOT NULL,
    received_at  timestamptz NOT NULL,
    UNIQUE (topic, partition, kafka_offset)
);

-- An outbox record the broker refuses for good (too large, a topic that does not exist or
-- that the hub may not write) is set aside with the reason instead of holding up every record
-- behind it; `tracker outbox retry` puts it back in line after a fix.
ALTER TABLE outbox ADD COLUMN failed_at timestamptz, ADD COLUMN failure text;
DROP INDEX outbox_unpublished;
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_failed ON outbox (id) WHERE failed_at IS NOT NULL AND published_at IS NULL;
