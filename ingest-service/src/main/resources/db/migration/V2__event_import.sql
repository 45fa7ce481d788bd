-- Bulk NDJSON imports and their progress, so GET /v1/imports/{id} answers from any replica and after a restart.
CREATE TABLE event_import (
    id          TEXT        PRIMARY KEY,
    tenant      TEXT        NOT NULL,
    status      TEXT        NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    lines       BIGINT      NOT NULL DEFAULT 0,
    accepted    BIGINT      NOT NULL DEFAULT 0,
    duplicates  BIGINT      NOT NULL DEFAULT 0,
    rejected    BIGINT      NOT NULL DEFAULT 0,
    errors      JSONB       NOT NULL DEFAULT '[]'
);
CREATE INDEX event_import_tenant ON event_import (tenant, started_at DESC);
