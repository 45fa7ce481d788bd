package io.leadscore.routing.owner;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;
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

/** A sales team of a tenant: its territory, its place in the matching order, its manager. */
@Entity
@Table(name = "sales_team")
@IdClass(TeamEntity.Key.class)
public class TeamEntity extends PanacheEntityBase {

    @Id
    public String tenant;

    @Id
    @Column(name = "team_id")
    public String teamId;

    public String name;

    @Column(name = "manager_rep_id")
    public String managerRepId;

    /**
     * {@code {"rules": [attribute conditions exactly as submitted]}} (validated before they are stored). Wrapped in an
     * object because Hibernate Reactive maps JSON objects, not arrays.
     */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    public Map<String, Object> territory;

    public static final String TERRITORY_RULES = "rules";

    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> territoryRules() {
        Object rules = territory == null ? null : territory.get(TERRITORY_RULES);
        return rules == null ? List.of() : (List<Map<String, Object>>) rules;
    }

    public int priority;

    @Column(name = "is_default")
    public boolean isDefault;

    @Column(name = "updated_at")
    public Instant updatedAt;

    public static class Key implements Serializable {
        public String tenant;
        public String teamId;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(tenant, k.tenant) && Objects.equals(teamId, k.teamId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(tenant, teamId);
        }
    }
}
