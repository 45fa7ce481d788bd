package io.leadscore.routing.api;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.leadscore.routing.domain.RoutingRejected;

/** Command failures in the shared error shape. */
public class ExceptionMappers {

    @ServerExceptionMapper
    public Response notFound(NotFound e) {
        return ApiErrors.notFound(e.getMessage());
    }

    @ServerExceptionMapper
    public Response forbidden(Forbidden e) {
        return ApiErrors.status(403, null, null, e.getMessage());
    }

    @ServerExceptionMapper
    public Response badRequest(BadRequest e) {
        return ApiErrors.badRequest(e.field(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response rejected(RoutingRejected e) {
        return ApiErrors.conflict(null, e.getMessage());
    }
}
