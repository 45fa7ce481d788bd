package io.leadscore.scoring.engine;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared copy of the short strings that facts repeat: event types, property names and values such as page URLs or
 * campaign names. Each decoded event would otherwise hold its own copies, and those copies were half of what a cached
 * fact weighs, so sharing them lets the same memory keep about twice as many leads' histories.
 *
 * <p>
 * Bounded: strings longer than {@value #MAX_LENGTH} characters, and every string once {@value #MAX_ENTRIES} are held,
 * are returned as they are (high-cardinality values gain nothing from sharing). Sharing never changes what a string
 * equals, so scoring is unaffected.
 */
public final class CanonicalStrings {

    static final int MAX_LENGTH = 256;
    static final int MAX_ENTRIES = 100_000;

    private static final ConcurrentHashMap<String, String> SHARED = new ConcurrentHashMap<>();

    private CanonicalStrings() {
    }

    /** The shared copy of {@code text} (which becomes it, while there is room), or {@code text} itself. */
    public static String of(String text) {
        if (text == null || text.length() > MAX_LENGTH) {
            return text;
        }
        String shared = SHARED.get(text);
        if (shared != null) {
            return shared;
        }
        if (SHARED.size() >= MAX_ENTRIES) {
            return text;
        }
        shared = SHARED.putIfAbsent(text, text);
        return shared == null ? text : shared;
    }

    /** Whether {@code text} is the shared copy, so that memory estimates need not count it per fact. */
    public static boolean isShared(String text) {
        return text != null && SHARED.get(text) == text;
    }
}
