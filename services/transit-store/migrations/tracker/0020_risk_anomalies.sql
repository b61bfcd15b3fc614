-- Risk anomalies for the dashboard: the leg times the tracker last read (so the API can tell
-- which movements are overdue on their current leg), and the open red movements, newest
-- change first.
CREATE TABLE risk_leg_times (
    from_office text NOT NULL,
    to_office   text NOT NULL,
    p90_hours   double precision NOT NULL,
    trips       bigint NOT NULL,
    read_at     timestamptz NOT NULL,
    PRIMARY KEY (from_office, to_office)
);
CREATE INDEX movements_red ON movements (updated_at DESC) WHERE lane = 'red';
