-- A message id is claimed per sending country. The tracker checks that a message's sender is of
-- the topic's country before it claims the id, and the claim is (country, id): a message put on
-- another country's topic can never pre-claim, and so silently block, an id that country uses.
-- Ids claimed before this migration keep an empty country.
ALTER TABLE inbox ADD COLUMN sender_country text NOT NULL DEFAULT '';
ALTER TABLE inbox DROP CONSTRAINT inbox_pkey;
ALTER TABLE inbox ADD PRIMARY KEY (sender_country, message_id);
