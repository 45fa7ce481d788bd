package io.leadscore.scoring.engine;

import static io.leadscore.scoring.engine.Json.arr;
import static io.leadscore.scoring.engine.Json.obj;

import java.util.Map;

import io.leadscore.scoring.engine.model.ModelParser;
import io.leadscore.scoring.engine.model.ScoringModel;

/**
 * The model from the scoring-model reference, as a JSON tree and parsed; with labels on every rule but
 * {@code mid-market}, which is therefore labelled by its id.
 */
public final class ExampleModel {

    private ExampleModel() {
    }

    public static Map<String, Object> json() {
        return obj("name", "Engagement", "halfLife", "P30D", "floor", 0, "cap", 100,
                "bands", arr(obj("name", "cold", "from", null), obj("name", "warm", "from", 21),
                        obj("name", "hot", "from", 50)),
                "rules", arr(
                        obj("id", "pricing-page", "label", "Viewed pricing", "event", "page_view",
                                "where", arr(obj("property", "url", "op", "contains", "value", "/pricing")),
                                "points", 15, "maxTimes", 3, "per", "P7D"),
                        obj("id", "demo", "label", "Requested a demo", "event", "demo_request", "points", 40),
                        obj("id", "careers", "label", "Visited careers", "event", "page_view",
                                "where", arr(obj("property", "url", "op", "contains", "value", "/careers")),
                                "points", -10),
                        obj("id", "senior-title", "label", "Senior job title", "attribute", "jobTitle", "op", "matches",
                                "value", "\\b(vp|director|head|chief)\\b", "points", 20),
                        obj("id", "mid-market", "attribute", "companySize", "op", "gte", "value", 200, "points", 15)));
    }

    public static ScoringModel model() {
        return ModelParser.parse("engagement", 1, json()).orElseThrow();
    }
}
