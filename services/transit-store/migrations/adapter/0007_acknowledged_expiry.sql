-- Acknowledged deliveries expire (`[deliveries] keep_acknowledged_days`): the national system
-- has them, and the topics keep records for days, not weeks, so a redelivered record can no
-- longer meet a delivery that was removed. Serves the hourly expiry's range scan.
CREATE INDEX deliveries_acknowledged ON deliveries (acked_at) WHERE acked_at IS NOT NULL;
