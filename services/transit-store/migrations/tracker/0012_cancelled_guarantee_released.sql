-- An invalidated (Cancelled) movement now releases its guarantee, as a written-off one does
-- (transit_lifecycle: invalidate). Movements cancelled before this change keep the old value
-- in their document; set it, so that a replay of the event log and the stored row agree.
UPDATE movements
SET movement = jsonb_set(movement, '{guarantee_released}', 'true'::jsonb)
WHERE state = 'Cancelled'
  AND movement -> 'guarantee_released' IS DISTINCT FROM 'true'::jsonb;
