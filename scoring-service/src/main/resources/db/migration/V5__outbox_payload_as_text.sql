-- The outbox only hands payloads to the producer and is emptied within seconds; nothing queries inside them, so
-- parsing and validating each ~1 KB ScoreChanged as jsonb on the hot path (about one per scored event) buys nothing.
ALTER TABLE score_change_outbox ALTER COLUMN payload TYPE TEXT USING payload::text;
