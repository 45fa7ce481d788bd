-- The event log keeps each envelope exactly as it arrived, as text. Storing it as jsonb made PostgreSQL parse and
-- re-encode every event on append (about 40 % of a bulk insert's cost, about 20 % of the live append statement's
-- time: docs/performance.md), for structure only scoring's loader read (properties and attributes). The service now
-- parses those itself, with the mapper live scoring uses, on the same text, so a replayed fact equals the live one.
ALTER TABLE lead_event ALTER COLUMN payload TYPE TEXT USING payload::text;
