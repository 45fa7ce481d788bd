package io.leadscore.ingest.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.leadscore.contracts.ContractsJson;
import io.leadscore.contracts.LeadEvent;

/**
 * The streaming writer produces, byte for byte, what the ObjectMapper writes for the same envelope: random events
 * (seeded; the seed is in every failure message) with every value kind the validator lets through.
 */
class LeadEventJsonTest {

    // Configured like the service's mapper (Quarkus: ISO-8601 instants, unknown properties ignored).
    final ObjectMapper mapper = ContractsJson.configure(new ObjectMapper());
    final LeadEventJson json = new LeadEventJson(mapper);

    @Test
    void writesExactlyWhatTheObjectMapperWrites() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int round = 0; round < 200; round++) {
            Instant receivedAt = Instant.ofEpochSecond(1_700_000_000L + random.nextInt(1_000_000),
                    random.nextInt(3) == 0 ? 0 : random.nextInt(1_000_000_000));
            List<LeadEvent> events = new ArrayList<>();
            for (int i = 0, n = 1 + random.nextInt(20); i < n; i++) {
                boolean profile = random.nextInt(4) == 0;
                events.add(new LeadEvent(1, "acme", text(random), text(random), profile ? "profile_updated" : "page_view",
                        random.nextBoolean() ? receivedAt : receivedAt.minusSeconds(random.nextInt(100_000)), receivedAt,
                        values(random, false), profile ? values(random, true) : null));
            }
            List<byte[]> written = json.write(events);
            assertEquals(events.size(), written.size());
            for (int i = 0; i < events.size(); i++) {
                byte[] expected = mapper.writeValueAsBytes(events.get(i));
                assertEquals(new String(expected, StandardCharsets.UTF_8), new String(written.get(i),
                        StandardCharsets.UTF_8), "seed " + seed);
                assertEquals(true, Arrays.equals(expected, written.get(i)), "seed " + seed);
            }
        }
    }

    static String text(Random random) {
        String[] pieces = {"a", "Z", "lead-42", " ", "\"", "\\", "\t", "\n", "\u0001", "é", "日本", "🚀", "</script>", "'",
                "\u2028", "%", "/"};
        var b = new StringBuilder();
        for (int i = 0, n = 1 + random.nextInt(6); i < n; i++) {
            b.append(pieces[random.nextInt(pieces.length)]);
        }
        return b.toString();
    }

    static Map<String, Object> values(Random random, boolean nulls) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0, n = random.nextInt(6); i < n; i++) {
            map.put(text(random) + i, value(random, nulls, true));
        }
        return map;
    }

    static Object value(Random random, boolean nulls, boolean lists) {
        return switch (random.nextInt(lists ? 10 : 9)) {
            case 0 -> text(random);
            case 1 -> random.nextInt();
            case 2 -> random.nextLong();
            case 3 -> random.nextDouble() * Math.pow(10, random.nextInt(40) - 20);
            case 4 -> new BigDecimal(BigInteger.valueOf(random.nextLong()), random.nextInt(30) - 10);
            case 5 -> BigInteger.valueOf(random.nextLong()).multiply(BigInteger.valueOf(Long.MAX_VALUE));
            case 6 -> random.nextBoolean();
            case 7 -> nulls ? null : "x";
            case 8 -> -0.0;
            default -> List.of(value(random, false, false), value(random, false, false));
        };
    }
}
