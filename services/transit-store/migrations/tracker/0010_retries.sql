-- An officer action's key is reserved before its message is published, with the time the
-- message was prepared: a retry (the answer was lost, or the broker did not take it) publishes
-- the very same message again, which the tracker drops as a duplicate — never a different
-- message under the same id (NCTS error 26). Rows from before have no time (NULL).
ALTER TABLE officer_actions ADD COLUMN prepared_at timestamptz;

-- Where each message was first read (topic/partition/offset): a message read again from the
-- same place is a redelivery; from another place, the sender sent it again — and if the hub
-- refused it, it is answered again.
ALTER TABLE inbox ADD COLUMN first_read text;
