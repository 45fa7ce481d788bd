package io.leadscore.notification.domain;

/**
 * What a provider answered to one attempt.
 *
 * @param response the provider's answer (status and body, or the SMTP reply), shortened, never containing secrets
 */
public record SendResult(Outcome outcome, String response) {

    /** Max characters of a provider answer kept in the delivery log. */
    public static final int MAX_RESPONSE = 500;

    public enum Outcome {
        /** The provider accepted the message. */
        DELIVERED,
        /** Worth retrying: timeouts, connection failures, HTTP 5xx/408/429, SMTP 4xx. */
        TRANSIENT,
        /** Retrying cannot help: HTTP 4xx, SMTP 5xx, a bad address. */
        PERMANENT
    }

    public SendResult {
        response = shorten(withoutNul(response));
    }

    public static SendResult delivered(String response) {
        return new SendResult(Outcome.DELIVERED, response);
    }

    public static SendResult transientFailure(String response) {
        return new SendResult(Outcome.TRANSIENT, response);
    }

    public static SendResult permanentFailure(String response) {
        return new SendResult(Outcome.PERMANENT, response);
    }

    /** How an HTTP provider's status is read: 2xx delivered, 5xx/408/429 transient, any other status permanent. */
    public static SendResult ofHttpStatus(int status, String body) {
        String response = "HTTP " + status + (body == null || body.isBlank() ? "" : ": " + body.strip());
        if (status >= 200 && status < 300) {
            return delivered(response);
        }
        if (status >= 500 || status == 408 || status == 429) {
            return transientFailure(response);
        }
        return permanentFailure(response);
    }

    /** SMTP reply codes: 4xx transient, 5xx permanent (RFC 5321 §4.2.1). */
    public static SendResult ofSmtpReply(int code, String message) {
        String response = "SMTP " + code + (message == null || message.isBlank() ? "" : " " + message.strip());
        if (code >= 200 && code < 400) {
            return delivered(response);
        }
        return code >= 400 && code < 500 ? transientFailure(response) : permanentFailure(response);
    }

    /**
     * A provider's body may hold NUL characters (a binary or compressed answer), which PostgreSQL's text refuses: the
     * attempt could then never be recorded, and the delivery would be sent again each time its lease ran out.
     */
    private static String withoutNul(String s) {
        return s == null || s.indexOf('\u0000') < 0 ? s : s.replace('\u0000', '\uFFFD');
    }

    private static String shorten(String s) {
        if (s == null) {
            return null;
        }
        return s.length() <= MAX_RESPONSE ? s : s.substring(0, MAX_RESPONSE - 1) + "…";
    }
}
