-- Scoring models are data: every PUT creates the next version; earlier versions stay readable.
CREATE TABLE scoring_model_version (
    tenant       TEXT        NOT NULL,
    model_id     TEXT        NOT NULL,
    version      INT         NOT NULL,
    name         TEXT        NOT NULL,
    definition   JSONB       NOT NULL,
    published_by TEXT        NOT NULL,
    published_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant, model_id, version)
);

-- Projection: each lead's latest score per model (rebuildable from lead_event).
CREATE TABLE lead_score (
    tenant         TEXT             NOT NULL,
    model_id       TEXT             NOT NULL,
    lead_id        TEXT             NOT NULL,
    model_version  INT              NOT NULL,
    score          DOUBLE PRECISION NOT NULL,
    band           TEXT,
    computed_at    TIMESTAMPTZ      NOT NULL,
    -- When decay alone will next move the lead into another band; the decay scheduler wakes it then.
    next_change_at TIMESTAMPTZ,
    PRIMARY KEY (tenant, model_id, lead_id)
);
CREATE INDEX lead_score_leaderboard ON lead_score (tenant, model_id, score DESC, lead_id);
CREATE INDEX lead_score_band ON lead_score (tenant, model_id, band, score DESC, lead_id);
CREATE INDEX lead_score_next_change ON lead_score (next_change_at) WHERE next_change_at IS NOT NULL;

-- Projection: every published change of a lead's score or band, with its cause.
CREATE TABLE score_history (
    id             BIGSERIAL        PRIMARY KEY,
    tenant         TEXT             NOT NULL,
    lead_id        TEXT             NOT NULL,
    model_id       TEXT             NOT NULL,
    model_version  INT              NOT NULL,
    previous_score DOUBLE PRECISION,
    score          DOUBLE PRECISION NOT NULL,
    previous_band  TEXT,
    band           TEXT,
    cause_type     TEXT             NOT NULL,
    cause_event_id TEXT,
    computed_at    TIMESTAMPTZ      NOT NULL
);
CREATE INDEX score_history_lead ON score_history (tenant, lead_id, model_id, id);

-- Transactional outbox: ScoreChanged messages are written with the projection change and published after commit,
-- so a crash between commit and publish cannot lose one.
CREATE TABLE score_change_outbox (
    id         BIGSERIAL   PRIMARY KEY,
    message_key TEXT       NOT NULL,
    payload    JSONB       NOT NULL,
    traceparent TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
