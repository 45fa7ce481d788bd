package io.leadscore.routing.policy;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.leadscore.routing.domain.policy.PolicyParseResult;
import io.leadscore.routing.domain.policy.PolicyParser;
import io.leadscore.routing.domain.policy.RoutingPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A tenant's active routing policy (its latest version), read with plain SQL because the Kafka consumer and the timers
 * need it inside their own transactions. Without any stored version, the built-in default ({@code default-policy.json},
 * version 0) applies. Parsed versions are cached: a version never changes once written.
 */
@ApplicationScoped
public class PolicyStore {

    public static final String DEFAULT_POLICY_RESOURCE = "default-policy.json";

    private static final Logger LOG = Logger.getLogger(PolicyStore.class);

    private final ObjectMapper mapper;
    private final Map<String, Object> builtInDefinition;
    private final RoutingPolicy builtIn;
    private final Map<String, RoutingPolicy> parsed = new ConcurrentHashMap<>();

    public PolicyStore(ObjectMapper mapper) {
        this.mapper = mapper;
        try (InputStream in = Thread.currentThread().getContextClassLoader()
                .getResourceAsStream(DEFAULT_POLICY_RESOURCE)) {
            builtInDefinition = mapper.readValue(in, new TypeReference<Map<String, Object>>() {
            });
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Cannot read the built-in " + DEFAULT_POLICY_RESOURCE, e);
        }
        PolicyParseResult result = PolicyParser.parse(builtInDefinition, 0);
        if (!result.isValid()) {
            throw new IllegalStateException("The built-in routing policy is invalid: " + result.errors());
        }
        builtIn = result.policy();
    }

    public RoutingPolicy builtIn() {
        return builtIn;
    }

    public Map<String, Object> builtInDefinition() {
        return builtInDefinition;
    }

    public Uni<RoutingPolicy> active(SqlClient client, String tenant) {
        return client.preparedQuery("SELECT version, definition::text AS definition FROM routing_policy "
                + "WHERE tenant = $1 ORDER BY version DESC LIMIT 1").execute(Tuple.of(tenant))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return builtIn;
                    }
                    Row row = rows.iterator().next();
                    int version = row.getInteger("version");
                    return parsed.computeIfAbsent(tenant + '\u0000' + version,
                            k -> parse(tenant, row.getString("definition"), version));
                });
    }

    private RoutingPolicy parse(String tenant, String json, int version) {
        try {
            Object definition = mapper.readValue(json, Object.class);
            // Stored definitions were valid when published, and the parser is deterministic; only durations have been
            // bounded since, and longer ones are read as the bound.
            PolicyParseResult result = PolicyParser.parseStored(definition, version);
            if (!result.isValid()) {
                throw new IllegalStateException("Stored routing policy version " + version + " is invalid: "
                        + result.errors());
            }
            if (!PolicyParser.parse(definition, version).isValid()) {
                LOG.warnf("Routing policy version %d of tenant %s has durations over P%dD (100 years); they are read as "
                        + "P%dD", version, tenant, PolicyParser.MAX_DURATION.toDays(), PolicyParser.MAX_DURATION.toDays());
            }
            return result.policy();
        } catch (IOException e) {
            throw new IllegalStateException("Stored routing policy version " + version + " is unreadable", e);
        }
    }
}
