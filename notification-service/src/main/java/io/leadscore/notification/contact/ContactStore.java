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
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.leadscore.notification.config.NotificationConfig;
import io.leadscore.notification.domain.AlertKind;
import io.leadscore.notification.domain.Channel;
import io.leadscore.notification.domain.ContactPreferences;
import io.leadscore.notification.domain.QuietHours;
import io.leadscore.notification.domain.SecretBox;
import io.leadscore.notification.domain.WebhookSecrets;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Reads and writes {@code rep_contact}. Webhook signing secrets and chat webhook URLs (credentials themselves) are
 * stored sealed (see {@link SecretBox}), bound to their tenant, rep and column.
 */
@ApplicationScoped
public class ContactStore {

    private static final Logger LOG = Logger.getLogger(ContactStore.class);

    /** Contact rows read and sealed again per statement by {@link #resealOutdated(SqlClient)}. */
    static final int RESEAL_PAGE = 500;

    private final SecretBox box;

    public ContactStore(NotificationConfig config) {
        this.box = SecretBox.fromKeys(config.secretsKeys().orElseThrow(() -> new IllegalStateException(
                "leadscore.notification.secrets-keys (LEADSCORE_NOTIFICATION_SECRETS_KEYS) is not set: it seals reps' "
                        + "webhook secrets and chat URLs in the database; give it id:base64-of-32-random-bytes, e.g. k1:"
                        + "$(head -c 32 /dev/urandom | base64)")));
    }

    /** Refuses to start, instead of failing the first alert, when the sealing keys are missing or malformed. */
    void checkKeysAtStart(@Observes StartupEvent event) {
        // Observing the event is enough: it constructs this bean, which parses the keys.
    }

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
                .addString(box.seal(p.chatWebhookUrl(), context(tenant, repId, "chat_webhook_url")))
                .addString(p.chatFormat()).addString(p.webhookUrl())
                .addString(box.seal(secrets.current(), context(tenant, repId, "webhook_secret")))
                .addString(box.seal(secrets.previous(), context(tenant, repId, "webhook_previous_secret")))
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

    private static final List<String> SEALED_COLUMNS = List.of("chat_webhook_url", "webhook_secret",
            "webhook_previous_secret");

    /**
     * Seals again what is stored in plaintext (rows from before sealing) or under an older key, so that an old key can
     * be dropped from the configuration. Each row is rewritten only if it still holds what was read (a contact saved
     * meanwhile is sealed with the current key already), so replicas running this at once do no harm.
     *
     * @return how many rows were sealed again and written back (a row saved meanwhile is left as it is, and
     *         still counted)
     */
    public Uni<Integer> resealOutdated(SqlClient client) {
        return resealOutdated(client, RESEAL_PAGE);
    }

    /** As {@link #resealOutdated(SqlClient)}, {@code pageSize} rows at a time in (tenant, rep) order. */
    Uni<Integer> resealOutdated(SqlClient client, int pageSize) {
        return resealPage(client, pageSize, "", "", 0);
    }

    private Uni<Integer> resealPage(SqlClient client, int pageSize, String afterTenant, String afterRep, int done) {
        String prefix = box.currentPrefix();
        // Keyset paging: a row that cannot be sealed again (its key is gone) stays outdated and is passed over, not
        // read again by every later page.
        return client.preparedQuery("SELECT tenant, rep_id, chat_webhook_url, webhook_secret, webhook_previous_secret "
                + "FROM rep_contact WHERE (NOT starts_with(coalesce(chat_webhook_url, $1), $1) "
                + "OR NOT starts_with(coalesce(webhook_secret, $1), $1) "
                + "OR NOT starts_with(coalesce(webhook_previous_secret, $1), $1)) AND (tenant, rep_id) > ($2, $3) "
                + "ORDER BY tenant, rep_id LIMIT $4")
                .execute(Tuple.of(prefix, afterTenant, afterRep, pageSize))
                .chain(rows -> {
                    List<Tuple> updates = new ArrayList<>();
                    String lastTenant = afterTenant;
                    String lastRep = afterRep;
                    for (Row r : rows) {
                        String tenant = r.getString("tenant");
                        String repId = r.getString("rep_id");
                        lastTenant = tenant;
                        lastRep = repId;
                        Tuple t = Tuple.tuple().addString(tenant).addString(repId);
                        try {
                            for (String column : SEALED_COLUMNS) {
                                t.addString(box.resealed(r.getString(column), context(tenant, repId, column)));
                            }
                        } catch (IllegalStateException e) {
                            // Its key is gone: nothing to seal it with again; reads ignore it and say so.
                            LOG.errorf("Cannot seal the secrets of rep %s (tenant %s) again: %s", repId, tenant,
                                    e.getMessage());
                            continue;
                        }
                        for (String column : SEALED_COLUMNS) {
                            t.addString(r.getString(column));
                        }
                        updates.add(t);
                    }
                    Uni<Void> written = updates.isEmpty()
                            ? Uni.createFrom().voidItem()
                            : client.preparedQuery("UPDATE rep_contact SET chat_webhook_url = $3, webhook_secret = $4, "
                                    + "webhook_previous_secret = $5 WHERE tenant = $1 AND rep_id = $2 "
                                    + "AND chat_webhook_url IS NOT DISTINCT FROM $6 "
                                    + "AND webhook_secret IS NOT DISTINCT FROM $7 "
                                    + "AND webhook_previous_secret IS NOT DISTINCT FROM $8")
                                    .executeBatch(updates).replaceWithVoid();
                    int total = done + updates.size();
                    String nextTenant = lastTenant;
                    String nextRep = lastRep;
                    return written.chain(() -> rows.size() < pageSize
                            ? Uni.createFrom().item(total)
                            : resealPage(client, pageSize, nextTenant, nextRep, total));
                });
    }

    /** Where a sealed value belongs: it opens only there. */
    private static String context(String tenant, String repId, String column) {
        return "rep_contact/" + tenant + "/" + repId + "/" + column;
    }

    /**
     * A sealed column's plaintext. One that does not open (its key was dropped, or the row was tampered with) counts as
     * not set, with an error in the log: failing the read instead would fail every alert of the batch it is part of.
     */
    private String opened(Row r, String column) {
        try {
            return box.open(r.getString(column), context(r.getString("tenant"), r.getString("rep_id"), column));
        } catch (IllegalStateException e) {
            LOG.errorf("Ignoring %s of rep %s (tenant %s): %s", column, r.getString("rep_id"), r.getString("tenant"),
                    e.getMessage());
            return null;
        }
    }

    StoredContact toContact(Row r) {
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
                opened(r, "chat_webhook_url"), r.getString("chat_format"), r.getString("webhook_url"), channels,
                ZoneId.of(r.getString("time_zone")), from == null || to == null ? null : new QuietHours(from, to),
                urgent);
        var previousUntil = r.getOffsetDateTime("webhook_previous_secret_until");
        WebhookSecrets webhookSecrets = new WebhookSecrets(opened(r, "webhook_secret"),
                opened(r, "webhook_previous_secret"), previousUntil == null ? null : previousUntil.toInstant());
        return new StoredContact(r.getString("tenant"), r.getString("rep_id"), p, webhookSecrets,
                r.getOffsetDateTime("updated_at").toInstant());
    }
}
