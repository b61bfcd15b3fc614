-- Dead letters are the messages the hub refused (movement_events with outcome 'rejected'),
-- the records its database refused (poison_records) and those it could not read
-- (undecodable_records). An operator replays one after a fix (`sigmat dlq replay`, the
-- dashboard): it is published again to its country's to-hub topic and goes through the normal
-- path. Each dead letter is replayed at most once: this row says when and by whom, and
-- `published_at` stays empty until the broker took the record, so a replay interrupted
-- before that is finished by asking again.
CREATE TABLE dead_letter_replays (
    dead_letter  text PRIMARY KEY,          -- refused-<seq>, poison-<id>, undecodable-<id>
    message_id   uuid,
    topic        text NOT NULL,
    requested_at timestamptz NOT NULL,
    requested_by text NOT NULL,
    published_at timestamptz
);

-- The dead-letter list reads the newest refusals first.
CREATE INDEX movement_events_refused ON movement_events (received_at DESC) WHERE outcome = 'rejected';
