-- A fallback period: an office, or a whole country's national system, declared unavailable by
-- an operator (NCTS's "system unavailability"). While it lasts, officers there record passages
-- and arrivals on the phone against the printed transit document; when it ends, the
-- reconciliation lists what was recorded in fallback, what reached the hub late, and what the
-- hub refused (conflicts), each already decided by the normal state machine.
CREATE TABLE fallbacks (
    id          uuid PRIMARY KEY,
    scope_kind  text NOT NULL CHECK (scope_kind IN ('office', 'country')),
    scope       text NOT NULL,            -- BFNGK001, or BF
    reason      text NOT NULL,
    started_at  timestamptz NOT NULL,
    started_by  text NOT NULL,
    ended_at    timestamptz,
    ended_by    text
);
CREATE INDEX fallbacks_open ON fallbacks (started_at) WHERE ended_at IS NULL;
-- The reconciliation reads a sender's events by time.
CREATE INDEX movement_events_sender_time ON movement_events (sender, event_time);
