-- Several instances of one country's adapter on one schema (behind one address): each says
-- what the national system did with it, and the one that reports to the hub (the leader:
-- `adapter_instances`) reports what the national system did with any of them. A row per
-- instance, written every link report interval; rows of instances gone quiet are passed over.
CREATE TABLE link_activity (
    instance     text PRIMARY KEY,
    seen_at      timestamptz NOT NULL,
    last_pull_at timestamptz,
    last_ack_at  timestamptz,
    last_push_at timestamptz,
    -- Records of the country's from-hub topic waiting for this instance's partitions.
    lag          bigint NOT NULL DEFAULT 0
);
