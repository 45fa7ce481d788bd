package io.leadscore.ingest;

import java.util.Map;

import io.leadscore.testing.LeadscoreInfra;

/** The real broker plus this service's own, freshly created database. */
public class IngestTestInfra extends LeadscoreInfra {

    public static final String DATABASE = "leadscore_ingest_test";

    @Override
    public void init(Map<String, String> initArgs) {
        super.init(Map.of("database", DATABASE));
    }
}
