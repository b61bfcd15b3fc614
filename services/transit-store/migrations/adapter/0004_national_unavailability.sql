-- The national system's own notice that it (or one of its offices) is unavailable
-- (POST /api/v1/unavailability at the adapter), kept until it says it is back (DELETE): every
-- link report carries it, and the hub keeps a fallback period open meanwhile.
CREATE TABLE national_unavailability (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    reason   text NOT NULL,
    office   text,
    since    timestamptz NOT NULL
);
