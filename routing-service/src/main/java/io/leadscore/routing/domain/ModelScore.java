package io.leadscore.routing.domain;

import java.time.Instant;

/** A lead's latest score and band under one model, and when scoring computed it (the replay watermark). */
public record ModelScore(String modelId, int modelVersion, double score, String band, Instant computedAt) {
}
