package io.leadscore.scoring.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds contributions up per rule, in contribution order, so that summaries built while scoring and summaries built
 * from an {@link Explanation} are the same numbers bit for bit.
 */
final class RuleTotals {

    private static final class Sum {
        final String label;
        final Contribution.Kind kind;
        int count;
        double total;

        Sum(String label, Contribution.Kind kind, double first) {
            this.label = label;
            this.kind = kind;
            this.count = 1;
            this.total = first;
        }
    }

    private final Map<String, Sum> byRule = new LinkedHashMap<>();

    void add(String ruleId, String label, Contribution.Kind kind, double effectivePoints) {
        Sum sum = byRule.get(ruleId);
        if (sum == null) {
            byRule.put(ruleId, new Sum(label, kind, effectivePoints));
        } else {
            sum.count++;
            sum.total = sum.total + effectivePoints;
        }
    }

    /** Largest absolute total first, ties by rule id; at most {@code limit}. */
    List<RuleTotal> top(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        List<RuleTotal> totals = new ArrayList<>(byRule.size());
        byRule.forEach((ruleId, sum) -> totals.add(new RuleTotal(ruleId, sum.label, sum.kind, sum.count, sum.total)));
        totals.sort(Comparator.comparingDouble((RuleTotal total) -> Math.abs(total.total())).reversed()
                .thenComparing(RuleTotal::ruleId));
        return List.copyOf(totals.subList(0, Math.min(limit, totals.size())));
    }
}
