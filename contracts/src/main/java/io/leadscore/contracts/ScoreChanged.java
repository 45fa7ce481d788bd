package io.leadscore.contracts;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * A lead's score or band under one model changed, published on {@link Topics#SCORE_CHANGES} keyed by tenant + lead.
 *
 * @param previousScore null when the lead had no score under this model before
 * @param cause what changed it: an event, decay crossing a band boundary, or a new model version
 * @param topContributions the rules contributing most, largest absolute effect first
 * @param attributes the lead's current profile, so consumers need not keep their own
 * @param sourceReceivedAt when ingest received the causing event (null for decay), for end-to-end latency
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScoreChanged(
        int schemaVersion,
        String tenant,
        String leadId,
        String modelId,
        int modelVersion,
        Double previousScore,
        double score,
        String previousBand,
        String band,
        Cause cause,
        @JsonDeserialize(using = FastInstantDeserializer.class) Instant computedAt,
        List<RuleContribution> topContributions,
        Map<String, Object> attributes,
        @JsonDeserialize(using = FastInstantDeserializer.class) Instant sourceReceivedAt) {

    public static final int CURRENT_SCHEMA_VERSION = 1;

    public String key() {
        return MessageKeys.leadKey(tenant, leadId);
    }

    public boolean bandChanged() {
        return !java.util.Objects.equals(previousBand, band);
    }

    /** @param type {@code event}, {@code decay} or {@code model-version}; {@code eventId} set for {@code event} */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Cause(String type, String eventId) {
        public static final String EVENT = "event";
        public static final String DECAY = "decay";
        public static final String MODEL_VERSION = "model-version";

        public static Cause event(String eventId) {
            return new Cause(EVENT, eventId);
        }

        public static Cause decay() {
            return new Cause(DECAY, null);
        }

        public static Cause modelVersion() {
            return new Cause(MODEL_VERSION, null);
        }
    }

    /**
     * One rule's part of the score: how many events it awarded (1 for an attribute rule that holds) and their effective
     * points.
     *
     * @param label the rule's label from the model, for people ("Requested a demo"); messages written before labels
     *        existed have none, and read as the rule id
     */
    public record RuleContribution(String ruleId, int count, double points, String label) {

        public RuleContribution {
            label = label == null || label.isBlank() ? ruleId : label;
        }

        /** A contribution labelled by its rule id. */
        public RuleContribution(String ruleId, int count, double points) {
            this(ruleId, count, points, null);
        }
    }
}
