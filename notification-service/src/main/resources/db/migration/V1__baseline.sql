-- Messages this service has fully processed, written in the same transaction as their effect,
-- so a redelivered Kafka record is recognised and skipped.
CREATE TABLE processed_message (
    consumer     TEXT        NOT NULL,
    message_id   TEXT        NOT NULL,
    processed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, message_id)
);
