package io.leadscore.routing.owner;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** A sales rep of a tenant; its team membership is {@link #teamId}. */
@Entity
@Table(name = "sales_rep")
@IdClass(RepEntity.Key.class)
public class RepEntity extends PanacheEntityBase {

    @Id
    public String tenant;

    @Id
    @Column(name = "rep_id")
    public String repId;

    public String name;

    @Column(name = "team_id")
    public String teamId;

    public boolean active;

    /** The most open leads (mql, sql, accepted) round-robin gives the rep. */
    public int capacity;

    @Column(name = "updated_at")
    public Instant updatedAt;

    public static class Key implements Serializable {
        public String tenant;
        public String repId;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(tenant, k.tenant) && Objects.equals(repId, k.repId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(tenant, repId);
        }
    }
}
