-- Routing policies are data: every PUT creates the next version; earlier versions stay readable.
CREATE TABLE routing_policy (
    tenant       TEXT        NOT NULL,
    version      INT         NOT NULL,
    definition   JSONB       NOT NULL,
    published_by TEXT        NOT NULL,
    published_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant, version)
);

CREATE TABLE sales_team (
    tenant         TEXT        NOT NULL,
    team_id        TEXT        NOT NULL,
    name           TEXT        NOT NULL,
    manager_rep_id TEXT,
    territory      JSONB       NOT NULL,
    priority       INT         NOT NULL,
    is_default     BOOLEAN     NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant, team_id)
);
-- At most one default team per tenant.
CREATE UNIQUE INDEX sales_team_one_default ON sales_team (tenant) WHERE is_default;

CREATE TABLE sales_rep (
    tenant     TEXT        NOT NULL,
    rep_id     TEXT        NOT NULL,
    name       TEXT        NOT NULL,
    team_id    TEXT,
    active     BOOLEAN     NOT NULL,
    capacity   INT         NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant, rep_id)
);
CREATE INDEX sales_rep_team ON sales_rep (tenant, team_id);

-- Round-robin position per team; locked (SELECT ... FOR UPDATE) by every transaction that assigns, so replicas take
-- turns fairly and capacity is counted after the lock.
CREATE TABLE team_cursor (
    tenant      TEXT NOT NULL,
    team_id     TEXT NOT NULL,
    last_rep_id TEXT,
    PRIMARY KEY (tenant, team_id)
);

-- The read model: each lead's stage, owner, timers and profile (rebuildable from score-changes and feedback).
CREATE TABLE lead_stage (
    tenant             TEXT             NOT NULL,
    lead_id            TEXT             NOT NULL,
    stage              TEXT             NOT NULL,
    since              TIMESTAMPTZ      NOT NULL,
    entry_rule_id      TEXT,
    policy_version     INT              NOT NULL,
    owner_rep_id       TEXT,
    team_id            TEXT,
    sla_deadline       TIMESTAMPTZ,
    cooldown_until     TIMESTAMPTZ,
    recheck_at         TIMESTAMPTZ,
    queue_score        DOUBLE PRECISION NOT NULL,
    attributes         JSONB            NOT NULL,
    attributes_at      TIMESTAMPTZ,
    transition_count   INT              NOT NULL,
    source_received_at TIMESTAMPTZ,
    traceparent        TEXT,
    updated_at         TIMESTAMPTZ      NOT NULL,
    PRIMARY KEY (tenant, lead_id)
);
CREATE INDEX lead_stage_sla ON lead_stage (sla_deadline) WHERE sla_deadline IS NOT NULL;
CREATE INDEX lead_stage_recheck ON lead_stage (recheck_at) WHERE recheck_at IS NOT NULL;
CREATE INDEX lead_stage_queue ON lead_stage (tenant, stage, queue_score DESC, lead_id DESC);
CREATE INDEX lead_stage_open_by_owner ON lead_stage (tenant, owner_rep_id) WHERE stage IN ('mql', 'sql', 'accepted');

-- Latest score per lead and model; computed_at is the watermark that makes replays and duplicates no-ops.
CREATE TABLE lead_model_score (
    tenant        TEXT             NOT NULL,
    lead_id       TEXT             NOT NULL,
    model_id      TEXT             NOT NULL,
    model_version INT              NOT NULL,
    score         DOUBLE PRECISION NOT NULL,
    band          TEXT,
    computed_at   TIMESTAMPTZ      NOT NULL,
    PRIMARY KEY (tenant, lead_id, model_id)
);

-- Every transition with its reason: the history GET /v1/leads/{leadId}/stage shows.
CREATE TABLE stage_transition (
    tenant         TEXT        NOT NULL,
    lead_id        TEXT        NOT NULL,
    seq            INT         NOT NULL,
    transition_id  TEXT        NOT NULL UNIQUE,
    from_stage     TEXT,
    to_stage       TEXT        NOT NULL,
    rule_id        TEXT        NOT NULL,
    policy_version INT         NOT NULL,
    reason         TEXT        NOT NULL,
    owner_rep_id   TEXT,
    team_id        TEXT,
    sla_deadline   TIMESTAMPTZ,
    scores         JSONB       NOT NULL,
    changed_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant, lead_id, seq)
);

-- Transactional outbox: messages are written with the change that causes them and published after commit; a row is
-- deleted once Kafka has acknowledged it. claimed_until keeps the sweeper off rows a publisher is still sending.
CREATE TABLE outbox (
    id            BIGSERIAL   PRIMARY KEY,
    topic         TEXT        NOT NULL,
    message_key   TEXT        NOT NULL,
    payload       TEXT        NOT NULL,
    schema_version INT        NOT NULL,
    traceparent   TEXT,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    claimed_until TIMESTAMPTZ NOT NULL
);
CREATE INDEX outbox_claimed_until ON outbox (claimed_until);
