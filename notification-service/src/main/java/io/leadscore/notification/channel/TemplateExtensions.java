package io.leadscore.notification.channel;

import io.quarkus.qute.TemplateExtension;

/** Escaping for the chat formats, used in templates as {@code {value.slack}}. */
@TemplateExtension
public class TemplateExtensions {

    private TemplateExtensions() {
    }

    /** Slack mrkdwn reserves &, < and > (https://api.slack.com/reference/surfaces/formatting#escaping). */
    static String slack(String value) {
        if (value == null) {
            return "";
        }
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /**
     * Markdown (Teams cards) for a value from lead data: every punctuation character Markdown could read as syntax is
     * backslash-escaped, so a lead named {@code [Click here](https://evil.example)} shows as that text in the rep's
     * chat, not as a link.
     */
    static String markdown(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder escaped = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (MARKDOWN_SYNTAX.indexOf(c) >= 0) {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }

    private static final String MARKDOWN_SYNTAX = "\\`*_{}[]()<>#+-.!|~";
}
