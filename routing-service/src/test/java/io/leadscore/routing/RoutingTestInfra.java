package io.leadscore.routing;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;

import io.leadscore.testing.KafkaBroker;
import io.leadscore.testing.LeadscoreInfra;

/** The real broker plus this service's own, freshly created database, and routing's dead-letter topic. */
public class RoutingTestInfra extends LeadscoreInfra {

    public static final String DATABASE = "leadscore_routing_test";
    public static final String DLQ = "score-changes.dlq";

    @Override
    public void init(Map<String, String> initArgs) {
        super.init(Map.of("database", DATABASE));
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = super.start();
        KafkaBroker.createTopics(List.of(new NewTopic(DLQ, 1, (short) 1)));
        return config;
    }
}
