-- A delivery the national system refuses (4xx) push after push is parked after a configured
-- number of refusals ([webhook] park_after_refusals), with the reason, so that the deliveries
-- behind it go on; `adapter deliveries parked` shows them, `adapter deliveries retry` puts
-- them back in line.
ALTER TABLE deliveries ADD COLUMN parked_at timestamptz, ADD COLUMN parked_reason text;
