-- The event log, partitioned by month of receipt, and append-only.
--
-- Every message the hub takes is a row here, and nothing ever changes one: the log only grows,
-- in time order. By month, each month's rows and indexes are a table of their own: a month
-- being written keeps its indexes small and in memory however long the log grows; the queries
-- over recent events (the risk leg times, `received_at` over the last days) read only the
-- months they cover; and an old month can leave whole (detached, dumped) instead of row by
-- row. Partitions are made ahead by the tracker (`tracker::event_months`: this month and the
-- next, at start and every hour); a row no month holds — restored from an archive of a month
-- no longer kept, or received by a clock set far off — lands in the default partition, so an
-- insert never fails for want of a month.
--
-- The sequence stays the log's order (live updates follow it); the primary key must include
-- the partition key, so it is (seq, received_at) — seq alone is still unique, as the sequence
-- gives each row its own.

ALTER TABLE movement_events RENAME TO movement_events_unpartitioned;
ALTER TABLE movement_events_unpartitioned RENAME CONSTRAINT movement_events_pkey TO movement_events_unpartitioned_pkey;
ALTER INDEX movement_events_mrn RENAME TO movement_events_unpartitioned_mrn;
ALTER INDEX movement_events_time RENAME TO movement_events_unpartitioned_time;
ALTER INDEX movement_events_refused RENAME TO movement_events_unpartitioned_refused;
ALTER INDEX movement_events_sender_time RENAME TO movement_events_unpartitioned_sender_time;
ALTER SEQUENCE movement_events_seq_seq OWNED BY NONE;

CREATE TABLE movement_events (
    LIKE movement_events_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
    PRIMARY KEY (seq, received_at)
) PARTITION BY RANGE (received_at);
CREATE TABLE movement_events_default PARTITION OF movement_events DEFAULT;

-- A month for every month already in the log, and for this month and the next.
DO $$
DECLARE
    m timestamptz;
BEGIN
    FOR m IN
        SELECT DISTINCT date_trunc('month', received_at, 'UTC') FROM movement_events_unpartitioned
        UNION SELECT date_trunc('month', now(), 'UTC')
        UNION SELECT date_trunc('month', now(), 'UTC') + interval '1 month'
    LOOP
        EXECUTE format(
            'CREATE TABLE %I PARTITION OF movement_events FOR VALUES FROM (%L) TO (%L)',
            'movement_events_' || to_char(m AT TIME ZONE 'UTC', 'YYYY_MM'),
            m,
            (m AT TIME ZONE 'UTC' + interval '1 month') AT TIME ZONE 'UTC');
    END LOOP;
END $$;

INSERT INTO movement_events SELECT * FROM movement_events_unpartitioned;
DROP TABLE movement_events_unpartitioned;
ALTER SEQUENCE movement_events_seq_seq OWNED BY movement_events.seq;

-- The same indexes as before (each serves a query: a movement's log, the accepted events by
-- time, the refused by time, a sender's events by time), made on every month.
CREATE INDEX movement_events_mrn ON movement_events (mrn, seq);
CREATE INDEX movement_events_time ON movement_events (event_time) WHERE outcome = 'accepted';
CREATE INDEX movement_events_refused ON movement_events (received_at DESC) WHERE outcome = 'rejected';
CREATE INDEX movement_events_sender_time ON movement_events (sender, event_time);

-- Append-only: an entry is never changed (the archive and a training class's reset take
-- whole movements out, which is why DELETE stays allowed).
CREATE FUNCTION movement_events_never_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the event log is append-only: an entry is never changed';
END $$;
CREATE TRIGGER movement_events_never_change BEFORE UPDATE ON movement_events
    FOR EACH ROW EXECUTE FUNCTION movement_events_never_change();
