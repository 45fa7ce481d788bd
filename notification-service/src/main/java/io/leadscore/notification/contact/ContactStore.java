package io.leadscore.notification.contact;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.leadscore.notification.domain.AlertKind;
import io.leadscore.notification.domain.Channel;
import io.leadscore.notification.domain.ContactPreferences;
import io.leadscore.notification.domain.QuietHours;
import io.leadscore.notification.domain.WebhookSecrets;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** Reads and writes {@code rep_contact}. */
@ApplicationScoped
public class ContactStore {

    public Uni<StoredContact> find(SqlClient client, String tenant, String repId) {
        return client.preparedQuery("SELECT * FROM rep_contact WHERE tenant = $1 AND rep_id = $2")
                .execute(Tuple.of(tenant, repId))
                .map(rows -> rows.size() == 0 ? null : toContact(rows.iterator().next()));
    }

    /** Contacts of many reps, keyed by {@link #key(String, String)}; reps without one are absent. */
    public Uni<Map<String, StoredContact>> findAll(SqlClient client, Collection<String[]> tenantAndRep) {
        if (tenantAndRep.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        List<String> tenants = new ArrayList<>();
        List<String> reps = new ArrayList<>();
        for (String[] pair : tenantAndRep) {
            tenants.add(pair[0]);
            reps.add(pair[1]);
        }
        return client.preparedQuery("SELECT c.* FROM rep_contact c JOIN unnest($1::text[], $2::text[]) AS k(tenant, "
                + "rep_id) ON c.tenant = k.tenant AND c.rep_id = k.rep_id")
                .execute(Tuple.of(tenants.toArray(String[]::new), reps.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, StoredContact> result = new HashMap<>();
                    for (Row r : rows) {
                        StoredContact c = toContact(r);
                        result.put(key(c.tenant(), c.repId()), c);
                    }
                    return result;
                });
    }

    public static String key(String tenant, String repId) {
        return tenant + "/" + repId;
    }

    public Uni<StoredContact> upsert(SqlClient client, String tenant, String repId, ContactPreferences p,
            WebhookSecrets secrets, Instant now, String updatedBy) {
        JsonObject channels = new JsonObject();
        p.channels().forEach((kind, set) -> channels.put(kind.wire(),
                new JsonArray(set.stream().map(Channel::wire).toList())));
        Tuple t = Tuple.tuple()
                .addString(tenant).addString(repId).addString(p.email()).addString(p.phone())
                .addString(p.chatWebhookUrl()).addString(p.chatFormat()).addString(p.webhookUrl())
                .addString(secrets.current()).addString(secrets.previous())
                .addValue(secrets.previousUntil() == null ? null : secrets.previousUntil().atOffset(ZoneOffset.UTC))
                .addValue(channels).addString(p.timeZone().getId())
                .addValue(p.quietHours() == null ? null : p.quietHours().from())
                .addValue(p.quietHours() == null ? null : p.quietHours().to())
                .addArrayOfString(p.urgent().stream().map(AlertKind::wire).toArray(String[]::new))
                .addValue(now.atOffset(ZoneOffset.UTC)).addString(updatedBy);
        return client.preparedQuery("INSERT INTO rep_contact (tenant, rep_id, email, phone, chat_webhook_url, "
                + "chat_format, webhook_url, webhook_secret, webhook_previous_secret, webhook_previous_secret_until, "
                + "channels, time_zone, quiet_from, quiet_to, urgent, updated_at, updated_by) "
                + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) "
                + "ON CONFLICT (tenant, rep_id) DO UPDATE SET email = EXCLUDED.email, phone = EXCLUDED.phone, "
                + "chat_webhook_url = EXCLUDED.chat_webhook_url, chat_format = EXCLUDED.chat_format, "
                + "webhook_url = EXCLUDED.webhook_url, webhook_secret = EXCLUDED.webhook_secret, "
                + "webhook_previous_secret = EXCLUDED.webhook_previous_secret, "
                + "webhook_previous_secret_until = EXCLUDED.webhook_previous_secret_until, "
                + "channels = EXCLUDED.channels, time_zone = EXCLUDED.time_zone, quiet_from = EXCLUDED.quiet_from, "
                + "quiet_to = EXCLUDED.quiet_to, urgent = EXCLUDED.urgent, updated_at = EXCLUDED.updated_at, "
                + "updated_by = EXCLUDED.updated_by RETURNING *")
                .execute(t)
                .map(rows -> toContact(rows.iterator().next()));
    }

    static StoredContact toContact(Row r) {
        Map<AlertKind, Set<Channel>> channels = new EnumMap<>(AlertKind.class);
        JsonObject json = (JsonObject) r.getValue("channels");
        if (json != null) {
            for (String kind : json.fieldNames()) {
                AlertKind k = AlertKind.parse(kind);
                if (k == null) {
                    continue;
                }
                Set<Channel> set = EnumSet.noneOf(Channel.class);
                for (Object c : json.getJsonArray(kind)) {
                    Channel channel = Channel.parse(String.valueOf(c));
                    if (channel != null) {
                        set.add(channel);
                    }
                }
                channels.put(k, set);
            }
        }
        Set<AlertKind> urgent = EnumSet.noneOf(AlertKind.class);
        String[] urgentWire = r.getArrayOfStrings("urgent");
        if (urgentWire != null) {
            for (String u : urgentWire) {
                AlertKind k = AlertKind.parse(u);
                if (k != null) {
                    urgent.add(k);
                }
            }
        }
        LocalTime from = r.getLocalTime("quiet_from");
        LocalTime to = r.getLocalTime("quiet_to");
        ContactPreferences p = new ContactPreferences(r.getString("email"), r.getString("phone"),
                r.getString("chat_webhook_url"), r.getString("chat_format"), r.getString("webhook_url"), channels,
                ZoneId.of(r.getString("time_zone")), from == null || to == null ? null : new QuietHours(from, to),
                urgent);
        var previousUntil = r.getOffsetDateTime("webhook_previous_secret_until");
        WebhookSecrets secrets = new WebhookSecrets(r.getString("webhook_secret"),
                r.getString("webhook_previous_secret"), previousUntil == null ? null : previousUntil.toInstant());
        return new StoredContact(r.getString("tenant"), r.getString("rep_id"), p, secrets,
                r.getOffsetDateTime("updated_at").toInstant());
    }
}
