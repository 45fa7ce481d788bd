package io.leadscore.routing.policy;

import java.io.Serializable;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** One published version of a tenant's routing policy; versions are immutable once written. */
@Entity
@Table(name = "routing_policy")
@IdClass(PolicyVersionEntity.Key.class)
public class PolicyVersionEntity extends PanacheEntityBase {

    @Id
    public String tenant;

    @Id
    public int version;

    /** The policy JSON exactly as published (validated before it is stored). */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    public Map<String, Object> definition;

    @Column(name = "published_by")
    public String publishedBy;

    @Column(name = "published_at")
    public Instant publishedAt;

    public static class Key implements Serializable {
        public String tenant;
        public int version;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && version == k.version && Objects.equals(tenant, k.tenant);
        }

        @Override
        public int hashCode() {
            return Objects.hash(tenant, version);
        }
    }
}
