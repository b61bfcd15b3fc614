-- Telematics: what tracking providers reported (through the telematics gateway), what each
-- movement's track holds between events, and what the hub concluded (passages, expected
-- arrivals, seal breaches, anomalies), each once.

-- Every event taken, once per provider and event id (a repeated id is the same event), with
-- the movement it was matched to and its fate: applied, unmatched (no movement on the road
-- with that vehicle or seal) or after-tracking (the movement had arrived).
CREATE TABLE telematics_events (
    provider    text NOT NULL,
    event_id    text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('position', 'seal')),
    subject     text NOT NULL,
    mrn         text,
    event_time  timestamptz NOT NULL,
    received_at timestamptz NOT NULL,
    outcome     text NOT NULL CHECK (outcome IN ('applied', 'unmatched', 'after-tracking')),
    latitude    double precision NOT NULL,
    longitude   double precision NOT NULL,
    event       jsonb NOT NULL,
    PRIMARY KEY (provider, event_id)
);
CREATE INDEX telematics_events_mrn ON telematics_events (mrn, event_time) WHERE mrn IS NOT NULL;
CREATE INDEX telematics_events_received ON telematics_events (received_at);

-- Each tracked movement's state between events (transit_telematics::Track), and where the
-- truck was last, for the map.
CREATE TABLE telematics_tracks (
    mrn        text PRIMARY KEY,
    track      jsonb NOT NULL,
    last_at    timestamptz,
    latitude   double precision,
    longitude  double precision,
    updated_at timestamptz NOT NULL
);

-- Conclusions, each once (its id derives from what it is about).
CREATE TABLE telematics_effects (
    id          uuid PRIMARY KEY,
    mrn         text NOT NULL,
    kind        text NOT NULL,
    office      text,
    at          timestamptz NOT NULL,
    effect      jsonb NOT NULL,
    recorded_at timestamptz NOT NULL
);
CREATE INDEX telematics_effects_mrn ON telematics_effects (mrn, at);
CREATE INDEX telematics_effects_kind ON telematics_effects (kind, at DESC);
CREATE INDEX telematics_effects_office ON telematics_effects (office, kind, at DESC) WHERE office IS NOT NULL;
