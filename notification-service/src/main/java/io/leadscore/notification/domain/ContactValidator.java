package io.leadscore.notification.domain;

import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a {@code PUT /v1/reps/{repId}/contact} body into {@link ContactPreferences}, collecting every problem with the
 * field it concerns, so a client can fix them all at once.
 */
public final class ContactValidator {

    /** A deliberately plain check: one {@code @}, no spaces, a dot in the domain. SMTP has the final word. */
    private static final Pattern EMAIL = Pattern.compile("[^@\\s\"<>,;]+@[^@\\s\"<>,;]+\\.[^@\\s\"<>,;.]+");
    /** E.164: a plus, a country code, at most 15 digits. */
    private static final Pattern PHONE = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private static final Pattern TIME = Pattern.compile("([01][0-9]|2[0-3]):[0-5][0-9]");
    private static final Set<String> FIELDS = Set.of("email", "phone", "chatWebhookUrl", "chatFormat", "webhookUrl",
            "webhookSecret", "channels", "timeZone", "quietHours", "urgent");

    public record FieldError(String field, String message) {
    }

    /** The preferences when there are no errors; the webhook secret the caller supplied, if any. */
    public record Result(ContactPreferences preferences, String webhookSecret, List<FieldError> errors) {
        public boolean valid() {
            return errors.isEmpty();
        }
    }

    private ContactValidator() {
    }

    public static Result validate(Map<String, Object> body, UrlPolicy urls) {
        List<FieldError> errors = new ArrayList<>();
        if (body == null) {
            return new Result(null, null, List.of(new FieldError(null, "a JSON object is required")));
        }
        for (String key : body.keySet()) {
            if (!FIELDS.contains(key)) {
                errors.add(new FieldError(key, "unknown field; expected one of " + String.join(", ",
                        new java.util.TreeSet<>(FIELDS))));
            }
        }
        String email = string(body, "email", errors);
        if (email != null && (email.length() > 254 || !EMAIL.matcher(email).matches())) {
            errors.add(new FieldError("email", "'" + email + "' is not an email address"));
        }
        String phone = string(body, "phone", errors);
        if (phone != null && !PHONE.matcher(phone).matches()) {
            errors.add(new FieldError("phone", "must be an E.164 number such as +4915112345678"));
        }
        String chatUrl = url(body, "chatWebhookUrl", urls, errors);
        String chatFormat = string(body, "chatFormat", errors);
        if (chatFormat == null) {
            chatFormat = ContactPreferences.SLACK;
        } else if (!chatFormat.equals(ContactPreferences.SLACK) && !chatFormat.equals(ContactPreferences.TEAMS)) {
            errors.add(new FieldError("chatFormat", "must be 'slack' or 'teams'"));
        }
        String webhookUrl = url(body, "webhookUrl", urls, errors);
        String secret = string(body, "webhookSecret", errors);
        if (secret != null) {
            String problem = WebhookSigner.problem(secret);
            if (problem != null) {
                errors.add(new FieldError("webhookSecret", problem));
            }
            if (webhookUrl == null) {
                errors.add(new FieldError("webhookSecret", "needs a webhookUrl"));
            }
        }
        ZoneId zone = ZoneId.of("UTC");
        String tz = string(body, "timeZone", errors);
        if (tz != null) {
            try {
                zone = ZoneId.of(tz);
            } catch (DateTimeException e) {
                errors.add(new FieldError("timeZone", "'" + tz + "' is not an IANA time zone such as Europe/Berlin"));
            }
        }
        QuietHours quiet = quietHours(body.get("quietHours"), errors);
        Set<AlertKind> urgent = kinds(body.get("urgent"), "urgent", errors);

        ContactPreferences draft = new ContactPreferences(email, phone, chatUrl, chatFormat, webhookUrl,
                Map.of(), zone, quiet, urgent);
        Map<AlertKind, Set<Channel>> channels = channels(body.get("channels"), draft, errors);
        if (!errors.isEmpty()) {
            return new Result(null, null, List.copyOf(errors));
        }
        return new Result(new ContactPreferences(email, phone, chatUrl, chatFormat, webhookUrl, channels, zone,
                quiet, urgent), secret, List.of());
    }

    private static String string(Map<String, Object> body, String field, List<FieldError> errors) {
        Object value = body.get(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String)) {
            errors.add(new FieldError(field, "must be a string"));
            return null;
        }
        String s = ((String) value).strip();
        return s.isEmpty() ? null : s;
    }

    private static String url(Map<String, Object> body, String field, UrlPolicy urls, List<FieldError> errors) {
        String url = string(body, field, errors);
        if (url == null) {
            return null;
        }
        try {
            urls.check(url);
        } catch (UrlPolicy.Rejected e) {
            errors.add(new FieldError(field, e.getMessage()));
        }
        return url;
    }

    private static QuietHours quietHours(Object value, List<FieldError> errors) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?> map)) {
            errors.add(new FieldError("quietHours", "must be an object {\"from\": \"20:00\", \"to\": \"07:00\"}"));
            return null;
        }
        for (Object key : map.keySet()) {
            if (!"from".equals(key) && !"to".equals(key)) {
                errors.add(new FieldError("quietHours." + key, "unknown field; expected from, to"));
            }
        }
        LocalTime from = time(map.get("from"), "quietHours.from", errors);
        LocalTime to = time(map.get("to"), "quietHours.to", errors);
        if (from == null || to == null) {
            return null;
        }
        if (from.equals(to)) {
            errors.add(new FieldError("quietHours", "from and to must differ"));
            return null;
        }
        return new QuietHours(from, to);
    }

    private static LocalTime time(Object value, String field, List<FieldError> errors) {
        if (!(value instanceof String s) || !TIME.matcher(s).matches()) {
            errors.add(new FieldError(field, "must be a time HH:mm (24-hour clock)"));
            return null;
        }
        try {
            return LocalTime.parse(s);
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(field, "must be a time HH:mm (24-hour clock)"));
            return null;
        }
    }

    private static Set<AlertKind> kinds(Object value, String field, List<FieldError> errors) {
        Set<AlertKind> kinds = EnumSet.noneOf(AlertKind.class);
        if (value == null) {
            return kinds;
        }
        if (!(value instanceof Collection<?> list)) {
            errors.add(new FieldError(field, "must be an array of alert kinds"));
            return kinds;
        }
        int i = 0;
        for (Object item : list) {
            AlertKind kind = item instanceof String s ? AlertKind.parse(s) : null;
            if (kind == null) {
                errors.add(new FieldError(field + "[" + i + "]", "unknown alert kind " + quoted(item)
                        + "; expected one of mql, sql, escalation, reassignment"));
            } else {
                kinds.add(kind);
            }
            i++;
        }
        return kinds;
    }

    private static Map<AlertKind, Set<Channel>> channels(Object value, ContactPreferences draft,
            List<FieldError> errors) {
        Map<AlertKind, Set<Channel>> result = new EnumMap<>(AlertKind.class);
        if (value == null) {
            return result;
        }
        if (!(value instanceof Map<?, ?> map)) {
            errors.add(new FieldError("channels", "must be an object mapping alert kinds to arrays of channels"));
            return result;
        }
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String field = "channels." + entry.getKey();
            AlertKind kind = AlertKind.parse(String.valueOf(entry.getKey()));
            if (kind == null) {
                errors.add(new FieldError(field, "unknown alert kind; expected one of mql, sql, escalation, "
                        + "reassignment"));
                continue;
            }
            if (!(entry.getValue() instanceof Collection<?> list)) {
                errors.add(new FieldError(field, "must be an array of channels"));
                continue;
            }
            Set<Channel> set = EnumSet.noneOf(Channel.class);
            int i = 0;
            for (Object item : list) {
                Channel channel = item instanceof String s ? Channel.parse(s) : null;
                if (channel == null) {
                    errors.add(new FieldError(field + "[" + i + "]", "unknown channel " + quoted(item)
                            + "; expected one of email, sms, chat, webhook"));
                } else if (draft.addressFor(channel) == null) {
                    errors.add(new FieldError(field + "[" + i + "]", channel.wire() + " needs "
                            + addressField(channel)));
                } else {
                    set.add(channel);
                }
                i++;
            }
            result.put(kind, set);
        }
        return result;
    }

    private static String addressField(Channel channel) {
        switch (channel) {
            case EMAIL :
                return "an email";
            case SMS :
                return "a phone";
            case CHAT :
                return "a chatWebhookUrl";
            default :
                return "a webhookUrl";
        }
    }

    private static String quoted(Object item) {
        return item instanceof String ? "'" + item + "'" : String.valueOf(item);
    }
}
