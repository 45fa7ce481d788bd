-- Rebuilds compute a tenant's projection here, beside the live one, which keeps serving reads until the swap.
CREATE TABLE lead_score_rebuild (
    rebuild_id     TEXT             NOT NULL,
    tenant         TEXT             NOT NULL,
    model_id       TEXT             NOT NULL,
    lead_id        TEXT             NOT NULL,
    model_version  INT              NOT NULL,
    score          DOUBLE PRECISION NOT NULL,
    band           TEXT,
    computed_at    TIMESTAMPTZ      NOT NULL,
    next_change_at TIMESTAMPTZ,
    -- The lead's stream version the row was computed from; leads that moved on are recomputed at the swap.
    stream_version BIGINT           NOT NULL,
    PRIMARY KEY (rebuild_id, model_id, lead_id)
);

CREATE TABLE projection_rebuild (
    id           TEXT        PRIMARY KEY,
    tenant       TEXT        NOT NULL,
    status       TEXT        NOT NULL,
    leads_total  BIGINT      NOT NULL,
    events_total BIGINT      NOT NULL,
    leads_done   BIGINT      NOT NULL DEFAULT 0,
    events_done  BIGINT      NOT NULL DEFAULT 0,
    started_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    error        TEXT
);
