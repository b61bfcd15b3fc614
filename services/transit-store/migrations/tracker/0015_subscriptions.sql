-- Traders and guarantors follow their movements by webhook. A trader's account names its
-- identification number (TIN, `party`): it subscribes to the movements it declares. A
-- guarantor's account names its country (the national guarantor of the regional guarantee):
-- it subscribes by guarantee reference, for movements departing from that country.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('officer', 'operator', 'adapter', 'trader', 'guarantor'));
ALTER TABLE users ADD COLUMN party text;
ALTER TABLE users ADD CONSTRAINT users_trader_party CHECK (role <> 'trader' OR party IS NOT NULL);
ALTER TABLE users ADD CONSTRAINT users_guarantor_country CHECK (role <> 'guarantor' OR country IS NOT NULL);

-- One webhook for one party's movements. The secret signs every notification
-- (X-Sigmat-Signature: HMAC-SHA256 of "timestamp.body"); it is shown once, at creation.
CREATE TABLE subscriptions (
    id          uuid PRIMARY KEY,
    owner       text NOT NULL,             -- the account that made it
    party_kind  text NOT NULL CHECK (party_kind IN ('trader', 'guarantor')),
    party       text NOT NULL,             -- a TIN, or a guarantee reference
    country     text,                      -- a guarantor's: departures from there only
    url         text NOT NULL,
    secret      text NOT NULL,
    events      text[],                    -- NULL: every kind
    created_at  timestamptz NOT NULL,
    cancelled_at timestamptz
);
CREATE INDEX subscriptions_party ON subscriptions (party_kind, party) WHERE cancelled_at IS NULL;

-- One notification per subscription and movement event, so each is sent exactly once (a
-- resend on request goes out under the same notification id: the receiver drops it).
CREATE TABLE notifications (
    id              uuid PRIMARY KEY,
    subscription_id uuid NOT NULL REFERENCES subscriptions (id),
    event_seq       bigint NOT NULL,
    mrn             text NOT NULL,
    payload         jsonb NOT NULL,
    created_at      timestamptz NOT NULL,
    attempts        integer NOT NULL DEFAULT 0,
    refusals        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_error      text,
    delivered_at    timestamptz,
    parked_at       timestamptz,
    UNIQUE (subscription_id, event_seq)
);
CREATE INDEX notifications_due ON notifications (next_attempt_at)
    WHERE delivered_at IS NULL AND parked_at IS NULL;

-- How far in the event log the notifier has matched events with subscriptions.
CREATE TABLE notifier_cursor (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    last_seq bigint NOT NULL
);
