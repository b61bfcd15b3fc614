-- Guarantee checks: each office of departure's question about a declaration's guarantees (an
-- NCTS CD200C check or CD203C use) once, with the hub's answer. A use the hub found nothing
-- against (use_registered) engages its guarantees for its movement until that movement is
-- closed (or, if the movement never reaches the hub, for a day): a later check of the same
-- individual guarantee for another movement finds it in use, even before the release arrives.

CREATE TABLE guarantee_checks (
    check_id       uuid PRIMARY KEY,
    kind           text NOT NULL CHECK (kind IN ('check', 'use')),
    mrn            text NOT NULL,
    office         text NOT NULL,
    grns           text[] NOT NULL,
    use_registered boolean NOT NULL,
    asked_at       timestamptz NOT NULL,
    answered_at    timestamptz NOT NULL,
    check_body     jsonb NOT NULL,
    result         jsonb NOT NULL
);
-- Serves the in-use lookup (guarantees_in_use): registered uses naming one of the references.
CREATE INDEX guarantee_checks_registered_grns ON guarantee_checks USING gin (grns)
    WHERE use_registered;
