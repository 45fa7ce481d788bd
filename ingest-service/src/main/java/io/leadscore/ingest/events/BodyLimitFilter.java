package io.leadscore.ingest.events;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * Answers 413 for {@code POST /v1/events} bodies that announce more than the limit, before a byte of them is read.
 * The server-wide body limit is large because bulk imports stream gigabytes; without this, an oversize single-events
 * request would be buffered whole before the resource could reject it.
 */
@ApplicationScoped
public class BodyLimitFilter {

    private final IngestLimits limits;

    public BodyLimitFilter(IngestLimits limits) {
        this.limits = limits;
    }

    void register(@Observes Router router) {
        router.post("/v1/events").order(-100).handler(rc -> {
            String length = rc.request().getHeader("Content-Length");
            long declared;
            try {
                declared = length == null ? -1 : Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                declared = -1;
            }
            if (declared > limits.maxBodyBytes()) {
                rc.response().setStatusCode(413).putHeader("Content-Type", "application/json")
                        .putHeader("Connection", "close")
                        .end(new JsonObject().put("errors", new io.vertx.core.json.JsonArray().add(new JsonObject()
                                .put("message", "body is " + declared + " bytes; the limit is " + limits.maxBodyBytes()
                                        + " (use POST /v1/events/bulk for large imports)")))
                                .encode());
                return;
            }
            rc.next();
        });
    }
}
