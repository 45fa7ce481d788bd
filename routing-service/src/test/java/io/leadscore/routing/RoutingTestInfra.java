package io.leadscore.routing;

import java.util.Map;

import io.leadscore.testing.LeadscoreInfra;

/** The real broker plus this service's own, freshly created database. */
public class RoutingTestInfra extends LeadscoreInfra {

    public static final String DATABASE = "leadscore_routing_test";

    @Override
    public void init(Map<String, String> initArgs) {
        super.init(Map.of("database", DATABASE));
    }
}
