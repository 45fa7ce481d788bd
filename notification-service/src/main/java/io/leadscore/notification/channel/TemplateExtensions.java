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
}
