package io.leadscore.scoring.engine.model;

/** A scoring rule: either behavioural ({@link EventRule}) or demographic ({@link AttributeRule}). */
public sealed interface Rule permits EventRule, AttributeRule {

    String id();

    double points();
}
