package io.leadscore.scoring.engine.model;

import static io.leadscore.scoring.engine.Json.arr;
import static io.leadscore.scoring.engine.Json.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.leadscore.scoring.engine.ExampleModel;

class ModelParserTest {

    private static Map<String, Object> withRules(Object... rules) {
        return obj("name", "Test", "bands", arr(obj("name", "all", "from", null)), "rules", arr(rules));
    }

    private static Map<String, Object> pageView(String id) {
        return obj("id", id, "event", "page_view", "points", 5);
    }

    private static List<ModelError> errorsOf(Map<String, Object> json) {
        ModelParseResult result = ModelParser.parse("m", 1, json);
        assertFalse(result.isValid(), "expected errors for " + json);
        assertFalse(result.errors().isEmpty());
        return result.errors();
    }

    /** Exactly one error, about this rule and field, saying this. */
    private static void assertOnlyError(Map<String, Object> json, String ruleId, String field, String messagePart) {
        List<ModelError> errors = errorsOf(json);
        assertEquals(1, errors.size(), () -> "expected one error, got " + errors);
        assertHasError(errors, ruleId, field, messagePart);
    }

    private static void assertHasError(List<ModelError> errors, String ruleId, String field, String messagePart) {
        assertTrue(errors.stream().anyMatch(e -> java.util.Objects.equals(ruleId, e.ruleId()) && field.equals(e.field())
                && e.message().contains(messagePart)),
                () -> "no error (" + ruleId + ", " + field + ", …" + messagePart + "…) in " + errors);
    }

    @Test
    void parsesTheExampleModel() {
        ScoringModel model = ModelParser.parse("engagement", 3, ExampleModel.json()).orElseThrow();

        assertEquals("engagement", model.modelId());
        assertEquals(3, model.version());
        assertEquals("Engagement", model.name());
        assertEquals(Duration.ofDays(30), model.halfLife());
        assertEquals(0.0, model.floor());
        assertEquals(100.0, model.cap());
        assertEquals(List.of(new Band("cold", null), new Band("warm", 21.0), new Band("hot", 50.0)), model.bands());
        assertEquals(List.of("pricing-page", "demo", "careers", "senior-title", "mid-market"),
                model.rules().stream().map(Rule::id).toList());

        EventRule pricing = (EventRule) model.rules().get(0);
        assertEquals("page_view", pricing.eventType());
        assertEquals(List.of(Condition.of("url", Operator.CONTAINS, "/pricing")), pricing.where());
        assertEquals(15.0, pricing.points());
        assertEquals(3, pricing.maxTimes());
        assertEquals(Duration.ofDays(7), pricing.per());

        EventRule demo = (EventRule) model.rules().get(1);
        assertEquals(List.of(), demo.where());
        assertNull(demo.maxTimes());
        assertNull(demo.per());

        AttributeRule senior = (AttributeRule) model.rules().get(3);
        assertEquals("jobTitle", senior.attribute());
        assertEquals(List.of("Viewed pricing", "Requested a demo", "Visited careers", "Senior job title", "mid-market"),
                model.rules().stream().map(Rule::label).toList(), "a rule without a label is labelled by its id");
        assertEquals(Operator.MATCHES, senior.condition().operator());
        assertTrue(senior.condition().pattern().isPresent(), "the regex is compiled once, at parse time");
        assertEquals(List.of(senior, model.rules().get(4)), model.attributeRules());
        assertEquals(3, model.eventRules().size());
    }

    @Test
    void optionalFieldsMayBeAbsentOrNull() {
        ScoringModel model = ModelParser.parse("m", 1,
                obj("name", "Plain", "halfLife", null, "floor", null, "bands", arr(obj("name", "all")),
                        "rules", arr(obj("id", "a", "event", "page_view", "where", null, "points", 1.5, "maxTimes", null))))
                .orElseThrow();

        assertNull(model.halfLife());
        assertNull(model.floor());
        assertNull(model.cap());
        assertEquals(new Band("all", null), model.bands().get(0));
    }

    @Test
    void acceptsDurationsInDaysWeeksAndTime() {
        assertEquals(Duration.ofDays(30), IsoDurations.parse("P30D"));
        assertEquals(Duration.ofDays(14), IsoDurations.parse("P2W"));
        assertEquals(Duration.ofHours(36), IsoDurations.parse("P1DT12H"));
        assertEquals("P7D", IsoDurations.format(Duration.ofDays(7)));
        assertEquals("PT12H", IsoDurations.format(Duration.ofHours(12)));
    }

    @Test
    void notAnObject() {
        assertOnlyError(null, null, "$", "JSON object");
    }

    @Test
    void missingOrBlankName() {
        Map<String, Object> json = withRules();
        json.remove("name");
        assertOnlyError(json, null, "name", "name is required");

        json.put("name", "  ");
        assertOnlyError(json, null, "name", "name is required");

        json.put("name", 42);
        assertOnlyError(json, null, "name", "must be a string");
    }

    @Test
    @SuppressWarnings("unchecked")
    void unknownFieldsAtEveryLevel() {
        Map<String, Object> json = withRules(
                obj("id", "views", "event", "page_view", "points", 1, "weight", 2,
                        "where", arr(obj("property", "url", "op", "eq", "value", "/", "negate", true))));
        json.put("colour", "blue");
        ((Map<String, Object>) ((List<?>) json.get("bands")).get(0)).put("to", 10);

        List<ModelError> errors = errorsOf(json);

        assertEquals(4, errors.size(), errors::toString);
        assertHasError(errors, null, "colour", "unknown model field 'colour'");
        assertHasError(errors, null, "bands[0].to", "unknown band field 'to'");
        assertHasError(errors, "views", "rules[0].weight", "unknown rule field 'weight'");
        assertHasError(errors, "views", "rules[0].where[0].negate", "unknown condition field 'negate'");
    }

    @Test
    void ruleNeedsExactlyOneOfEventAndAttribute() {
        assertOnlyError(withRules(obj("id", "nothing", "points", 1)), "nothing", "rules[0]", "needs event");
        assertOnlyError(withRules(obj("id", "both", "event", "page_view", "attribute", "jobTitle", "op", "exists",
                "points", 1)), "both", "rules[0]", "not both");
    }

    @Test
    void ruleIdsMustBePresentValidAndUnique() {
        assertOnlyError(withRules(obj("event", "page_view", "points", 1)), null, "rules[0].id", "id is required");
        assertOnlyError(withRules(obj("id", " ", "event", "page_view", "points", 1)), null, "rules[0].id",
                "id is required");
        assertOnlyError(withRules(obj("id", 7, "event", "page_view", "points", 1)), null, "rules[0].id",
                "must be a string");
        assertOnlyError(withRules(pageView("-leading-dash")), "-leading-dash", "rules[0].id", "must match");
        assertOnlyError(withRules(pageView("x".repeat(65))), "x".repeat(65), "rules[0].id", "must match");
        assertOnlyError(withRules(pageView("views"), pageView("other"), pageView("views")), "views", "rules[2].id",
                "duplicate rule id 'views' (also rules[0])");
        assertTrue(ModelParser.parse("m", 1, withRules(pageView("A1_b.c-d"), pageView("x".repeat(64)))).isValid());
    }

    @Test
    void labelsAreOptionalTrimmedAndDefaultToTheId() {
        ScoringModel model = ModelParser.parse("m", 1, withRules(
                obj("id", "demo", "label", "  Requested a demo ", "event", "demo_request", "points", 40),
                obj("id", "plain", "label", null, "event", "page_view", "points", 1),
                obj("id", "senior", "label", "Senior job title — VP, director or head of", "attribute", "jobTitle",
                        "op", "exists", "points", 20),
                obj("id", "long", "label", "é".repeat(ModelParser.MAX_LABEL_LENGTH), "event", "email_open",
                        "points", 1)))
                .orElseThrow();

        assertEquals(List.of("Requested a demo", "plain", "Senior job title — VP, director or head of",
                "é".repeat(ModelParser.MAX_LABEL_LENGTH)), model.rules().stream().map(Rule::label).toList());
        assertEquals("plain", new EventRule("plain", "page_view", List.of(), 1, null, null).label());
        assertEquals("a", new AttributeRule("a", Condition.of("x", Operator.EXISTS, null), 1).label());
    }

    @Test
    void labelsMustBeShortNonBlankOneLineStrings() {
        assertOnlyError(withRules(obj("id", "demo", "label", 40, "event", "demo_request", "points", 40)), "demo",
                "rules[0].label", "label must be a string, not 40");
        assertOnlyError(withRules(obj("id", "demo", "label", arr("Demo"), "event", "demo_request", "points", 40)),
                "demo", "rules[0].label", "label must be a string, not an array");
        assertOnlyError(withRules(obj("id", "demo", "label", " \t ", "event", "demo_request", "points", 40)), "demo",
                "rules[0].label", "label must not be blank (leave it out to show the rule id)");
        assertOnlyError(withRules(obj("id", "demo", "label", "", "event", "demo_request", "points", 40)), "demo",
                "rules[0].label", "label must not be blank");
        assertOnlyError(withRules(obj("id", "big", "label", "x".repeat(121), "attribute", "companySize", "op", "gte",
                "value", 200, "points", 15)), "big", "rules[0].label", "label must be at most 120 characters, not 121");
        assertOnlyError(withRules(obj("id", "demo", "label", "Requested\na demo", "event", "demo_request",
                "points", 40)), "demo", "rules[0].label", "label must be one line without control characters");
        // A rule without a usable id is still told what is wrong with its label.
        List<ModelError> errors = errorsOf(withRules(obj("label", true, "event", "demo_request", "points", 40)));
        assertEquals(List.of(new ModelError(null, "rules[0].id", "id is required"),
                new ModelError(null, "rules[0].label", "label must be a string, not true")), errors);
    }

    @Test
    void pointsMustBeAFiniteNumber() {
        assertOnlyError(withRules(obj("id", "r", "event", "page_view")), "r", "rules[0].points", "points is required");
        assertOnlyError(withRules(obj("id", "r", "event", "page_view", "points", "10")), "r", "rules[0].points",
                "finite number");
        assertOnlyError(withRules(obj("id", "r", "event", "page_view", "points", Double.POSITIVE_INFINITY)), "r",
                "rules[0].points", "finite number");
        assertOnlyError(withRules(obj("id", "r", "event", "page_view", "points", Double.NaN)), "r", "rules[0].points",
                "finite number");
    }

    @Test
    void eventTypesFollowTheNamingRule() {
        assertOnlyError(withRules(obj("id", "r", "event", "Page View", "points", 1)), "r", "rules[0].event",
                "[a-z][a-z0-9_.]{0,63}");
        assertOnlyError(withRules(obj("id", "r", "event", 12, "points", 1)), "r", "rules[0].event", "event type");
        assertTrue(ModelParser.parse("m", 1, withRules(obj("id", "r", "event", "email.clicked_2", "points", 1)))
                .isValid());
    }

    @Test
    void unknownOperator() {
        assertOnlyError(withRules(obj("id", "r", "event", "page_view", "points", 1,
                "where", arr(obj("property", "url", "op", "like", "value", "x")))), "r", "rules[0].where[0].op",
                "unknown operator \"like\"");
        assertOnlyError(withRules(obj("id", "r", "attribute", "jobTitle", "op", "EQ", "value", "x", "points", 1)), "r",
                "rules[0].op", "unknown operator");
        assertOnlyError(withRules(obj("id", "r", "attribute", "jobTitle", "value", "x", "points", 1)), "r",
                "rules[0].op", "op is required");
    }

    @Test
    void badRegexIsReportedWithTheRegexError() {
        assertOnlyError(withRules(obj("id", "title", "attribute", "jobTitle", "op", "matches", "value", "(vp|director",
                "points", 1)), "title", "rules[0].value", "invalid regex: Unclosed group");
        assertOnlyError(withRules(obj("id", "title", "attribute", "jobTitle", "op", "matches", "value", 5,
                "points", 1)), "title", "rules[0].value", "regex string");
    }

    @Test
    void operatorValuesMustSuitTheOperator() {
        assertOnlyError(condition("in", "a,b"), "r", "rules[0].where[0].value", "in takes an array value");
        assertOnlyError(condition("in", arr("a", arr("nested"))), "r", "rules[0].where[0].value",
                "in values must be strings, numbers or booleans");
        assertOnlyError(condition("gt", "lots"), "r", "rules[0].where[0].value", "gt compares numbers");
        assertOnlyError(condition("lte", true), "r", "rules[0].where[0].value", "lte compares numbers");
        assertOnlyError(condition("exists", "yes"), "r", "rules[0].where[0].value", "exists takes a boolean value");
        assertOnlyError(condition("eq", arr("a")), "r", "rules[0].where[0].value", "string, number or boolean");
        assertOnlyError(condition("contains", obj("a", 1)), "r", "rules[0].where[0].value", "string, number or boolean");
        for (String op : List.of("eq", "neq", "contains", "startsWith", "in", "gte")) {
            assertOnlyError(condition(op, null), "r", "rules[0].where[0].value", "value is required for op " + op);
        }
        assertTrue(ModelParser.parse("m", 1, condition("gte", "250")).isValid(), "a numeric string is a number");
        assertTrue(ModelParser.parse("m", 1, condition("exists", null)).isValid(), "exists defaults to true");
        assertTrue(ModelParser.parse("m", 1, condition("exists", false)).isValid());
    }

    private static Map<String, Object> condition(String op, Object value) {
        return withRules(obj("id", "r", "event", "page_view", "points", 1,
                "where", arr(obj("property", "p", "op", op, "value", value))));
    }

    @Test
    void whereEntriesNeedAPropertyAndAreObjects() {
        assertOnlyError(withRules(obj("id", "r", "event", "page_view", "points", 1,
                "where", arr(obj("op", "eq", "value", "x")))), "r", "rules[0].where[0].property", "property is required");
        assertOnlyError(withRules(obj("id", "r", "event", "page_view", "points", 1, "where", arr("url"))), "r",
                "rules[0].where[0]", "must be a JSON object");
        assertOnlyError(withRules(obj("id", "r", "event", "page_view", "points", 1, "where", obj("url", "x"))), "r",
                "rules[0].where", "must be an array");
    }

    @Test
    void capsNeedAPositiveIntegerAndAPositiveWindow() {
        for (Object bad : List.of(0, -1, 2.5, "3")) {
            assertOnlyError(withRules(obj("id", "r", "event", "page_view", "points", 1, "maxTimes", bad)), "r",
                    "rules[0].maxTimes", "integer of at least 1");
        }
        assertOnlyError(withRules(obj("id", "r", "event", "page_view", "points", 1, "per", "P7D")), "r",
                "rules[0].per", "per needs maxTimes");
        for (Object bad : List.of("PT0S", "-P1D", "weekly", "P1M", 7)) {
            assertOnlyError(withRules(obj("id", "r", "event", "page_view", "points", 1, "maxTimes", 1, "per", bad)), "r",
                    "rules[0].per", "positive ISO-8601 duration");
        }
        ScoringModel model = ModelParser.parse("m", 1,
                withRules(obj("id", "r", "event", "page_view", "points", 1, "maxTimes", 2.0, "per", "P2W")))
                .orElseThrow();
        assertEquals(2, ((EventRule) model.rules().get(0)).maxTimes());
        assertEquals(Duration.ofDays(14), ((EventRule) model.rules().get(0)).per());
    }

    /** Beyond 100 years an instant that far from an event no longer fits Instant: the event could never be scored. */
    @Test
    void durationsAreAtMostAHundredYears() {
        for (String huge : List.of("P36526D", "P400000000000D", "PT1000000000000H")) {
            assertOnlyError(withRules(obj("id", "r", "event", "page_view", "points", 1, "maxTimes", 1, "per", huge)),
                    "r", "rules[0].per", "at most P36525D");
            Map<String, Object> json = withRules();
            json.put("halfLife", huge);
            assertOnlyError(json, null, "halfLife", "at most P36525D");
        }
        Map<String, Object> json = withRules(obj("id", "r", "event", "page_view", "points", 1, "maxTimes", 1, "per",
                "P36525D"));
        json.put("halfLife", "P36525D");
        ScoringModel model = ModelParser.parse("m", 1, json).orElseThrow();
        assertEquals(Duration.ofDays(36_525), model.halfLife());
    }

    @Test
    void halfLifeMustBeAPositiveDuration() {
        for (Object bad : List.of("PT0S", "-P30D", "P1Y", "thirty days", 30)) {
            Map<String, Object> json = withRules();
            json.put("halfLife", bad);
            assertOnlyError(json, null, "halfLife", "positive ISO-8601 duration");
        }
        Map<String, Object> json = withRules();
        json.put("halfLife", "PT0.0005S");
        assertOnlyError(json, null, "halfLife", "at least 1 ms");
    }

    @Test
    void fieldsThatBelongToTheOtherRuleKind() {
        List<ModelError> errors = errorsOf(withRules(
                obj("id", "event-with-op", "event", "page_view", "op", "eq", "value", "x", "points", 1),
                obj("id", "attr-with-cap", "attribute", "jobTitle", "op", "exists", "points", 1, "maxTimes", 2,
                        "where", arr(obj("property", "url", "op", "exists")))));

        assertEquals(4, errors.size(), errors::toString);
        assertHasError(errors, "event-with-op", "rules[0].op", "attribute rules only");
        assertHasError(errors, "event-with-op", "rules[0].value", "attribute rules only");
        assertHasError(errors, "attr-with-cap", "rules[1].maxTimes", "event rules only");
        assertHasError(errors, "attr-with-cap", "rules[1].where", "event rules only");
    }

    @Test
    void floorMustNotExceedCap() {
        Map<String, Object> json = withRules();
        json.put("floor", 50);
        json.put("cap", 10);
        assertOnlyError(json, null, "floor", "must not be greater than cap");

        json.put("cap", "high");
        assertOnlyError(json, null, "cap", "finite number");
    }

    @Test
    void bandsAreRequiredNamedUniqueNumericAndIncreasing() {
        Map<String, Object> json = withRules();
        json.remove("bands");
        assertOnlyError(json, null, "bands", "at least one band");
        json.put("bands", arr());
        assertOnlyError(json, null, "bands", "at least one band");
        json.put("bands", "hot");
        assertOnlyError(json, null, "bands", "must be an array");

        json.put("bands", arr(obj("from", null)));
        assertOnlyError(json, null, "bands[0].name", "name is required");
        json.put("bands", arr(obj("name", "warm", "from", 10), obj("name", "warm", "from", 20)));
        assertOnlyError(json, null, "bands[1].name", "duplicate band name 'warm' (also bands[0])");
        json.put("bands", arr(obj("name", "cold", "from", null), obj("name", "warm", "from", "20")));
        assertOnlyError(json, null, "bands[1].from", "from must be a number");
        json.put("bands", arr(obj("name", "cold", "from", 0), obj("name", "warm", "from", null)));
        assertOnlyError(json, null, "bands[1].from", "only the first band may have from: null");
        json.put("bands", arr(obj("name", "cold", "from", null), obj("name", "hot", "from", 50),
                obj("name", "warm", "from", 21)));
        assertOnlyError(json, null, "bands[2].from", "bands out of order");
        json.put("bands", arr(obj("name", "a", "from", 10), obj("name", "b", "from", 10)));
        assertOnlyError(json, null, "bands[1].from", "bands out of order");
    }

    @Test
    void atMostTwoHundredRules() {
        List<Object> rules = new ArrayList<>();
        for (int i = 0; i < 201; i++) {
            rules.add(pageView("r" + i));
        }
        Map<String, Object> json = withRules();
        json.put("rules", rules);
        assertOnlyError(json, null, "rules", "at most 200 rules");

        rules.remove(200);
        assertTrue(ModelParser.parse("m", 1, json).isValid());
    }

    @Test
    void rulesMustBeAnArrayOfObjects() {
        Map<String, Object> json = withRules("not a rule");
        assertOnlyError(json, null, "rules[0]", "must be a JSON object");
        json.remove("rules");
        assertOnlyError(json, null, "rules", "rules is required");
    }

    @Test
    void reportsEveryProblemNotJustTheFirst() {
        Map<String, Object> json = obj("name", "", "halfLife", "soon", "floor", 10, "cap", 5, "extra", 1,
                "bands", arr(obj("name", "b", "from", 5), obj("name", "b", "from", 1)),
                "rules", arr(
                        obj("id", "ok", "event", "page_view", "points", 1),
                        obj("id", "ok", "event", "PAGE", "points", "x"),
                        obj("id", "regex", "attribute", "title", "op", "matches", "value", "[", "points", 1),
                        obj("id", "window", "event", "page_view", "points", 1, "per", "P1D",
                                "where", arr(obj("property", "n", "op", "gt", "value", "many"),
                                        obj("property", "m", "op", "between", "value", 1)))));

        List<ModelError> errors = errorsOf(json);

        assertHasError(errors, null, "name", "name is required");
        assertHasError(errors, null, "halfLife", "positive ISO-8601 duration");
        assertHasError(errors, null, "floor", "must not be greater than cap");
        assertHasError(errors, null, "extra", "unknown model field");
        assertHasError(errors, null, "bands[1].name", "duplicate band name");
        assertHasError(errors, null, "bands[1].from", "bands out of order");
        assertHasError(errors, "ok", "rules[1].id", "duplicate rule id");
        assertHasError(errors, "ok", "rules[1].event", "event type");
        assertHasError(errors, "ok", "rules[1].points", "finite number");
        assertHasError(errors, "regex", "rules[2].value", "invalid regex");
        assertHasError(errors, "window", "rules[3].per", "per needs maxTimes");
        assertHasError(errors, "window", "rules[3].where[0].value", "gt compares numbers");
        assertHasError(errors, "window", "rules[3].where[1].op", "unknown operator \"between\"");
        assertEquals(13, errors.size(), errors::toString);
        InvalidModelException thrown = assertThrows(InvalidModelException.class,
                () -> ModelParser.parse("m", 1, json).orElseThrow());
        assertEquals(errors, thrown.errors());
    }

    @Test
    void conditionFactoryRejectsWhatTheParserRejects() {
        assertThrows(IllegalArgumentException.class, () -> Condition.of("x", Operator.GT, "many"));
        assertThrows(IllegalArgumentException.class, () -> Condition.of("x", Operator.MATCHES, "("));
        assertEquals(Condition.of("x", Operator.EQ, "a"), Condition.of("x", Operator.EQ, "a"));
    }
}
