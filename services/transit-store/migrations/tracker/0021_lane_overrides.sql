-- A movement's lane set by an operator at one country's offices, over the lane the rules
-- scored: the latest per movement and country (each one is also in the audit log).
CREATE TABLE lane_overrides (
    mrn         text NOT NULL,
    country     text NOT NULL,
    lane        text NOT NULL CHECK (lane IN ('green', 'yellow', 'red')),
    scored_lane text NOT NULL,
    reason      text NOT NULL,
    by_user     text NOT NULL,
    at          timestamptz NOT NULL,
    PRIMARY KEY (mrn, country)
);
