-- How each rep wants to be alerted. Webhook secrets never leave this table except to sign a request.
CREATE TABLE rep_contact (
    tenant                        TEXT        NOT NULL,
    rep_id                        TEXT        NOT NULL,
    email                         TEXT,
    phone                         TEXT,
    chat_webhook_url              TEXT,
    chat_format                   TEXT        NOT NULL DEFAULT 'slack',
    webhook_url                   TEXT,
    webhook_secret                TEXT,
    webhook_previous_secret       TEXT,
    webhook_previous_secret_until TIMESTAMPTZ,
    channels                      JSONB       NOT NULL DEFAULT '{}',
    time_zone                     TEXT        NOT NULL DEFAULT 'UTC',
    quiet_from                    TIME,
    quiet_to                      TIME,
    urgent                        TEXT[]      NOT NULL DEFAULT '{}',
    updated_at                    TIMESTAMPTZ NOT NULL,
    updated_by                    TEXT,
    PRIMARY KEY (tenant, rep_id)
);

-- Which alert kinds a tenant wants at all (routing's alertStages decide too). No row: every kind.
CREATE TABLE tenant_settings (
    tenant      TEXT PRIMARY KEY,
    alert_kinds TEXT[]      NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    updated_by  TEXT
);

-- One row per rep told about one routing fact (transition or escalation); what every channel renders.
CREATE TABLE alert (
    id                 BIGSERIAL PRIMARY KEY,
    tenant             TEXT        NOT NULL,
    source_id          TEXT        NOT NULL,
    rep_id             TEXT        NOT NULL,
    lead_id            TEXT        NOT NULL,
    kind               TEXT        NOT NULL,
    body               JSONB       NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    source_received_at TIMESTAMPTZ,
    UNIQUE (tenant, source_id, rep_id)
);
CREATE INDEX alert_rep ON alert (tenant, rep_id, id);

-- One row per (routing fact, channel, rep), inserted before anything is sent. The unique idempotency key is what makes
-- a redelivered Kafka message send nothing. A sender leases a row (locked_until) while it sends; a lease that runs out
-- (the replica died mid-send) lets the worker pick the row up again.
CREATE TABLE delivery (
    id              BIGSERIAL PRIMARY KEY,
    tenant          TEXT        NOT NULL,
    idempotency_key TEXT        NOT NULL,
    alert_id        BIGINT      NOT NULL REFERENCES alert (id),
    lead_id         TEXT        NOT NULL,
    rep_id          TEXT        NOT NULL,
    kind            TEXT        NOT NULL,
    channel         TEXT        NOT NULL,
    status          TEXT        NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    reason          TEXT,
    attempts        INT         NOT NULL DEFAULT 0,
    quota_counted   BOOLEAN     NOT NULL DEFAULT false,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    locked_until    TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    delivered_at    TIMESTAMPTZ,
    UNIQUE (tenant, idempotency_key)
);
CREATE INDEX delivery_due ON delivery (next_attempt_at) WHERE status = 'pending';
CREATE INDEX delivery_lead ON delivery (tenant, lead_id, id);
CREATE INDEX delivery_rep ON delivery (tenant, rep_id, id);

-- Every call to a provider, with what it answered.
CREATE TABLE delivery_attempt (
    delivery_id BIGINT      NOT NULL REFERENCES delivery (id),
    attempt     INT         NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    outcome     TEXT        NOT NULL,
    response    TEXT,
    duration_ms INT         NOT NULL,
    PRIMARY KEY (delivery_id, attempt)
);

-- Messages each tenant sent per channel and UTC day, against its quota.
CREATE TABLE quota_usage (
    tenant  TEXT NOT NULL,
    channel TEXT NOT NULL,
    day     DATE NOT NULL,
    used    INT  NOT NULL,
    PRIMARY KEY (tenant, channel, day)
);

-- Routing messages that could not be read, kept with the reason (there is no dead-letter topic for them yet).
CREATE TABLE rejected_message (
    id            BIGSERIAL PRIMARY KEY,
    topic         TEXT        NOT NULL,
    partition     INT         NOT NULL,
    record_offset BIGINT      NOT NULL,
    record_key    TEXT,
    value         TEXT,
    reason        TEXT        NOT NULL,
    rejected_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (topic, partition, record_offset)
);
