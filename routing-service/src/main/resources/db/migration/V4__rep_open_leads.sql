-- Each rep's open leads (mql, sql, accepted), kept up to date by every write of lead_stage in the same transaction
-- (LeadStore.save). Loading a tenant's owner book counted them with a GROUP BY over the tenant's open leads instead:
-- 24 ms per routing batch that assigned an owner on the bench tenant (64,000 open leads), the costliest statement of
-- the routing database, run while holding the tenant's owner-book lock. A periodic reconciliation (OpenLeadCounts)
-- repairs counts that writers without this table (a previous version during a rolling upgrade) left behind.
CREATE TABLE rep_open_leads (
    tenant     TEXT    NOT NULL,
    rep_id     TEXT    NOT NULL,
    open_leads INTEGER NOT NULL,
    PRIMARY KEY (tenant, rep_id)
);

INSERT INTO rep_open_leads (tenant, rep_id, open_leads)
SELECT tenant, owner_rep_id, count(*) FROM lead_stage
WHERE stage IN ('mql', 'sql', 'accepted') AND owner_rep_id IS NOT NULL
GROUP BY tenant, owner_rep_id;
