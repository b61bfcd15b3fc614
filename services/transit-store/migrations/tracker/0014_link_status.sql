-- The latest report of each country's adapter on its national link (backlog, push failures,
-- last pull and acknowledgement, consumer lag: schemas/events/v1/link-status.schema.json),
-- from which the API raises the operators' link alerts. A report older than the one kept is
-- ignored (reports of two adapter instances may cross).
CREATE TABLE link_status (
    country     text PRIMARY KEY,
    reported_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL,
    report      jsonb NOT NULL
);
