package io.leadscore.notification.channel;

import java.net.ConnectException;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.leadscore.notification.config.NotificationConfig;
import io.leadscore.notification.domain.SendResult;
import io.leadscore.notification.domain.UrlPolicy;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.net.SocketAddress;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;

/**
 * Non-blocking HTTP POSTs to providers, with a timeout, and every answer classified ({@link SendResult#ofHttpStatus}).
 * Requests carry the headers the sender gives, among them the delivery's W3C {@code traceparent}.
 * Rep-supplied URLs are checked against the {@link UrlPolicy} right before the request and the connection goes to the
 * address that was checked, never to a fresh DNS answer.
 */
@ApplicationScoped
public class HttpPoster {

    static final int MAX_CONNECTIONS_PER_HOST = 256;

    private final WebClient client;
    private final UrlPolicy policy;
    private final long timeoutMillis;

    public HttpPoster(Vertx vertx, UrlPolicy policy, NotificationConfig config) {
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setUserAgent("leadscore-notification/1")
                .setFollowRedirects(false)
                // The senders put the delivery span's traceparent on each request themselves; Vert.x's own client
                // tracing would start an unrelated trace here (a send runs outside any current span) and overwrite it.
                .setTracingPolicy(TracingPolicy.IGNORE)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.providers().timeout().toMillis()))
                // The per-provider bulkheads bound concurrency; the client's pool must not be a narrower, shared
                // limit. With Vert.x's default of 5 connections per host, webhook endpoints on one host (each its own
                // provider) queued behind each other's slow calls: a healthy one waited ~2 s for a connection.
                .setMaxPoolSize(MAX_CONNECTIONS_PER_HOST)
                .setVerifyHost(true));
        this.policy = policy;
        this.timeoutMillis = config.providers().timeout().toMillis();
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** POSTs to a URL a rep supplied: checked (host resolved off the event loop), then pinned to a checked address. */
    public Uni<SendResult> postToRepUrl(String url, Map<String, String> headers, String contentType, String body) {
        return Uni.createFrom().item(() -> check(url))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(checked -> {
                    if (checked.rejection != null) {
                        return Uni.createFrom().item(SendResult.permanentFailure("not sent: URL "
                                + checked.rejection));
                    }
                    UrlPolicy.Checked target = checked.target;
                    InetAddress address = target.addresses().get(0);
                    String path = target.uri().getRawPath() == null || target.uri().getRawPath().isEmpty()
                            ? "/"
                            : target.uri().getRawPath();
                    if (target.uri().getRawQuery() != null) {
                        path += "?" + target.uri().getRawQuery();
                    }
                    RequestOptions options = new RequestOptions()
                            .setHost(target.uri().getHost())
                            .setPort(target.port())
                            .setSsl("https".equalsIgnoreCase(target.uri().getScheme()))
                            .setURI(path);
                    // Connect to the checked address; host name still used for the Host header, SNI and certificate.
                    SocketAddress server = SocketAddress.inetSocketAddress(target.port(), address.getHostAddress());
                    return send(client.request(HttpMethod.POST, server, options), headers, contentType, body);
                });
    }

    /** POSTs to an operator-configured provider URL (not subject to the rep URL policy). */
    public Uni<SendResult> post(String absoluteUrl, Map<String, String> headers, String contentType, String body) {
        return send(client.postAbs(absoluteUrl), headers, contentType, body);
    }

    private Uni<SendResult> send(HttpRequest<Buffer> request, Map<String, String> headers, String contentType,
            String body) {
        request.timeout(timeoutMillis).putHeader("Content-Type", contentType);
        headers.forEach(request::putHeader);
        return request.sendBuffer(Buffer.buffer(body))
                .map((HttpResponse<Buffer> r) -> SendResult.ofHttpStatus(r.statusCode(), r.bodyAsString()))
                .onFailure().recoverWithItem(HttpPoster::failure);
    }

    /** No answer at all (refused, reset, timed out, TLS failure): worth retrying. */
    static SendResult failure(Throwable e) {
        if (e instanceof TimeoutException || e instanceof io.netty.handler.timeout.TimeoutException) {
            return SendResult.transientFailure("no answer: timed out");
        }
        if (e instanceof ConnectException) {
            return SendResult.transientFailure("no answer: connection refused (" + e.getMessage() + ")");
        }
        return SendResult.transientFailure("no answer: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
    }

    private Checked check(String url) {
        try {
            return new Checked(policy.check(url), null);
        } catch (UrlPolicy.Rejected e) {
            return new Checked(null, e.getMessage());
        }
    }

    private record Checked(UrlPolicy.Checked target, String rejection) {
    }
}
