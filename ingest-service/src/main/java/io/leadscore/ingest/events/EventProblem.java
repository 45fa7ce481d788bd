package io.leadscore.ingest.events;

/** One precise problem with a submitted event: which event (index or line), which field, what is wrong. */
public record EventProblem(Integer index, String field, String message) {
}
