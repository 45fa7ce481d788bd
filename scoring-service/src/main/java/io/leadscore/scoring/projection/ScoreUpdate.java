package io.leadscore.scoring.projection;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import io.leadscore.contracts.ScoreChanged;
import io.leadscore.scoring.engine.Fact;
import io.leadscore.scoring.engine.LeadLog;
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

        /** Whether the stored row already says the same: only when it was computed differs. */
        public boolean sameStateAs(Row stored) {
            return stored != null && modelVersion == stored.modelVersion
                    && Double.compare(score, stored.score) == 0 && Objects.equals(band, stored.band)
                    && Objects.equals(nextChangeAt, stored.nextChangeAt);
        }
    }

    /** The new row, and the change to publish (null when none is due). */
    public record Outcome(Row row, ScoreChanged change) {
    }

    static final int TOP_CONTRIBUTIONS = 5;

    private ScoreUpdate() {
    }

    /**
     * @param log the lead's facts
     * @param newFacts the lead's facts that just arrived (for {@link Trigger#EVENTS}); empty otherwise
     * @param current the stored row, or null when the lead has none under this model
     * @param sourceReceivedAt when ingest received the newest new event (for latency), or null
     */
    public static Outcome decide(Trigger trigger, String tenant, String leadId, ScoringModel model, LeadLog log,
            List<Fact> newFacts, Row current, Instant now, Instant sourceReceivedAt) {
        if (trigger == Trigger.EVENTS) {
            return decideOnEvents(tenant, leadId, model, log, newFacts, current, now, sourceReceivedAt);
        }
        // The other triggers publish only on a band change, so they summarise only then.
        Scorer.Evaluation evaluation = Scorer.scoreWithNextChange(model, log, now);
        ScoreResult result = evaluation.result();
        Row row = new Row(tenant, model.modelId(), leadId, model.version(), result.score(), result.band(), now,
                evaluation.nextChange().orElse(null));
        if (trigger == Trigger.REBUILD || current != null && Objects.equals(current.band(), result.band())) {
            return new Outcome(row, null);
        }
        Scorer.Summary summary = Scorer.summarize(model, log, now, TOP_CONTRIBUTIONS);
        ScoreChanged.Cause cause = trigger == Trigger.DECAY ? ScoreChanged.Cause.decay() : ScoreChanged.Cause.modelVersion();
        return new Outcome(row, change(tenant, leadId, model, current == null ? null : current.score(),
                current == null ? null : current.band(), summary, cause, now, null));
    }

    /** New events publish when they changed the score, or when the band changed. */
    private static Outcome decideOnEvents(String tenant, String leadId, ScoringModel model, LeadLog log,
            List<Fact> newFacts, Row current, Instant now, Instant sourceReceivedAt) {
        // New events nearly always publish, and a change carries the top rules and the profile: summarise at once.
        Scorer.Summary summary = Scorer.summarize(model, log, now, TOP_CONTRIBUTIONS);
        ScoreResult result = summary.result();
        Row row = new Row(tenant, model.modelId(), leadId, model.version(), result.score(), result.band(), now,
                summary.nextChange().orElse(null));
        boolean bandChanged = current == null || !Objects.equals(current.band(), result.band());
        // The score just before the new events, at the same instant. New facts that no rule of this model can use
        // leave every number as it was, so the second pass is needed only when one of them counts.
        Fact newest = null;
        boolean counted = false;
        for (Fact fact : newFacts) {
            if (newest == null || Fact.LOG_ORDER.compare(fact, newest) > 0) {
                newest = fact;
            }
            counted = counted || Scorer.canAffect(model, fact);
        }
        ScoreResult before = counted ? Scorer.score(model, log.without(eventIds(newFacts)), now) : result;
        boolean changedByEvents = Double.compare(before.score(), result.score()) != 0;
        if (!changedByEvents && !bandChanged) {
            return new Outcome(row, null);
        }
        return new Outcome(row, change(tenant, leadId, model, current == null ? null : before.score(),
                current == null ? null : current.band(), summary,
                ScoreChanged.Cause.event(newest == null ? null : newest.eventId()), now, sourceReceivedAt));
    }

    private static Set<String> eventIds(List<Fact> facts) {
        Set<String> ids = new HashSet<>(facts.size() * 2);
        for (Fact fact : facts) {
            ids.add(fact.eventId());
        }
        return ids;
    }

    private static ScoreChanged change(String tenant, String leadId, ScoringModel model, Double previousScore,
            String previousBand, Scorer.Summary summary, ScoreChanged.Cause cause, Instant now,
            Instant sourceReceivedAt) {
        List<ScoreChanged.RuleContribution> top = summary.top().stream().map(ScoreUpdate::toContract).toList();
        return new ScoreChanged(ScoreChanged.CURRENT_SCHEMA_VERSION, tenant, leadId, model.modelId(), model.version(),
                previousScore, summary.result().score(), previousBand, summary.result().band(), cause, now, top,
                summary.profile(), sourceReceivedAt);
    }

    private static ScoreChanged.RuleContribution toContract(RuleTotal total) {
        return new ScoreChanged.RuleContribution(total.ruleId(), total.count(), total.total(), total.label());
    }
}
