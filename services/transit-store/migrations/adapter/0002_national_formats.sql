-- Deliveries keep their national form beside the standardized one, and the webhook's
-- attempts, so an operator can see why a national system has not received something.
ALTER TABLE deliveries
    ADD COLUMN format         text NOT NULL DEFAULT 'standard',
    ADD COLUMN national       bytea,
    ADD COLUMN national_note  text,
    ADD COLUMN push_attempts  integer NOT NULL DEFAULT 0,
    ADD COLUMN last_push_error text;

-- Refusals name the national reference when it could be read.
ALTER TABLE refusals ADD COLUMN reference text;
