package io.leadscore.notification.domain;

import java.text.Normalizer;

/**
 * Fits an alert into one SMS: at most 160 characters, in plain characters that every handset and the GSM 7-bit
 * alphabet can show (one segment, so one charge). Typographic characters are replaced, accents dropped, whitespace
 * collapsed; a text that is still too long is cut at a word boundary and ends with "...".
 */
public final class SmsText {

    public static final int MAX_LENGTH = 160;

    private SmsText() {
    }

    /** The text with {@code link} appended when both fit; without the link when only the text fits. */
    public static String fit(String text, String link) {
        String body = plain(text);
        if (link != null && !link.isBlank()) {
            String withLink = body + " " + link;
            if (withLink.length() <= MAX_LENGTH) {
                return withLink;
            }
        }
        return truncate(body, MAX_LENGTH);
    }

    static String plain(String text) {
        String s = text == null ? "" : text;
        s = s.replace('×', 'x').replace('–', '-').replace('—', '-').replace('’', '\'').replace('‘', '\'')
                .replace('“', '"').replace('”', '"').replace("…", "...").replace("≥", ">=").replace("≤", "<=")
                .replace('·', '-').replace('•', '-').replace('−', '-');
        s = Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}+", "");
        s = s.replaceAll("[^\\x20-\\x7E]", " ");
        return s.replaceAll("\\s+", " ").strip();
    }

    static String truncate(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int cut = s.lastIndexOf(' ', max - 3);
        if (cut < max / 2) {
            cut = max - 3;
        }
        return s.substring(0, cut).stripTrailing() + "...";
    }
}
