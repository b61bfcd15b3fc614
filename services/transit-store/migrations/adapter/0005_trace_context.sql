-- The W3C trace context each delivery came with (its hop at the adapter), pushed to the
-- national system as the `traceparent` header and shown with pulled deliveries, so a
-- national system can follow a message's trace from where it entered sigmat.
ALTER TABLE deliveries ADD COLUMN traceparent text;
