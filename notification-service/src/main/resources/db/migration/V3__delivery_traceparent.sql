-- The W3C trace context of the routing message behind each delivery, so that sending it (right after the commit, on a
-- retry, or after quiet hours) continues the trace of the event that caused it. Null for deliveries recorded before
-- this column existed and for messages that carried none.
ALTER TABLE delivery ADD COLUMN traceparent TEXT;
