package io.leadscore.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.leadscore.contracts.ContractsJson;

/**
 * Watches reps' live alert streams ({@code GET /v1/reps/{repId}/alerts/stream}, Server-Sent Events) the way a rep's
 * browser does, and reports each alert with the bench's own clock the moment its {@code data:} line arrives. That is
 * the last hop of the pipeline, so send time → this timestamp is event-to-alert latency as the rep sees it, with no
 * clock shared between machines or services.
 */
final class AlertListener implements AutoCloseable {

    interface OnAlert {
        /** @param routedAt when routing decided the stage change (the alert's {@code occurredAt}), or null */
        void alert(String leadId, String kind, java.time.Instant routedAt, long arrivedNanos);
    }

    private final List<Thread> readers = new ArrayList<>();
    private final List<InputStream> streams = new ArrayList<>();
    private final AtomicLong alerts = new AtomicLong();
    private volatile boolean closed;

    private AlertListener() {
    }

    /** Subscribes to every rep's stream and returns once each has said {@code ready}. */
    static AlertListener open(String baseUrl, String token, List<String> repIds, OnAlert onAlert) throws Exception {
        AlertListener listener = new AlertListener();
        CountDownLatch ready = new CountDownLatch(repIds.size());
        for (String rep : repIds) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/reps/" + rep + "/alerts/stream"))
                    .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET().build();
            HttpResponse<InputStream> response = BenchMain.HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                response.body().close();
                listener.close();
                throw new IllegalStateException("GET alert stream of " + rep + " → " + response.statusCode());
            }
            listener.streams.add(response.body());
            Thread reader = new Thread(() -> listener.read(rep, response.body(), ready, onAlert), "sse-" + rep);
            reader.setDaemon(true);
            reader.start();
            listener.readers.add(reader);
        }
        if (!ready.await(30, TimeUnit.SECONDS)) {
            listener.close();
            throw new IllegalStateException("the alert streams did not say 'ready' within 30 s");
        }
        return listener;
    }

    long alerts() {
        return alerts.get();
    }

    private void read(String rep, InputStream body, CountDownLatch ready, OnAlert onAlert) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String event = "message";
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    long arrived = System.nanoTime();
                    if ("ready".equals(event)) {
                        ready.countDown();
                    } else if ("alert".equals(event)) {
                        var node = ContractsJson.mapper().readTree(line.substring(5).strip());
                        alerts.incrementAndGet();
                        String routed = node.path("occurredAt").asText(null);
                        onAlert.alert(node.path("leadId").asText(), node.path("kind").asText(),
                                routed == null ? null : java.time.Instant.parse(routed), arrived);
                    }
                } else if (line.isEmpty()) {
                    event = "message";
                }
            }
            if (!closed) {
                System.err.println("alert stream of " + rep + " ended");
            }
        } catch (IOException e) {
            if (!closed) {
                System.err.println("alert stream of " + rep + " failed: " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (InputStream s : streams) {
            try {
                s.close();
            } catch (IOException ignored) {
                // Closing a stream we no longer read.
            }
        }
        for (Thread t : readers) {
            t.interrupt();
        }
    }
}
