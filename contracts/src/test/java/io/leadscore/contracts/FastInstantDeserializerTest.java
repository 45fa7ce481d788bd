package io.leadscore.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.exc.InvalidFormatException;

class FastInstantDeserializerTest {

    @Test
    void decodesWhatInstantToStringWritesExactlyAsTheStandardParserDoes() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(-62_000_000_000L, 250_000_000_000L),
                    switch (i % 4) {
                        case 0 -> 0;
                        case 1 -> random.nextInt(1000) * 1_000_000;
                        case 2 -> random.nextInt(1_000_000) * 1000;
                        default -> random.nextInt(1_000_000_000);
                    });
            String text = instant.toString();
            Instant expected = Instant.parse(text);
            Instant fast = FastInstantDeserializer.parseUtc(text);
            if (fast != null) {
                assertEquals(expected, fast, "seed " + seed + ": " + text);
            }
        }
    }

    @Test
    void leavesEveryOtherShapeToTheStandardParser() {
        assertNull(FastInstantDeserializer.parseUtc("2026-11-24T13:00:00+01:00"));
        assertNull(FastInstantDeserializer.parseUtc("2026-02-30T13:00:00Z"), "no such day");
        assertNull(FastInstantDeserializer.parseUtc("2026-11-24T24:00:00Z"));
        assertNull(FastInstantDeserializer.parseUtc("2026-11-24T13:00:00.Z"));
        assertNull(FastInstantDeserializer.parseUtc("2026-11-24T13:00:00.1234567890Z"));
        assertNull(FastInstantDeserializer.parseUtc("+12026-11-24T13:00:00Z"));
        assertEquals(Instant.parse("2026-11-24T13:00:00.5Z"), FastInstantDeserializer.parseUtc("2026-11-24T13:00:00.5Z"));
    }

    @Test
    void envelopesWithOffsetsStillParseAndNonsenseIsStillRejected() throws Exception {
        String json = "{\"schemaVersion\":1,\"tenant\":\"t\",\"eventId\":\"e\",\"leadId\":\"l\",\"type\":\"x\","
                + "\"occurredAt\":\"2026-11-24T14:00:00+01:00\",\"receivedAt\":\"2026-11-24T13:00:01.250Z\"}";
        LeadEvent e = ContractsJson.mapper().readValue(json, LeadEvent.class);
        assertEquals(Instant.parse("2026-11-24T13:00:00Z"), e.occurredAt());
        assertEquals(Instant.parse("2026-11-24T13:00:01.250Z"), e.receivedAt());
        assertThrows(InvalidFormatException.class, () -> ContractsJson.mapper().readValue(
                json.replace("2026-11-24T14:00:00+01:00", "yesterday"), LeadEvent.class));
    }
}
