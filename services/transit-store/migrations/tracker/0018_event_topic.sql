-- The topic each message was read from: a refused message is replayed to that topic only,
-- never to the one its (possibly forged) sender names. NULL for the hub's own events and for
-- events kept before this column.
ALTER TABLE movement_events ADD COLUMN topic text;
