package io.leadscore.localstack.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A realistic, reproducible demo dataset: leads of a few personas (buyers, researchers, job seekers, the
 * disengaged), their page views, email opens and clicks, pricing visits, webinars, demo requests and unsubscribes over
 * the last 90 days, and their profile updates with job titles, company sizes, industries and countries. The same seed
 * always gives the same dataset.
 */
public final class DemoData {

    public record Event(String eventId, String leadId, String type, Instant occurredAt, Map<String, Object> properties,
            Map<String, Object> attributes) {
    }

    enum Persona {
        BUYER(60, 0.25), RESEARCHER(40, 0.35), JOB_SEEKER(25, 0.10), DISENGAGED(20, 0.30);

        final int meanEvents;
        final double share;

        Persona(int meanEvents, double share) {
            this.meanEvents = meanEvents;
            this.share = share;
        }
    }

    static final String[] SENIOR = {"VP Marketing", "Director of Sales", "Head of Growth", "Chief Revenue Officer",
            "VP Demand Generation"};
    static final String[] OTHER = {"Marketing Manager", "Software Engineer", "Sales Development Rep", "Analyst",
            "Student", "Consultant"};
    static final String[] INDUSTRIES = {"software", "finance", "retail", "manufacturing", "healthcare", "education"};
    static final String[] EMEA = {"DE", "FR", "GB", "NL", "ES", "SE"};
    static final String[] AMERICAS = {"US", "CA", "BR", "MX"};
    static final String[] PAGES = {"https://example.com/", "https://example.com/blog/scoring-101",
            "https://example.com/product", "https://example.com/integrations", "https://example.com/docs"};

    private DemoData() {
    }

    /** About {@code leads × 40} events over the 90 days before {@code now}, ordered by time. */
    public static List<Event> generate(int leads, Instant now, long seed) {
        Random random = new Random(seed);
        Instant start = now.minus(Duration.ofDays(90));
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < leads; i++) {
            String leadId = String.format("lead-%05d", i);
            Persona persona = persona(random);
            // Recent leads are more active, so the top of the leaderboard is hot now, not 80 days ago.
            Instant firstSeen = start.plus(Duration.ofSeconds((long) (random.nextDouble() * 85 * 86400)));
            long activeSeconds = Duration.between(firstSeen, now).getSeconds();
            events.add(profile(leadId, persona, firstSeen, random, i));
            int n = Math.max(1, (int) (persona.meanEvents * (0.5 + random.nextDouble())));
            for (int k = 0; k < n; k++) {
                double skew = Math.sqrt(random.nextDouble());
                Instant at = firstSeen.plusSeconds((long) (skew * activeSeconds * 0.999));
                events.add(behaviour(leadId, persona, at, random, i, k));
            }
        }
        events.sort(Comparator.comparing(Event::occurredAt).thenComparing(Event::eventId));
        return events;
    }

    private static Persona persona(Random random) {
        double r = random.nextDouble();
        double acc = 0;
        for (Persona p : Persona.values()) {
            acc += p.share;
            if (r < acc) {
                return p;
            }
        }
        return Persona.DISENGAGED;
    }

    private static Event profile(String leadId, Persona persona, Instant at, Random random, int i) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        boolean senior = persona == Persona.BUYER ? random.nextDouble() < 0.6 : random.nextDouble() < 0.15;
        attributes.put("jobTitle", senior ? pick(SENIOR, random) : pick(OTHER, random));
        attributes.put("companySize", persona == Persona.BUYER ? 50 + random.nextInt(2000) : 1 + random.nextInt(400));
        attributes.put("industry", pick(INDUSTRIES, random));
        attributes.put("country", random.nextDouble() < 0.55 ? pick(EMEA, random) : pick(AMERICAS, random));
        attributes.put("name", "Demo Lead " + i);
        attributes.put("email", "lead" + i + "@example.org");
        return new Event("demo-" + leadId + "-profile", leadId, "profile_updated", at, Map.of(), attributes);
    }

    private static Event behaviour(String leadId, Persona persona, Instant at, Random random, int i, int k) {
        String id = "demo-" + leadId + "-" + k;
        double r = random.nextDouble();
        return switch (persona) {
            case BUYER -> r < 0.30
                    ? page(id, leadId, at, "https://example.com/pricing")
                    : r < 0.45
                            ? page(id, leadId, at, pick(PAGES, random))
                            : r < 0.65
                                    ? event(id, leadId, "email_open", at, Map.of("campaign", "q4-nurture"))
                                    : r < 0.85
                                            ? event(id, leadId, "email_click", at, Map.of("campaign", "q4-nurture"))
                                            : r < 0.93
                                                    ? event(id, leadId, "webinar_attended", at,
                                                            Map.of("webinar", "scoring-live"))
                                                    : event(id, leadId, "demo_request", at, Map.of("source", "website"));
            case RESEARCHER -> r < 0.45
                    ? page(id, leadId, at, pick(PAGES, random))
                    : r < 0.55
                            ? page(id, leadId, at, "https://example.com/pricing")
                            : r < 0.85
                                    ? event(id, leadId, "email_open", at, Map.of("campaign", "newsletter"))
                                    : r < 0.97
                                            ? event(id, leadId, "email_click", at, Map.of("campaign", "newsletter"))
                                            : event(id, leadId, "webinar_attended", at, Map.of("webinar", "scoring-live"));
            case JOB_SEEKER -> r < 0.55
                    ? page(id, leadId, at, "https://example.com/careers")
                    : r < 0.9
                            ? page(id, leadId, at, pick(PAGES, random))
                            : event(id, leadId, "email_open", at, Map.of("campaign", "newsletter"));
            case DISENGAGED -> r < 0.6
                    ? event(id, leadId, "email_open", at, Map.of("campaign", "newsletter"))
                    : r < 0.9
                            ? page(id, leadId, at, "https://example.com/")
                            : event(id, leadId, "unsubscribe", at, Map.of("list", "newsletter"));
        };
    }

    private static Event page(String id, String leadId, Instant at, String url) {
        return event(id, leadId, "page_view", at, Map.of("url", url));
    }

    private static Event event(String id, String leadId, String type, Instant at, Map<String, Object> properties) {
        return new Event(id, leadId, type, at, properties, null);
    }

    private static String pick(String[] values, Random random) {
        return values[random.nextInt(values.length)];
    }
}
