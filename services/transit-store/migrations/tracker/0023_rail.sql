-- Rail: one row per train the hub has been told about (locked while one of its confirmations
-- is handled, so two confirmations of one train take turns), each train confirmation once with
-- what it came to, and the wagons the departure set aside. The train itself is not stored:
-- it is built from the declarations on the road that name it (movements.vehicle, mode 2).

CREATE TABLE rail_trains (
    train      text PRIMARY KEY,
    updated_at timestamptz NOT NULL
);

CREATE TABLE rail_confirmations (
    id           uuid PRIMARY KEY,
    train        text NOT NULL,
    office       text NOT NULL,
    stage        text NOT NULL CHECK (stage IN ('departure', 'passage', 'arrival')),
    at           timestamptz NOT NULL,
    received_at  timestamptz NOT NULL,
    outcome      text NOT NULL CHECK (outcome IN ('pending', 'applied', 'refused')),
    reason       text,
    passed       jsonb NOT NULL DEFAULT '[]',
    incidents    jsonb NOT NULL DEFAULT '[]',
    confirmation jsonb NOT NULL
);
CREATE INDEX rail_confirmations_train ON rail_confirmations (train, received_at DESC);

CREATE TABLE rail_set_aside (
    mrn             text NOT NULL,
    wagon           text NOT NULL,
    train           text NOT NULL,
    office          text NOT NULL,
    at              timestamptz NOT NULL,
    confirmation_id uuid NOT NULL,
    PRIMARY KEY (mrn, wagon)
);
CREATE INDEX rail_set_aside_train ON rail_set_aside (train);
