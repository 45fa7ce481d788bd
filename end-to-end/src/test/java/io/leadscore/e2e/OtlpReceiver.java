package io.leadscore.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

import com.google.protobuf.InvalidProtocolBufferException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;

/**
 * A minimal OpenTelemetry collector: an OTLP/HTTP receiver ({@code POST /v1/traces}, {@code application/x-protobuf})
 * in the test JVM that keeps every span the services export, so the test can follow one trace through all of them.
 * Other signals are accepted and dropped.
 */
final class OtlpReceiver {

    /** One exported span, flattened: the exporting service, ids in lowercase hex, name and attributes as text. */
    record ExportedSpan(String service, String traceId, String spanId, String parentSpanId, String name,
            Map<String, String> attributes) {

        @Override
        public String toString() {
            return service + " '" + name + "' " + traceId + "/" + spanId + " parent " + parentSpanId + " "
                    + attributes;
        }
    }

    private static final HexFormat HEX = HexFormat.of();

    private final HttpServer server;
    private final List<ExportedSpan> spans = new CopyOnWriteArrayList<>();

    OtlpReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "otlp-receiver");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    /** The base endpoint to configure as {@code quarkus.otel.exporter.otlp.traces.endpoint} (http/protobuf). */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void stop() {
        server.stop(0);
    }

    /** Every span received so far, one a line, for a look after the run. */
    void writeTo(Path file) {
        try {
            Files.write(file, spans.stream().map(ExportedSpan::toString).toList());
        } catch (IOException e) {
            // A diagnostic only.
        }
    }

    /** Every span received so far with this trace id. */
    List<ExportedSpan> trace(String traceId) {
        return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body;
            try (InputStream in = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                    ? new GZIPInputStream(exchange.getRequestBody())
                    : exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            byte[] response = new byte[0];
            if (exchange.getRequestURI().getPath().endsWith("/v1/traces")) {
                try {
                    spans.addAll(flatten(ExportTraceServiceRequest.parseFrom(body)));
                } catch (InvalidProtocolBufferException e) {
                    exchange.sendResponseHeaders(400, -1);
                    return;
                }
                response = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            }
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            if (response.length == 0) {
                exchange.sendResponseHeaders(200, -1);
            } else {
                exchange.sendResponseHeaders(200, response.length);
                exchange.getResponseBody().write(response);
            }
        }
    }

    private static List<ExportedSpan> flatten(ExportTraceServiceRequest request) {
        List<ExportedSpan> result = new ArrayList<>();
        for (ResourceSpans resource : request.getResourceSpansList()) {
            String service = attributes(resource.getResource().getAttributesList()).get("service.name");
            for (ScopeSpans scope : resource.getScopeSpansList()) {
                for (io.opentelemetry.proto.trace.v1.Span span : scope.getSpansList()) {
                    result.add(new ExportedSpan(service, HEX.formatHex(span.getTraceId().toByteArray()),
                            HEX.formatHex(span.getSpanId().toByteArray()),
                            HEX.formatHex(span.getParentSpanId().toByteArray()), span.getName(),
                            attributes(span.getAttributesList())));
                }
            }
        }
        return result;
    }

    private static Map<String, String> attributes(List<KeyValue> list) {
        Map<String, String> map = new LinkedHashMap<>();
        for (KeyValue kv : list) {
            AnyValue v = kv.getValue();
            map.put(kv.getKey(), switch (v.getValueCase()) {
                case STRING_VALUE -> v.getStringValue();
                case INT_VALUE -> Long.toString(v.getIntValue());
                case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
                case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
                default -> v.toString().trim();
            });
        }
        return map;
    }
}
