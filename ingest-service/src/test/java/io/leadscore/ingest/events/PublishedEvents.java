package io.leadscore.ingest.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import io.leadscore.contracts.Topics;
import io.leadscore.testing.KafkaBroker;

/** Reads what ingest really published on the broker, for exact assertions. */
final class PublishedEvents {

    private PublishedEvents() {
    }

    /**
     * Every record on lead-events whose key matches, read until {@code until} matches one (a sentinel sent last on the
     * same key, so everything published before it on that partition has been seen) or the timeout.
     */
    static List<ConsumerRecord<String, String>> readUntil(Predicate<ConsumerRecord<String, String>> keep,
            Predicate<ConsumerRecord<String, String>> until) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 20_000;
        try (KafkaConsumer<String, String> consumer = KafkaBroker.consumer(Topics.LEAD_EVENTS)) {
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (keep.test(r)) {
                        found.add(r);
                        if (until.test(r)) {
                            return found;
                        }
                    }
                }
            }
        }
        throw new AssertionError("sentinel not seen within 20 s; saw " + found.size() + " matching records");
    }
}
