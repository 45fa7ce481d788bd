package io.leadscore.scoring.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.leadscore.scoring.engine.model.Band;
import io.leadscore.scoring.engine.model.ScoringModel;

/**
 * When a lead's band will next change if no new facts arrive.
 *
 * <p>
 * Between two facts only decay moves the score: with A the attribute points and S the decayed event points at the
 * start of such a stretch, {@code score(start + d) = clamp(A + S * 0.5^(d / halfLife))}, which moves monotonically
 * towards A. The first band boundary b it crosses is reached after {@code d = halfLife * log2(S / (b - A))}. That
 * closed form is only an estimate of what {@link Scorer#score} computes (per-fact millisecond truncation, float
 * rounding), so the answer is then pinned down by evaluating the exact scoring function at whole milliseconds
 * around it: the result is the first whole millisecond at which the band differs. Facts already known but dated
 * after {@code now} start a new stretch at their instant, and are themselves a change when they change the band.
 */
final class BandCrossing {

    /** About 4.5 million years: further ahead an answer is meaningless, and far enough ahead millis would overflow. */
    private static final long MAX_MILLIS_AHEAD = Long.MAX_VALUE / 64;

    private final ScoringModel model;
    private final LeadTimeline timeline;
    private final Band bandNow;
    private final long limitMillis;

    private BandCrossing(ScoringModel model, LeadTimeline timeline, Instant now) {
        this.model = model;
        this.timeline = timeline;
        this.bandNow = timeline.at(now, false).band();
        long nowMillis = floorMillis(now);
        this.limitMillis = nowMillis > Long.MAX_VALUE - MAX_MILLIS_AHEAD ? Long.MAX_VALUE : nowMillis + MAX_MILLIS_AHEAD;
    }

    static Optional<Instant> next(ScoringModel model, Collection<Fact> facts, Instant now) {
        Objects.requireNonNull(now, "now");
        return next(model, LeadTimeline.build(model, facts, null, false), now);
    }

    /** The same from a timeline already built without a horizon. */
    static Optional<Instant> next(ScoringModel model, LeadTimeline timeline, Instant now) {
        Objects.requireNonNull(now, "now");
        return new BandCrossing(model, timeline, now).from(now);
    }

    private Optional<Instant> from(Instant now) {
        List<Instant> instants = timeline.factInstants();
        Instant start = now;
        for (Instant entry : instants) {
            if (!entry.isAfter(now)) {
                continue;
            }
            Instant crossing = decayCrossing(start, entry);
            if (crossing != null) {
                return Optional.of(crossing);
            }
            if (changed(entry)) {
                return Optional.of(entry);
            }
            start = entry;
        }
        return Optional.ofNullable(decayCrossing(start, null));
    }

    /**
     * The first whole millisecond in (start, end) at which the band differs from now's, given that it does not at
     * {@code start}; {@code null} if there is none.
     *
     * @param end the next fact's instant, {@code null} for none
     */
    private Instant decayCrossing(Instant start, Instant end) {
        Duration halfLife = model.halfLife();
        if (halfLife == null) {
            return null;
        }
        LeadTimeline.Snapshot snapshot = timeline.at(start, false);
        double limit = snapshot.attributeSum();
        double decaying = snapshot.eventSum();
        Double boundary = boundaryTowards(limit, decaying);
        if (boundary == null) {
            return null;
        }
        // Half-lives until the decaying part shrinks to the boundary's distance from the limit; at a boundary equal to
        // the limit, until it is too small to move the limit's float value.
        double distance = boundary == limit ? Math.ulp(limit) : Math.abs(boundary - limit);
        double halfLives = Math.log(Math.abs(decaying) / distance) / Math.log(2);
        double estimateMillis = halfLives * halfLife.toMillis();
        long startMillis = floorMillis(start);
        long firstCandidate = startMillis + 1;
        long endMillis = end == null ? limitMillis : Math.min(limitMillis, ceilMillis(end));
        if (firstCandidate >= endMillis) {
            return null;
        }
        long estimate;
        if (!(estimateMillis < endMillis - startMillis)) {
            // Estimated at or after the next fact: still make sure float rounding did not bring it forward.
            estimate = endMillis - 1;
            if (!changed(estimate)) {
                return null;
            }
        } else {
            estimate = Math.max(firstCandidate, startMillis + (long) Math.ceil(Math.max(0, estimateMillis)));
        }
        return firstChangeNear(estimate, startMillis, endMillis);
    }

    /**
     * The boundary the score moves towards and will reach, or {@code null}. Decreasing (S > 0), the band changes when
     * the score falls below the current band's {@code from}; that needs {@code from > A} and {@code from > floor}.
     * Increasing (S < 0), it changes when the score reaches the next band's {@code from}; that needs
     * {@code from <= cap} and {@code from < A} (or {@code from == A}, which float addition reaches eventually).
     */
    private Double boundaryTowards(double limit, double decaying) {
        List<Band> bands = model.bands();
        int current = bandNow == null ? -1 : bands.indexOf(bandNow);
        if (decaying > 0) {
            Double from = current < 0 ? null : bands.get(current).from();
            boolean reachable = from != null && from > limit && (model.floor() == null || from > model.floor());
            return reachable ? from : null;
        }
        if (decaying < 0 && current + 1 < bands.size()) {
            Double from = bands.get(current + 1).from();
            boolean reachable = from != null && from <= limit && (model.cap() == null || from <= model.cap());
            return reachable ? from : null;
        }
        return null;
    }

    /**
     * The first whole millisecond in (startMillis, endMillis) with a changed band, searching from an estimate:
     * outwards in doubling steps to bracket it, then by bisection. Decay is monotonic between facts, so the bracket
     * holds; every probe is the exact scoring function, so the answer agrees with {@link Scorer#score}.
     */
    private Instant firstChangeNear(long estimate, long startMillis, long endMillis) {
        long unchanged;
        long changed;
        if (changed(estimate)) {
            changed = estimate;
            unchanged = startMillis;
            for (long step = 1; estimate - step > startMillis; step *= 2) {
                if (!changed(estimate - step)) {
                    unchanged = estimate - step;
                    break;
                }
                changed = estimate - step;
            }
        } else {
            unchanged = estimate;
            changed = -1;
            for (long step = 1; step > 0 && estimate < endMillis - step; step *= 2) {
                if (changed(estimate + step)) {
                    changed = estimate + step;
                    break;
                }
                unchanged = estimate + step;
            }
            if (changed < 0) {
                if (endMillis - 1 <= unchanged || !changed(endMillis - 1)) {
                    return null;
                }
                changed = endMillis - 1;
            }
        }
        while (changed - unchanged > 1) {
            long middle = unchanged + (changed - unchanged) / 2;
            if (changed(middle)) {
                changed = middle;
            } else {
                unchanged = middle;
            }
        }
        return Instant.ofEpochMilli(changed);
    }

    private boolean changed(long epochMillis) {
        return changed(Instant.ofEpochMilli(epochMillis));
    }

    private boolean changed(Instant at) {
        return !Objects.equals(timeline.at(at, false).band(), bandNow);
    }

    /** {@link Instant#toEpochMilli()} truncates towards the past, also before 1970. */
    private static long floorMillis(Instant instant) {
        return instant.toEpochMilli();
    }

    private static long ceilMillis(Instant instant) {
        long floor = floorMillis(instant);
        return Instant.ofEpochMilli(floor).equals(instant) ? floor : floor + 1;
    }
}
