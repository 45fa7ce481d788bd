package io.leadscore.scoring.projection;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.leadscore.contracts.ScoreChanged;
import io.leadscore.scoring.engine.Explanation;
import io.leadscore.scoring.engine.Fact;
import io.leadscore.scoring.engine.RuleTotal;
import io.leadscore.scoring.engine.ScoreResult;
import io.leadscore.scoring.engine.Scorer;
import io.leadscore.scoring.engine.model.ScoringModel;

/**
 * Decides, for one lead under one model, the new projection row and whether a {@code ScoreChanged} is due. Pure: the
 * facts, the current row and the instant are parameters, so live processing, decay, rescoring and rebuilds all share
 * exactly the same arithmetic.
 */
public final class ScoreUpdate {

    /** Why the lead is being rescored. */
    public enum Trigger {
        /** New events arrived: publish when they changed the score, or when the band changed. */
        EVENTS,
        /** Only time passed: publish when the band changed. */
        DECAY,
        /** A new model version was published: publish when the band changed. */
        MODEL_VERSION,
        /** Rebuilding the projection from the log: never publish. */
        REBUILD
    }

    /** The projection row as stored. */
    public record Row(String tenant, String modelId, String leadId, int modelVersion, double score, String band,
            Instant computedAt, Instant nextChangeAt) {
    }

    /** The new row, and the change to publish (null when none is due). */
    public record Outcome(Row row, ScoreChanged change) {
    }

    static final int TOP_CONTRIBUTIONS = 5;

    private ScoreUpdate() {
    }

    /**
     * @param newEventIds the events that just arrived (for {@link Trigger#EVENTS}); empty otherwise
     * @param current the stored row, or null when the lead has none under this model
     * @param sourceReceivedAt when ingest received the newest new event (for latency), or null
     */
    public static Outcome decide(Trigger trigger, String tenant, String leadId, ScoringModel model,
            Collection<Fact> facts, Set<String> newEventIds, Row current, Instant now, Instant sourceReceivedAt) {
        // New events nearly always publish, and a change carries the explanation's top rules and profile; the other
        // triggers publish only on a band change, so they explain only then.
        Scorer.Evaluation evaluation = trigger == Trigger.EVENTS
                ? Scorer.evaluate(model, facts, now)
                : Scorer.scoreWithNextChange(model, facts, now);
        ScoreResult result = evaluation.result();
        Instant nextChange = evaluation.nextChange().orElse(null);
        Row row = new Row(tenant, model.modelId(), leadId, model.version(), result.score(), result.band(), now, nextChange);
        if (trigger == Trigger.REBUILD) {
            return new Outcome(row, null);
        }
        String previousBand = current == null ? null : current.band();
        boolean bandChanged = current == null || !Objects.equals(previousBand, result.band());
        Double previousScore = current == null ? null : current.score();
        ScoreChanged.Cause cause;
        boolean publish;
        switch (trigger) {
            case EVENTS -> {
                List<Fact> before = facts.stream().filter(f -> !newEventIds.contains(f.eventId())).toList();
                ScoreResult beforeResult = Scorer.score(model, before, now);
                boolean changedByEvents = Double.compare(beforeResult.score(), result.score()) != 0;
                publish = changedByEvents || bandChanged;
                if (current != null) {
                    previousScore = beforeResult.score();
                }
                cause = ScoreChanged.Cause.event(newestNewEvent(facts, newEventIds));
            }
            case DECAY -> {
                publish = bandChanged;
                cause = ScoreChanged.Cause.decay();
            }
            default -> {
                publish = bandChanged;
                cause = ScoreChanged.Cause.modelVersion();
            }
        }
        if (!publish) {
            return new Outcome(row, null);
        }
        Explanation after = evaluation.explanation() != null
                ? evaluation.explanation()
                : Scorer.explain(model, facts, now);
        List<ScoreChanged.RuleContribution> top = Scorer.topContributions(after, TOP_CONTRIBUTIONS).stream()
                .map(ScoreUpdate::toContract).toList();
        Map<String, Object> profile = after.profile();
        var change = new ScoreChanged(ScoreChanged.CURRENT_SCHEMA_VERSION, tenant, leadId, model.modelId(),
                model.version(), previousScore, after.score(), previousBand, after.band(), cause, now, top, profile,
                trigger == Trigger.EVENTS ? sourceReceivedAt : null);
        return new Outcome(row, change);
    }

    private static String newestNewEvent(Collection<Fact> facts, Set<String> newEventIds) {
        return facts.stream().filter(f -> newEventIds.contains(f.eventId())).max(Fact.LOG_ORDER)
                .map(Fact::eventId).orElse(null);
    }

    private static ScoreChanged.RuleContribution toContract(RuleTotal total) {
        return new ScoreChanged.RuleContribution(total.ruleId(), total.count(), total.total(), total.label());
    }
}
