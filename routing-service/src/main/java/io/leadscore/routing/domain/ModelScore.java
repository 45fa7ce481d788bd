package io.leadscore.routing.domain;

import java.time.Instant;
import java.util.List;

/** A lead's latest score and band under one model, and when scoring computed it (the replay watermark). */
public record ModelScore(String modelId, int modelVersion, double score, String band, Instant computedAt,
        List<RuleReason> reasons) {

    public ModelScore(String modelId, int modelVersion, double score, String band, Instant computedAt) {
        this(modelId, modelVersion, score, band, computedAt, List.of());
    }

    public ModelScore {
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
    }
}
