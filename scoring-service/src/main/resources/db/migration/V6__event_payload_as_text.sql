-- The event log keeps each envelope exactly as it arrived, as text. Storing it as jsonb made PostgreSQL parse and
-- re-encode every event on append: ~40 % of the append's cost on the 2-core machine (docs/performance.md), for
-- structure only scoring's loader read (properties and attributes), which the service now parses itself, with the
-- same parser live scoring uses on the same text, so a replayed fact equals the live one by construction.
ALTER TABLE lead_event ALTER COLUMN payload TYPE TEXT USING payload::text;
