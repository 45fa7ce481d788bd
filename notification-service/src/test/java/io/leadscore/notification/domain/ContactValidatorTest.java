package io.leadscore.notification.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.type.TypeReference;

import io.leadscore.contracts.ContractsJson;

/** Contact bodies under the production URL rules. */
class ContactValidatorTest {

    static Map<String, Object> json(String json) throws Exception {
        return ContractsJson.mapper().readValue(json, new TypeReference<Map<String, Object>>() {
        });
    }

    static List<ContactValidator.FieldError> errors(String body) throws Exception {
        return ContactValidator.validate(json(body), UrlPolicyTest.PROD).errors();
    }

    @Test
    void aCompleteContactIsRead() throws Exception {
        ContactValidator.Result r = ContactValidator.validate(json("""
                {"email": "ana@example.com", "phone": "+4915112345678",
                 "chatWebhookUrl": "https://hooks.example.com/services/T/B/x", "chatFormat": "teams",
                 "webhookUrl": "https://hooks.example.com/leadscore",
                 "webhookSecret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                 "channels": {"mql": ["email"], "sql": ["email", "sms", "chat", "webhook"], "escalation": []},
                 "timeZone": "Europe/Berlin", "quietHours": {"from": "20:00", "to": "07:00"}, "urgent": ["sql"]}
                """), UrlPolicyTest.PROD);
        assertTrue(r.valid(), r.errors().toString());
        ContactPreferences p = r.preferences();
        assertEquals(ZoneId.of("Europe/Berlin"), p.timeZone());
        assertEquals(new QuietHours(LocalTime.of(20, 0), LocalTime.of(7, 0)), p.quietHours());
        assertEquals(Set.of(Channel.EMAIL, Channel.SMS, Channel.CHAT, Channel.WEBHOOK), p.channelsFor(AlertKind.SQL));
        assertEquals(Set.of(), p.channelsFor(AlertKind.REASSIGNMENT));
        assertEquals(Set.of(AlertKind.SQL), p.urgent());
        assertEquals("teams", p.chatFormat());
        assertEquals("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", r.webhookSecret());
    }

    @Test
    void everyProblemIsReportedWithItsField() throws Exception {
        List<ContactValidator.FieldError> errors = errors("""
                {"email": "not-an-address", "phone": "0151 123", "webhookUrl": "http://10.0.0.7/hook",
                 "chatWebhookUrl": "https://169.254.169.254/x", "timeZone": "Mars/Olympus",
                 "quietHours": {"from": "25:00", "to": "7"}, "urgent": ["hot"],
                 "channels": {"mql": ["fax", "email"], "lunch": ["email"]}, "emial": "x"}
                """);
        Map<String, String> byField = new java.util.HashMap<>();
        errors.forEach(e -> byField.put(e.field(), e.message()));
        assertEquals("'not-an-address' is not an email address", byField.get("email"));
        assertEquals("must be an E.164 number such as +4915112345678", byField.get("phone"));
        assertEquals("must not target a private address (10.0.0.7)", byField.get("webhookUrl"));
        assertEquals("must not target a link-local address (169.254.169.254)", byField.get("chatWebhookUrl"));
        assertEquals("'Mars/Olympus' is not an IANA time zone such as Europe/Berlin", byField.get("timeZone"));
        assertEquals("must be a time HH:mm (24-hour clock)", byField.get("quietHours.from"));
        assertEquals("must be a time HH:mm (24-hour clock)", byField.get("quietHours.to"));
        assertTrue(byField.get("urgent[0]").startsWith("unknown alert kind 'hot'"));
        assertTrue(byField.get("channels.mql[0]").startsWith("unknown channel 'fax'"));
        assertTrue(byField.get("channels.lunch").startsWith("unknown alert kind"));
        assertTrue(byField.get("emial").startsWith("unknown field"));
        assertEquals(11, errors.size(), errors.toString());
    }

    @Test
    void aChannelNeedsItsAddressAndASecretNeedsAWebhook() throws Exception {
        List<ContactValidator.FieldError> errors = errors("""
                {"email": "ana@example.com", "channels": {"sql": ["email", "sms", "webhook"]},
                 "webhookSecret": "whsec_AAAA", "quietHours": {"from": "07:00", "to": "07:00"}}
                """);
        assertEquals(List.of(
                new ContactValidator.FieldError("webhookSecret", "must encode 24 to 64 bytes (it encodes 3)"),
                new ContactValidator.FieldError("webhookSecret", "needs a webhookUrl"),
                new ContactValidator.FieldError("quietHours", "from and to must differ"),
                new ContactValidator.FieldError("channels.sql[1]", "sms needs a phone"),
                new ContactValidator.FieldError("channels.sql[2]", "webhook needs a webhookUrl")), errors);
    }

    @Test
    void wrongTypesAreNamed() throws Exception {
        List<ContactValidator.FieldError> errors = errors("""
                {"email": 42, "channels": ["email"], "urgent": "sql", "quietHours": "night"}
                """);
        assertEquals(4, errors.size(), errors.toString());
        assertEquals("must be a string", errors.get(0).message());
    }
}
