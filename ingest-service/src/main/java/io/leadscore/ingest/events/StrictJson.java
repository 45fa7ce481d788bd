package io.leadscore.ingest.events;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads JSON the way the client must have meant it, or not at all: a key given twice is ambiguous, and anything after
 * the value (a second event, a stray bracket) would otherwise be dropped without a word while the first part is
 * accepted.
 */
public final class StrictJson {

    private StrictJson() {
    }

    /** A copy of the service's mapper whose parsers reject duplicate keys. */
    public static ObjectMapper mapper(ObjectMapper mapper) {
        return mapper.copy().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    /**
     * Fails with a {@link JsonParseException} at the offending location unless the parser, positioned on the last token
     * of a value, has nothing but whitespace left.
     */
    public static void requireEnd(JsonParser parser, String hint) throws IOException {
        if (parser.nextToken() != null) {
            throw new JsonParseException(parser, "unexpected content after the end of the JSON value (" + hint + ")",
                    parser.currentTokenLocation());
        }
    }
}
