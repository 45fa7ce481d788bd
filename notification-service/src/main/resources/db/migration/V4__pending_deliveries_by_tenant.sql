-- The worker leases due deliveries tenant by tenant (DeliveryStore.claimDue): it walks the tenants that have due
-- deliveries through this index and takes each one's oldest. Before, it ranked only the oldest due deliveries of all
-- tenants, so a tenant with a large backlog (everything released at the end of its quiet hours) hid every other
-- tenant's deliveries, retries included, until that backlog was worked off.
CREATE INDEX delivery_pending_by_tenant ON delivery (tenant, next_attempt_at) WHERE status = 'pending';
