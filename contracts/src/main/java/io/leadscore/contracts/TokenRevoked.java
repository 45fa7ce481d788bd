package io.leadscore.contracts;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A token id that must no longer be accepted, published on {@link Topics#TOKEN_REVOCATIONS} keyed by
 * {@link #key()}. {@code expiresAt} lets readers forget the entry once the token could not be valid anyway.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TokenRevoked(int schemaVersion, String tenant, String tokenId, Instant revokedAt, String revokedBy,
        Instant expiresAt) {

    public static final int CURRENT_SCHEMA_VERSION = 1;

    public String key() {
        return tenant + MessageKeys.SEPARATOR + tokenId;
    }
}
