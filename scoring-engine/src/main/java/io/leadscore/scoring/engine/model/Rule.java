package io.leadscore.scoring.engine.model;

/** A scoring rule: either behavioural ({@link EventRule}) or demographic ({@link AttributeRule}). */
public sealed interface Rule permits EventRule, AttributeRule {

    String id();

    /**
     * How people read the rule in explanations and alerts ("Requested a demo"); the model's {@code label}, or the id
     * when the model gives none.
     */
    String label();

    double points();
}
