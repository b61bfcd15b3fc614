-- Refusals are kept for a retention period ([refusals] keep_days): the hourly deletion of the
-- old ones reads this index, not the whole table.
CREATE INDEX IF NOT EXISTS refusals_received_at ON refusals (received_at);
