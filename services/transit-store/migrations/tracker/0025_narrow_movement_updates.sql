-- The narrow write path, first step: an event's update of its movement row touches no index
-- unless a column an index is built on changes (a PostgreSQL "HOT" update: the new row version
-- lands on the same page, and no index entry is written). Until now every update changed
-- `updated_at`, which two indexes were built on, so every event wrote an entry into each of the
-- movements table's fifteen indexes — three of them GIN — even when nothing searched for had
-- changed (a passage at a border changes no state and no search key).
--
-- - `movements_updated` served the API's live updates, which now follow the event log's
--   sequence (`movement_events` primary key: every change of a movement is logged), and the
--   risk page's stalest movements en route and the archive, which filter on `state` first.
-- - `movements_red` keeps serving the red lane's list, keyed by MRN: the few red movements are
--   sorted by their change time when read.
-- - Each page keeps room for the next version of its rows (fillfactor 70), which a HOT update
--   needs.
DROP INDEX movements_updated;
DROP INDEX movements_red;
CREATE INDEX movements_red ON movements (mrn) WHERE lane = 'red';
ALTER TABLE movements SET (fillfactor = 70);
