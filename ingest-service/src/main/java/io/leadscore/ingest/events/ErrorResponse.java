package io.leadscore.ingest.events;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The error body of every 4xx/5xx: every problem, each with the event index (or line) and field when known. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorResponse(List<EventProblem> errors) {

    public static ErrorResponse of(String message) {
        return new ErrorResponse(List.of(new EventProblem(null, null, message)));
    }
}
