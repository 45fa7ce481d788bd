package io.leadscore.ingest.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** The hand-written type check accepts exactly what the documented pattern accepts. */
class EventTypeTest {

    @Test
    void agreesWithThePatternOnRandomAndEdgeCases() {
        String[] edges = {"", "a", "page_view", "email.open", "a".repeat(64), "a".repeat(65), "Page View", "1abc", "_a",
                ".a", "a-b", "aé", "a b", "a\u0000", "z9_.", "{", "`", "a/", "a:"};
        for (String t : edges) {
            assertEquals(EventValidator.TYPE.matcher(t).matches(), EventValidator.isType(t), "'" + t + "'");
        }
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String alphabet = "abcz09_.-AZ /:`{@é\u0000";
        for (int i = 0; i < 100_000; i++) {
            var b = new StringBuilder();
            for (int n = random.nextInt(70); n > 0; n--) {
                b.append(random.nextInt(4) == 0
                        ? alphabet.charAt(random.nextInt(alphabet.length()))
                        : (char) ('a' + random.nextInt(26)));
            }
            String t = b.toString();
            assertEquals(EventValidator.TYPE.matcher(t).matches(), EventValidator.isType(t), "seed " + seed + ": '" + t
                    + "'");
        }
    }
}
