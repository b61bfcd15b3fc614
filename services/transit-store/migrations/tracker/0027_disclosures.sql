-- The disclosure register: what of a country's data went to which other country, under which
-- agreement. One row per copy of a declaration the tracker sent across a border (written in the
-- same transaction as the copy's outbox record, so there is no copy without its row and no row
-- without its copy) and per read of a movement through the API by an account of another
-- country. Append-only, like the audit log: a register that can be edited proves nothing.
CREATE TABLE disclosures (
    id            bigserial PRIMARY KEY,
    mrn           text NOT NULL,
    from_country  text NOT NULL,          -- whose data: the movement's departure country
    to_country    text NOT NULL,          -- who received it
    office        text NOT NULL,          -- the receiving office (or the reader's)
    role          text NOT NULL,          -- transit, destination, divertedDestination
    channel       text NOT NULL,          -- copy, read
    message_id    uuid,                   -- the copy's id
    message_type  text,                   -- the copy's type
    reader        text,                   -- who read it
    agreement     text,                   -- the agreement it went under
    shared        text[] NOT NULL,        -- the groups that went
    withheld      text[] NOT NULL,        -- the groups left out
    disclosed_at  timestamptz NOT NULL
);

-- "What did country X receive of our data between these dates": by sender, then time.
CREATE INDEX disclosures_by_country_and_time ON disclosures (from_country, disclosed_at);

-- A copy is written once even if its batch is processed again after a crash.
CREATE UNIQUE INDEX disclosures_one_per_copy ON disclosures (message_id) WHERE channel = 'copy';

CREATE FUNCTION disclosures_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the disclosure register is append-only';
END $$;
CREATE TRIGGER disclosures_append_only BEFORE UPDATE OR DELETE ON disclosures
    FOR EACH ROW EXECUTE FUNCTION disclosures_are_append_only();
