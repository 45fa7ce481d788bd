-- The per-lead event log: the source of truth every projection is rebuilt from.
-- seq numbers a lead's events in append order; (tenant, event_id) is unique, so a duplicate is never counted twice.
CREATE TABLE lead_stream (
    tenant  TEXT   NOT NULL,
    lead_id TEXT   NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (tenant, lead_id)
);

CREATE TABLE lead_event (
    tenant      TEXT        NOT NULL,
    lead_id     TEXT        NOT NULL,
    seq         BIGINT      NOT NULL,
    event_id    TEXT        NOT NULL,
    type        TEXT        NOT NULL,
    occurred_at TIMESTAMPTZ NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    payload     JSONB       NOT NULL,
    PRIMARY KEY (tenant, lead_id, seq),
    UNIQUE (tenant, event_id)
);
