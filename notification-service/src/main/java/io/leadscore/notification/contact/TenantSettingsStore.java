package io.leadscore.notification.contact;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.leadscore.notification.domain.AlertKind;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** Per-tenant notification settings: which alert kinds are sent at all. */
@ApplicationScoped
public class TenantSettingsStore {

    public static final Set<AlertKind> ALL = EnumSet.allOf(AlertKind.class);

    /** The enabled kinds of each tenant; tenants without settings get every kind. */
    public Uni<Map<String, Set<AlertKind>>> enabledKinds(SqlClient client, Collection<String> tenants) {
        Map<String, Set<AlertKind>> result = new HashMap<>();
        tenants.forEach(t -> result.put(t, ALL));
        if (tenants.isEmpty()) {
            return Uni.createFrom().item(result);
        }
        return client.preparedQuery("SELECT tenant, alert_kinds FROM tenant_settings WHERE tenant = ANY($1)")
                .execute(Tuple.of(tenants.toArray(String[]::new)))
                .map(rows -> {
                    for (Row r : rows) {
                        result.put(r.getString("tenant"), kinds(r.getArrayOfStrings("alert_kinds")));
                    }
                    return result;
                });
    }

    public Uni<Set<AlertKind>> enabledKinds(SqlClient client, String tenant) {
        return enabledKinds(client, Set.of(tenant)).map(m -> m.get(tenant));
    }

    public Uni<Void> save(SqlClient client, String tenant, Set<AlertKind> kinds, Instant now, String by) {
        return client.preparedQuery("INSERT INTO tenant_settings (tenant, alert_kinds, updated_at, updated_by) "
                + "VALUES ($1, $2, $3, $4) ON CONFLICT (tenant) DO UPDATE SET alert_kinds = EXCLUDED.alert_kinds, "
                + "updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by")
                .execute(Tuple.of(tenant, kinds.stream().map(AlertKind::wire).toArray(String[]::new),
                        now.atOffset(ZoneOffset.UTC), by))
                .replaceWithVoid();
    }

    private static Set<AlertKind> kinds(String[] wire) {
        Set<AlertKind> kinds = EnumSet.noneOf(AlertKind.class);
        if (wire != null) {
            for (String w : wire) {
                AlertKind k = AlertKind.parse(w);
                if (k != null) {
                    kinds.add(k);
                }
            }
        }
        return kinds;
    }
}
