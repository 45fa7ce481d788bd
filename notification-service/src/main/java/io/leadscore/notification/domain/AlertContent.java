package io.leadscore.notification.domain;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What every channel says about an alert, already in words: templates only lay it out. Built from the routing message
 * alone (services do not call each other to render an alert): the reasons are the scoring rules that contributed most,
 * by their labels, then the lead's scores and bands, the routing rule's own reason and the profile.
 *
 * @param slaDeadline in the rep's time zone, e.g. "Mon 2 Nov 14:30 CET"; null when no SLA runs
 * @param link the explanation of the lead's first score, or its scores when there are none
 */
public record AlertContent(
        String kind,
        String title,
        String leadId,
        String leadName,
        String headline,
        List<ScoreLine> scores,
        List<String> reasons,
        String owner,
        String team,
        String slaDeadline,
        Instant slaDeadlineAt,
        String link) {

    /** @param explanationUrl the scoring service's explanation of this score */
    public record ScoreLine(String modelId, String model, String score, String band, String explanationUrl) {
        public String text() {
            return model + " " + score + (band == null ? "" : " (" + band + ")");
        }
    }

    private static final DateTimeFormatter DEADLINE = DateTimeFormatter.ofPattern("EEE d MMM HH:mm zzz",
            Locale.ENGLISH);

    public static AlertContent of(Alert alert, ZoneId zone, String publicBaseUrl) {
        String base = publicBaseUrl.endsWith("/")
                ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1)
                : publicBaseUrl;
        String leadPath = base + "/v1/leads/" + encode(alert.leadId()) + "/scores";
        List<ScoreLine> scores = new ArrayList<>();
        for (Alert.Score s : alert.scores()) {
            scores.add(new ScoreLine(s.modelId(), words(s.modelId()), number(s.score()), s.band(),
                    leadPath + "/" + encode(s.modelId()) + "/explanation"));
        }
        String name = leadName(alert.leadId(), alert.attributes());
        String deadline = alert.slaDeadline() == null ? null : DEADLINE.format(alert.slaDeadline().atZone(zone));
        String headline = alert.kind().title() + ": " + name;
        return new AlertContent(alert.kind().wire(), alert.kind().title(), alert.leadId(), name, headline, scores,
                reasons(alert, scores), alert.ownerRepId(), alert.teamId(), deadline, alert.slaDeadline(),
                scores.isEmpty() ? leadPath : scores.get(0).explanationUrl());
    }

    /** The reasons joined into one line: "Engagement 87 (hot), fit 62 (warm), VP Marketing at Acme". */
    public String reasonsText() {
        return String.join(", ", reasons);
    }

    /**
     * The most important reasons first: what the lead did, in the scoring rules' own words ("Requested a demo (+40)",
     * "Viewed pricing 3× (+45)"), then every score with its band, then routing's rule, then who the lead is.
     */
    static List<String> reasons(Alert alert, List<ScoreLine> scores) {
        List<String> reasons = new ArrayList<>();
        for (Alert.Score s : alert.scores()) {
            for (Alert.RuleReason r : s.reasons()) {
                reasons.add(ruleReason(r));
            }
        }
        for (ScoreLine s : scores) {
            reasons.add(s.text());
        }
        switch (alert.kind()) {
            case REASSIGNMENT :
                reasons.add("reassigned to you" + (alert.routingReason() == null ? "" : ": " + alert.routingReason()));
                break;
            case ESCALATION :
                reasons.add(alert.routingReason());
                break;
            default :
                if (alert.fromStage() != null && !alert.fromStage().equals(alert.stage())) {
                    reasons.add("moved from " + alert.fromStage() + " to " + alert.stage());
                }
                if (alert.routingReason() != null && !alert.routingReason().isBlank()) {
                    reasons.add(alert.routingReason());
                }
        }
        String who = who(alert.attributes());
        if (who != null) {
            reasons.add(who);
        }
        return reasons;
    }

    /**
     * The rule's label, how many times when more than once, and its signed points to one decimal (whole numbers without
     * one): "Viewed pricing", 3, 44.71 → "Viewed pricing 3× (+44.7)"; "Visited careers", 1, -10 → "Visited careers
     * (−10)". Without a label (older messages) the rule id stands in.
     */
    public static String ruleReason(Alert.RuleReason r) {
        String times = r.count() > 1 ? " " + r.count() + "×" : "";
        return r.label() + times + " (" + signedPoints(r.points()) + ")";
    }

    /** 44.71 → "+44.7", 40.0 → "+40", -10 → "−10" (a minus sign); a value that rounds to zero reads "+0". */
    static String signedPoints(double points) {
        double rounded = Math.round(points * 10) / 10.0;
        return (rounded < 0 ? "−" : "+") + number(Math.abs(rounded));
    }

    static String leadName(String leadId, Map<String, Object> attributes) {
        if (attributes == null) {
            return leadId;
        }
        String name = text(attributes, "name");
        if (name == null) {
            name = text(attributes, "fullName");
        }
        if (name == null) {
            String first = text(attributes, "firstName");
            String last = text(attributes, "lastName");
            if (first != null || last != null) {
                name = ((first == null ? "" : first) + " " + (last == null ? "" : last)).strip();
            }
        }
        if (name == null) {
            name = text(attributes, "email");
        }
        return name == null ? leadId : name;
    }

    private static String who(Map<String, Object> attributes) {
        if (attributes == null) {
            return null;
        }
        String title = text(attributes, "jobTitle");
        String company = text(attributes, "company");
        if (title != null && company != null) {
            return title + " at " + company;
        }
        return title != null ? title : company;
    }

    private static String text(Map<String, Object> attributes, String key) {
        Object v = attributes.get(key);
        return v == null || String.valueOf(v).isBlank() ? null : String.valueOf(v).strip();
    }

    /** "engagement" → "Engagement", "product-fit" → "Product fit". */
    static String words(String id) {
        String s = id.replace('-', ' ').replace('_', ' ');
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** Scores as people read them: 87, 87.5. */
    static String number(double score) {
        double rounded = Math.round(score * 10) / 10.0;
        return rounded == Math.rint(rounded) ? String.valueOf((long) rounded) : String.valueOf(rounded);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
