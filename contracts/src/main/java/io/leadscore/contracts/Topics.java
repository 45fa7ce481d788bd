package io.leadscore.contracts;

import java.util.List;

/**
 * Every Kafka topic of the platform, with the partition count it is created with. The local stack, the tests and the
 * Kubernetes manifests all derive their topics from this list, so a name is never spelled twice.
 */
public final class Topics {

    /** Facts about leads, published by ingest, consumed by scoring. */
    public static final String LEAD_EVENTS = "lead-events";
    /** Records of {@link #LEAD_EVENTS} that could not be parsed or processed, with the reason in a header. */
    public static final String LEAD_EVENTS_DLQ = "lead-events.dlq";
    /** Score and band changes, published by scoring, consumed by routing. */
    public static final String SCORE_CHANGES = "score-changes";
    /** Records of {@link #SCORE_CHANGES} routing could not handle, with the reason in a header. */
    public static final String SCORE_CHANGES_DLQ = "score-changes.dlq";
    /** Stage queues, published by routing, consumed by notification. */
    public static final String LEADS_NURTURE = "leads.nurture";
    public static final String LEADS_MQL = "leads.mql";
    public static final String LEADS_SQL = "leads.sql";
    /** Every stage transition, whatever the stage. */
    public static final String LEAD_STAGE_CHANGES = "lead-stage-changes";
    /** Follow-up SLAs that passed. */
    public static final String LEAD_ESCALATIONS = "lead-escalations";

    /** Revoked token ids (compacted); every service reads it whole into memory and rejects those tokens. */
    public static final String TOKEN_REVOCATIONS = "token-revocations";

    /**
     * Partitions bound consumer parallelism: scoring, routing and notification scale out to at most this many replicas.
     */
    public static final int DEFAULT_PARTITIONS = 12;

    public static final List<TopicSpec> ALL = List.of(
            new TopicSpec(LEAD_EVENTS, DEFAULT_PARTITIONS),
            new TopicSpec(LEAD_EVENTS_DLQ, 3),
            new TopicSpec(SCORE_CHANGES, DEFAULT_PARTITIONS),
            new TopicSpec(SCORE_CHANGES_DLQ, 3),
            new TopicSpec(LEADS_NURTURE, DEFAULT_PARTITIONS),
            new TopicSpec(LEADS_MQL, DEFAULT_PARTITIONS),
            new TopicSpec(LEADS_SQL, DEFAULT_PARTITIONS),
            new TopicSpec(LEAD_STAGE_CHANGES, DEFAULT_PARTITIONS),
            new TopicSpec(LEAD_ESCALATIONS, DEFAULT_PARTITIONS),
            new TopicSpec(TOKEN_REVOCATIONS, 1, true));

    private Topics() {
    }

    /** @param compacted whether the topic keeps only the latest record per key (log compaction) */
    public record TopicSpec(String name, int partitions, boolean compacted) {
        public TopicSpec(String name, int partitions) {
            this(name, partitions, false);
        }
    }
}
