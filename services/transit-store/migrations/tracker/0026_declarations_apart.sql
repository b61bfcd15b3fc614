-- The narrow write path, second step: a movement's declaration (parties, goods, vehicle,
-- seals, guarantee: about 1.4 of the 1.9 KB of a movement's document as JSON) is kept apart
-- from its hot state (state, route and passages, incidents, time limit). The declaration is
-- written when the movement is released and again only when an incident replaces its vehicle
-- or seals; every other event rewrites the small hot document alone. Before this step each
-- event sent, parsed, compressed and rewrote the whole document: a profile of the tracker
-- stage of `sigmat bench` put pglz_compress first in the database's time. Both parts are now
-- under the 2 KB from which PostgreSQL compresses a row, so neither is compressed: the hot
-- store trades a few per cent more bytes per message for that time (docs/performance.md).
--
-- `movement_documents` puts a movement's whole document back together (`document`: the hot
-- state with its `declaration`, the shape `transit_lifecycle::Movement` reads) beside the
-- movement's columns, for whatever reads whole movements.
CREATE TABLE movement_declarations (
    mrn         text PRIMARY KEY REFERENCES movements (mrn) ON DELETE CASCADE,
    declaration jsonb NOT NULL
);

INSERT INTO movement_declarations (mrn, declaration)
SELECT mrn, movement -> 'declaration' FROM movements;

UPDATE movements SET movement = movement - 'declaration';

CREATE VIEW movement_documents AS
SELECT m.*, m.movement || jsonb_build_object('declaration', d.declaration) AS document
FROM movements m JOIN movement_declarations d USING (mrn);
