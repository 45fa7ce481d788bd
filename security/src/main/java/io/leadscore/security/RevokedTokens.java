package io.leadscore.security;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.leadscore.contracts.ContractsJson;
import io.leadscore.contracts.MessageKeys;
import io.leadscore.contracts.TokenRevoked;
import io.leadscore.contracts.Topics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Every revoked token id, held in memory so checking a request costs a hash lookup. Each replica reads the whole
 * compacted {@code token-revocations} topic from the beginning and then follows it, so a revocation takes effect
 * everywhere within about a second without a redeploy or a database round trip per request.
 */
@ApplicationScoped
public class RevokedTokens {

    private static final Logger LOG = Logger.getLogger(RevokedTokens.class);

    private final Map<String, Instant> revoked = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final SecurityConfig config;
    private final String bootstrapServers;
    private volatile KafkaConsumer<String, String> consumer;
    private Thread follower;

    public RevokedTokens(SecurityConfig config,
            @ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "localhost:9092") String bootstrapServers) {
        this.config = config;
        this.bootstrapServers = bootstrapServers;
    }

    void start(@Observes StartupEvent event) {
        if (!config.revocationsEnabled() || !running.compareAndSet(false, true)) {
            return;
        }
        follower = new Thread(this::follow, "token-revocations-follower");
        follower.setDaemon(true);
        follower.start();
    }

    void stop(@Observes ShutdownEvent event) {
        running.set(false);
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    public boolean isRevoked(String tenant, String tokenId) {
        return tokenId != null && revoked.containsKey(MessageKeys.leadKey(tenant, tokenId));
    }

    /** Applies a revocation immediately on this replica (the publisher calls it so its own next request sees it). */
    public void apply(TokenRevoked revocation) {
        revoked.put(revocation.key(), revocation.expiresAt() == null ? Instant.MAX : revocation.expiresAt());
    }

    private void follow() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        while (running.get()) {
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props, new StringDeserializer(),
                    new StringDeserializer())) {
                consumer = c;
                // No consumer group: every replica must see every revocation.
                List<TopicPartition> partitions = c.partitionsFor(Topics.TOKEN_REVOCATIONS).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                c.assign(partitions);
                c.seekToBeginning(partitions);
                while (running.get()) {
                    for (ConsumerRecord<String, String> record : c.poll(Duration.ofMillis(500))) {
                        read(record);
                    }
                    forgetExpired();
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warnf("Following %s failed (%s); retrying in 2 s", Topics.TOKEN_REVOCATIONS, e.getMessage());
                sleep(Duration.ofSeconds(2));
            }
        }
    }

    private void read(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            return;
        }
        try {
            apply(ContractsJson.mapper().readValue(record.value(), TokenRevoked.class));
        } catch (Exception e) {
            LOG.warnf("Ignoring unreadable revocation at offset %d: %s", record.offset(), e.getMessage());
        }
    }

    private void forgetExpired() {
        Instant now = Instant.now();
        revoked.values().removeIf(expiresAt -> expiresAt.isBefore(now));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
