-- Timer rounds read due leads in (due, tenant, lead) order and skip past those another replica holds (Timers). Indexes
-- in that same order make each read a range scan, with no sort of the many leads a policy change makes due at the
-- same instant, and make the order the same in every round, so a skip passes exactly the leads it means to.
CREATE INDEX lead_stage_sla_order ON lead_stage (sla_deadline, tenant, lead_id) WHERE sla_deadline IS NOT NULL;
CREATE INDEX lead_stage_recheck_order ON lead_stage (recheck_at, tenant, lead_id) WHERE recheck_at IS NOT NULL;
DROP INDEX lead_stage_sla;
DROP INDEX lead_stage_recheck;
