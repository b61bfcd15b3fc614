-- The network's reference data (offices, corridors, code lists, guarantee cover), one row per
-- imported version: 1 is seeded by the first tracker from the files published with sigmat
-- (schemas/reference, schemas/codelists), each `sigmat reference import` adds the next. The
-- latest is what every service decides and shows under; it reaches running services through
-- the compacted topic <prefix>.hub.reference, written through the outbox in the same
-- transaction as the row. Rows are never changed or deleted: the history is the audit of what
-- the network decided under, and when.
CREATE TABLE reference_versions (
    version      bigint PRIMARY KEY CHECK (version > 0),
    document     jsonb NOT NULL,        -- the files, keyed by path under schemas/
    imported_at  timestamptz NOT NULL,
    imported_by  text NOT NULL,         -- 'seed', or the operator
    note         text NOT NULL DEFAULT ''
);
