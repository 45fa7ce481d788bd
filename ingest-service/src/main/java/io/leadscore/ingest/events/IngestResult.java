package io.leadscore.ingest.events;

/** What {@code POST /v1/events} answers with 202. */
public record IngestResult(int accepted, int duplicates) {
}
