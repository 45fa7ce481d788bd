package io.leadscore.scoring.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import io.leadscore.scoring.engine.model.Condition;
import io.leadscore.scoring.engine.model.ModelError;
import io.leadscore.scoring.engine.model.ModelParseResult;
import io.leadscore.scoring.engine.model.ModelParser;
import io.leadscore.scoring.engine.model.Operator;
import io.leadscore.scoring.engine.model.ScoringModel;

/**
 * Keeps {@code docs/scoring-model.md} true: every worked example in it is run through the real engine and every
 * documented number, band, contribution, cap exclusion and error message must come out exactly (numbers to 1e-9).
 *
 * <p>
 * The reference marks its examples with fenced blocks whose info string is {@code json <kind>}:
 * <ul>
 * <li>{@code json model}: a model document as sent to {@code PUT /v1/models/{id}}. It starts an example and must be
 * valid, unless the next block is {@code json errors}.</li>
 * <li>{@code json errors}: the {@code errors} array of the 400 for the preceding model, in order:
 * {@code {"rule"?, "field", "message"}}.</li>
 * <li>{@code json events}: the lead's events for the preceding model: {@code eventId}, {@code type},
 * {@code occurredAt}, optional {@code properties} and {@code attributes}, in any order.</li>
 * <li>{@code json expected}: the explanation at {@code at}: {@code raw}, {@code score}, {@code band},
 * {@code contributions} in summation order ({@code rule}, optional {@code label}, {@code event} or {@code attribute},
 * {@code points}, {@code decay}, {@code effective}), {@code excluded} (default none: {@code rule}, optional
 * {@code label}, {@code event}, {@code reason}),
 * optionally {@code profile} and {@code nextChange} (an instant, or null for never). An example may have several.</li>
 * <li>{@code json conditions}: operator rows {@code {"op", "value"?, "actual"?, "holds"}} on one property
 * ({@code actual} absent: the property is missing), or {@code {"op", "value", "error"}} for a rejected value.</li>
 * </ul>
 * Other code blocks are prose and not checked.
 */
class ScoringModelDocTest {

    private static final Path DOC = Path.of("..", "docs", "scoring-model.md");
    private static final double TOLERANCE = 1e-9;
    private static final Set<String> KINDS = Set.of("model", "errors", "events", "expected", "conditions");

    private record Block(String kind, String heading, int line, String text) {
        Object json() {
            try {
                return DocJson.parse(text);
            } catch (IllegalArgumentException e) {
                throw new AssertionError(where() + ": " + e.getMessage(), e);
            }
        }

        String where() {
            return DOC + ":" + line + " (" + heading + ", json " + kind + ")";
        }
    }

    private static final class Example {
        final Block model;
        Block errors;
        Block events;
        final List<Block> expected = new ArrayList<>();

        Example(Block model) {
            this.model = model;
        }
    }

    @TestFactory
    Stream<DynamicTest> workedExamplesComeOutAsDocumented() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Example example : examples()) {
            if (example.errors != null) {
                tests.add(DynamicTest.dynamicTest(example.model.heading() + ": rejected as documented",
                        () -> assertRejected(example)));
                continue;
            }
            tests.add(DynamicTest.dynamicTest(example.model.heading() + ": model is valid",
                    () -> parseValid(example.model)));
            for (Block expected : example.expected) {
                tests.add(DynamicTest.dynamicTest(example.model.heading() + " at line " + expected.line(),
                        () -> assertScoredAsDocumented(example, expected)));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> operatorRowsHoldAsDocumented() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Block block : blocks()) {
            if (!block.kind().equals("conditions")) {
                continue;
            }
            List<Object> rows = list(block.json(), block.where());
            for (int i = 0; i < rows.size(); i++) {
                Map<String, Object> row = map(rows.get(i), block.where() + " row " + i);
                String name = block.where() + " row " + (i + 1) + ": " + row;
                tests.add(DynamicTest.dynamicTest(name, () -> assertConditionRow(row, name)));
            }
        }
        return tests.stream();
    }

    /** The reference promises these; a rewrite that drops one must fail here rather than go unnoticed. */
    @Test
    void theReferenceKeepsItsWorkedExamples() {
        List<Example> examples = examples();
        long scored = examples.stream().filter(e -> !e.expected.isEmpty()).count();
        assertTrue(scored >= 8, "expected at least 8 scored worked examples in " + DOC + ", found " + scored);
        assertTrue(examples.stream().anyMatch(e -> e.errors != null), "no rejected model (json errors) in " + DOC);
        assertTrue(blocks().stream().anyMatch(b -> b.kind().equals("conditions")),
                "no operator table (json conditions) in " + DOC);
        for (Example example : examples) {
            if (example.errors == null && example.events != null) {
                assertTrue(!example.expected.isEmpty(), example.events.where() + ": events without json expected");
            }
        }
    }

    // --- scoring

    private static void assertScoredAsDocumented(Example example, Block block) {
        String where = block.where();
        ScoringModel model = parseValid(example.model);
        List<Fact> facts = example.events == null ? List.of() : facts(example.events);
        Map<String, Object> expected = map(block.json(), where);
        Instant at = instant(required(expected, "at", where), where + " at");

        Explanation explanation = Scorer.explain(model, facts, at);

        assertNumber(required(expected, "raw", where), explanation.raw(), where + ": raw");
        assertNumber(required(expected, "score", where), explanation.score(), where + ": score");
        assertTrue(expected.containsKey("band"), where + ": band is required (null: below every band)");
        assertEquals(expected.get("band"), explanation.band(), where + ": band");
        assertEquals(new ScoreResult(explanation.score(), explanation.band()), Scorer.score(model, facts, at),
                where + ": score() must agree with explain()");

        List<Object> contributions = list(required(expected, "contributions", where), where + " contributions");
        assertEquals(contributions.size(), explanation.contributions().size(),
                () -> where + ": number of contributions; the engine gave " + describe(explanation.contributions()));
        for (int i = 0; i < contributions.size(); i++) {
            assertContribution(map(contributions.get(i), where), explanation.contributions().get(i),
                    where + " contributions[" + i + "]");
        }

        List<Object> excluded = expected.containsKey("excluded")
                ? list(expected.get("excluded"), where + " excluded")
                : List.of();
        assertEquals(excluded.size(), explanation.excluded().size(),
                () -> where + ": number of cap exclusions; the engine gave " + explanation.excluded());
        for (int i = 0; i < excluded.size(); i++) {
            Map<String, Object> row = map(excluded.get(i), where);
            CappedMatch actual = explanation.excluded().get(i);
            String rowWhere = where + " excluded[" + i + "]";
            assertEquals(row.get("rule"), actual.ruleId(), rowWhere + ": rule");
            if (row.containsKey("label")) {
                assertEquals(row.get("label"), actual.label(), rowWhere + ": label");
            }
            assertEquals(row.get("event"), actual.eventId(), rowWhere + ": event");
            assertEquals(row.get("reason"), actual.reason(), rowWhere + ": reason");
        }

        if (expected.containsKey("profile")) {
            assertEquals(expected.get("profile"), new LinkedHashMap<>(explanation.profile()), where + ": profile");
        }
        if (expected.containsKey("nextChange")) {
            Object next = expected.get("nextChange");
            Optional<Instant> actual = Scorer.nextChange(model, facts, at);
            assertEquals(next == null ? Optional.empty() : Optional.of(instant(next, where + " nextChange")), actual,
                    where + ": nextChange");
        }
    }

    private static void assertContribution(Map<String, Object> row, Contribution actual, String where) {
        assertEquals(row.get("rule"), actual.ruleId(), where + ": rule");
        if (row.containsKey("label")) {
            assertEquals(row.get("label"), actual.label(), where + ": label");
        }
        if (row.containsKey("event")) {
            assertEquals(Contribution.Kind.EVENT, actual.kind(), where + ": kind");
            assertEquals(row.get("event"), actual.eventId(), where + ": event");
        } else {
            assertEquals(Contribution.Kind.ATTRIBUTE, actual.kind(), where + ": kind");
            assertEquals(required(row, "attribute", where), actual.attribute(), where + ": attribute");
        }
        assertNumber(required(row, "points", where), actual.points(), where + ": points");
        assertNumber(required(row, "decay", where), actual.decayFactor(), where + ": decay");
        assertNumber(required(row, "effective", where), actual.effectivePoints(), where + ": effective");
    }

    private static String describe(List<Contribution> contributions) {
        StringBuilder out = new StringBuilder();
        for (Contribution c : contributions) {
            out.append("\n  ").append(c.ruleId()).append(' ')
                    .append(c.kind() == Contribution.Kind.EVENT ? c.eventId() : c.attribute()).append(' ')
                    .append(c.points()).append(" x ").append(c.decayFactor()).append(" = ").append(c.effectivePoints());
        }
        return out.toString();
    }

    private static List<Fact> facts(Block block) {
        List<Fact> facts = new ArrayList<>();
        for (Object item : list(block.json(), block.where())) {
            Map<String, Object> event = map(item, block.where());
            String where = block.where() + " event " + event.get("eventId");
            for (String field : event.keySet()) {
                assertTrue(Set.of("eventId", "type", "occurredAt", "properties", "attributes").contains(field),
                        where + ": unknown field " + field);
            }
            facts.add(new Fact((String) required(event, "eventId", where), (String) required(event, "type", where),
                    instant(required(event, "occurredAt", where), where), optionalMap(event.get("properties"), where),
                    optionalMap(event.get("attributes"), where)));
        }
        return facts;
    }

    // --- validation and operators

    private static void assertRejected(Example example) {
        Map<String, Object> json = map(example.model.json(), example.model.where());
        ModelParseResult result = ModelParser.parse("doc-example", 1, json);
        String where = example.errors.where();
        assertTrue(!result.isValid(), where + ": the model was accepted");
        List<Object> expected = list(example.errors.json(), where);
        List<ModelError> actual = result.errors();
        assertEquals(expected.size(), actual.size(), () -> where + ": number of errors; the engine gave " + actual);
        for (int i = 0; i < expected.size(); i++) {
            Map<String, Object> row = map(expected.get(i), where);
            ModelError error = actual.get(i);
            assertEquals(new ModelError((String) row.get("rule"), (String) row.get("field"), (String) row.get("message")),
                    error, where + " errors[" + i + "]");
        }
    }

    private static void assertConditionRow(Map<String, Object> row, String where) {
        Object opName = required(row, "op", where);
        Operator operator = Operator.fromJsonName((String) opName)
                .orElseThrow(() -> new AssertionError(where + ": unknown operator " + opName));
        Object value = row.get("value");
        if (row.containsKey("error")) {
            assertEquals(row.get("error"), Condition.problemWith(operator, value), where + ": error");
            return;
        }
        Condition condition = Condition.of("x", operator, value);
        Map<String, Object> properties = new LinkedHashMap<>();
        if (row.containsKey("actual")) {
            properties.put("x", row.get("actual"));
        }
        assertEquals(required(row, "holds", where), condition.holdsOn(properties), where + ": holds");
    }

    // --- reading the document

    private static ScoringModel parseValid(Block block) {
        Map<String, Object> json = map(block.json(), block.where());
        ModelParseResult result = ModelParser.parse("doc-example", 1, json);
        if (!result.isValid()) {
            fail(block.where() + ": the model is invalid: " + result.errors());
        }
        return result.orElseThrow();
    }

    private static List<Example> examples() {
        List<Example> examples = new ArrayList<>();
        Example current = null;
        Block previous = null;
        for (Block block : blocks()) {
            switch (block.kind()) {
                case "model" -> {
                    current = new Example(block);
                    examples.add(current);
                }
                case "errors" -> {
                    assertTrue(previous != null && previous.kind().equals("model"),
                            block.where() + ": json errors must follow its json model");
                    current.errors = block;
                }
                case "events" -> {
                    assertNotNull(current, block.where() + ": json events before any json model");
                    assertTrue(current.events == null && current.expected.isEmpty(),
                            block.where() + ": one json events per example, before its json expected");
                    current.events = block;
                }
                case "expected" -> {
                    assertNotNull(current, block.where() + ": json expected before any json model");
                    assertTrue(current.errors == null, block.where() + ": json expected for a rejected model");
                    current.expected.add(block);
                }
                default -> {
                }
            }
            previous = block;
        }
        return examples;
    }

    private static List<Block> blocks() {
        if (!Files.isRegularFile(DOC)) {
            fail("the scoring-model reference " + DOC.toAbsolutePath().normalize()
                    + " is missing; this test checks its worked examples (run it from the scoring-engine module)");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(DOC, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + DOC, e);
        }
        List<Block> blocks = new ArrayList<>();
        String heading = "(no heading)";
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("#")) {
                heading = line.replaceFirst("^#+\\s*", "");
                continue;
            }
            if (!line.startsWith("```")) {
                continue;
            }
            String[] info = line.substring(3).trim().split("\\s+");
            int start = i + 1;
            StringBuilder text = new StringBuilder();
            i++;
            while (i < lines.size() && !lines.get(i).startsWith("```")) {
                text.append(lines.get(i)).append('\n');
                i++;
            }
            if (i == lines.size()) {
                fail(DOC + ":" + start + ": unterminated code block");
            }
            if (info.length >= 2 && info[0].equals("json")) {
                assertTrue(KINDS.contains(info[1]), DOC + ":" + start + ": unknown block kind 'json " + info[1]
                        + "' (known: " + KINDS + ")");
                blocks.add(new Block(info[1], heading, start, text.toString()));
            }
        }
        return blocks;
    }

    // --- small helpers

    private static Object required(Map<String, Object> map, String key, String where) {
        Object value = map.get(key);
        if (value == null) {
            fail(where + ": '" + key + "' is required");
        }
        return value;
    }

    private static void assertNumber(Object expected, double actual, String where) {
        if (!(expected instanceof Number number)) {
            fail(where + ": expected a number, not " + expected);
            return;
        }
        assertEquals(number.doubleValue(), actual, TOLERANCE, where);
    }

    private static Instant instant(Object value, String where) {
        if (!(value instanceof String text)) {
            throw new AssertionError(where + ": an ISO-8601 instant is required, not " + value);
        }
        return Instant.parse(text);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String where) {
        if (!(value instanceof Map)) {
            throw new AssertionError(where + ": expected a JSON object, not " + value);
        }
        return (Map<String, Object>) value;
    }

    private static Map<String, Object> optionalMap(Object value, String where) {
        return value == null ? null : map(value, where);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value, String where) {
        if (!(value instanceof List)) {
            throw new AssertionError(where + ": expected a JSON array, not " + Objects.toString(value));
        }
        return (List<Object>) value;
    }
}
