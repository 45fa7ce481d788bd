package io.leadscore.routing.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.awaitility.Awaitility;

import io.leadscore.contracts.ContractsJson;
import io.leadscore.contracts.LeadEscalated;
import io.leadscore.contracts.LeadEvent;
import io.leadscore.contracts.LeadStageChanged;
import io.leadscore.contracts.Topics;
import io.leadscore.routing.RoutingTestInfra;
import io.leadscore.testing.KafkaBroker;

/**
 * Everything routing really published on the broker, collected by one plain Kafka consumer that follows every output
 * topic from the beginning for the whole test JVM. Tests use unique tenants and leads, so they filter by key.
 */
public final class Published {

    public static final List<String> TOPICS = List.of(Topics.LEAD_STAGE_CHANGES, Topics.LEADS_NURTURE, Topics.LEADS_MQL,
            Topics.LEADS_SQL, Topics.LEAD_ESCALATIONS, Topics.LEAD_EVENTS, RoutingTestInfra.DLQ);

    private static final ConcurrentLinkedQueue<ConsumerRecord<String, String>> RECORDS = new ConcurrentLinkedQueue<>();
    private static Thread follower;

    private Published() {
    }

    public static synchronized void start() {
        if (follower != null) {
            return;
        }
        follower = new Thread(() -> {
            try (KafkaConsumer<String, String> consumer = KafkaBroker.consumer(TOPICS.toArray(String[]::new))) {
                while (true) {
                    consumer.poll(Duration.ofMillis(100)).forEach(RECORDS::add);
                }
            }
        }, "published-records");
        follower.setDaemon(true);
        follower.start();
    }

    public static List<ConsumerRecord<String, String>> on(String topic, String key) {
        start();
        return RECORDS.stream().filter(r -> r.topic().equals(topic) && key.equals(r.key())).toList();
    }

    /** Waits until at least {@code count} records with this key are on the topic; answers all of them. */
    public static List<ConsumerRecord<String, String>> await(String topic, String key, int count) {
        start();
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> on(topic, key).size() >= count);
        return on(topic, key);
    }

    /** Waits until a stage change with this key satisfies {@code until}; answers every stage change of the key. */
    public static List<LeadStageChanged> awaitStageChange(String key, Predicate<LeadStageChanged> until) {
        start();
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> stageChanges(key).stream().anyMatch(until));
        return stageChanges(key);
    }

    public static List<LeadStageChanged> stageChanges(String key) {
        return on(Topics.LEAD_STAGE_CHANGES, key).stream().map(r -> read(r.value(), LeadStageChanged.class)).toList();
    }

    public static List<LeadStageChanged> queue(String topic, String key) {
        return on(topic, key).stream().map(r -> read(r.value(), LeadStageChanged.class)).toList();
    }

    public static List<LeadEscalated> escalations(String key) {
        return on(Topics.LEAD_ESCALATIONS, key).stream().map(r -> read(r.value(), LeadEscalated.class)).toList();
    }

    public static List<LeadEvent> leadEvents(String key) {
        return on(Topics.LEAD_EVENTS, key).stream().map(r -> read(r.value(), LeadEvent.class)).toList();
    }

    public static String header(ConsumerRecord<String, String> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    public static <T> T read(String json, Class<T> type) {
        try {
            return ContractsJson.mapper().readValue(json, type);
        } catch (Exception e) {
            throw new AssertionError("unreadable " + type.getSimpleName() + ": " + json, e);
        }
    }
}
