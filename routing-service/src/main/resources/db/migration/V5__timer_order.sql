-- Timer rounds read due leads in (due, tenant, lead) order and read on after the last one a round saw, past those
-- another replica holds (Timers). Indexes in that same order make each read a range scan of one batch, with no sort
-- of the many leads a policy change makes due at the same instant.
-- Not CONCURRENTLY: Flyway keeps a transaction open on another connection for its lock, which a concurrent build
-- waits for forever (seen in the tests). Writes of leads wait while the two indexes are built (docs/operations.md,
-- "Deploy", upgrades).
CREATE INDEX lead_stage_sla_order ON lead_stage (sla_deadline, tenant, lead_id) WHERE sla_deadline IS NOT NULL;
CREATE INDEX lead_stage_recheck_order ON lead_stage (recheck_at, tenant, lead_id) WHERE recheck_at IS NOT NULL;
DROP INDEX lead_stage_sla;
DROP INDEX lead_stage_recheck;
