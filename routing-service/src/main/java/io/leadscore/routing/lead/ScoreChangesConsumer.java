package io.leadscore.routing.lead;

import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.leadscore.contracts.ContractsJson;
import io.leadscore.contracts.MessageHeaders;
import io.leadscore.contracts.ScoreChanged;
import io.leadscore.contracts.Topics;
import io.leadscore.routing.domain.ScoreObserved;
import io.leadscore.security.TenantContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.mutiny.pgclient.PgPool;

/**
 * Consumes {@code score-changes} a poll batch at a time: dead-letters what cannot be parsed, routes the rest in one
 * transaction, and only then acknowledges (which lets the offsets be committed). If the batch keeps failing while the
 * database answers, the records are routed one by one and those that still fail are dead-lettered with the reason; if
 * the database does not answer, the batch fails and is redelivered after the restart.
 */
@ApplicationScoped
public class ScoreChangesConsumer {

    /** Where unusable score changes go, with the reason in the {@code dead-letter-reason} header. */
    public static final String DEAD_LETTER_TOPIC = Topics.SCORE_CHANGES + ".dlq";
    static final int MAX_LEAD_ID = 256;

    private static final Logger LOG = Logger.getLogger(ScoreChangesConsumer.class);

    private final ScoreRouting routing;
    private final PgPool pool;
    private final ObjectMapper mapper = ContractsJson.mapper();

    @Inject
    @Channel("score-changes-dlq")
    @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
    MutinyEmitter<String> deadLetters;

    /** Scoring's send (the record's timestamp) to this batch starting: time spent in Kafka and in front of routing. */
    private final Timer queued;
    /** One batch, from start to acknowledgement: parse, route in one transaction, commit. */
    private final Timer batchTime;

    public ScoreChangesConsumer(ScoreRouting routing, PgPool pool, MeterRegistry registry) {
        this.routing = routing;
        this.pool = pool;
        this.queued = Timer.builder("leadscore.routing.score.change.wait")
                .description("score-changes record timestamp to the start of the batch that routes it")
                .publishPercentileHistogram().register(registry);
        this.batchTime = Timer.builder("leadscore.routing.batch")
                .description("Routing one score-changes batch, start to acknowledgement")
                .publishPercentileHistogram().register(registry);
    }

    @Incoming(Topics.SCORE_CHANGES)
    public Uni<Void> consume(KafkaRecordBatch<String, String> batch) {
        long startedAt = System.currentTimeMillis();
        Timer.Sample batchSample = Timer.start();
        List<IncomingScore> valid = new ArrayList<>();
        List<KafkaRecord<String, String>> validRecords = new ArrayList<>();
        List<Uni<Void>> deadLettered = new ArrayList<>();
        for (KafkaRecord<String, String> record : batch) {
            queued.record(Math.max(0, startedAt - record.getTimestamp().toEpochMilli()), TimeUnit.MILLISECONDS);
            try {
                valid.add(parse(record));
                validRecords.add(record);
            } catch (InvalidScoreChange e) {
                deadLettered.add(deadLetter(record, e.getMessage()));
            }
        }
        Uni<Void> dlq = deadLettered.isEmpty()
                ? Uni.createFrom().voidItem()
                : Uni.join().all(deadLettered).andFailFast().replaceWithVoid();
        return dlq.chain(() -> routing.route(valid)
                .onFailure().recoverWithUni(failure -> oneByOne(valid, validRecords, failure)))
                .chain(() -> Uni.createFrom().completionStage(batch.ack()))
                .invoke(() -> batchSample.stop(batchTime));
    }

    private Uni<Void> oneByOne(List<IncomingScore> valid, List<KafkaRecord<String, String>> records,
            Throwable batchFailure) {
        List<Integer> indexes = IntStream.range(0, valid.size()).boxed().toList();
        return OneByOne.handle(pool, "Routing a batch of " + valid.size(), indexes, batchFailure,
                i -> routing.route(List.of(valid.get(i))),
                (i, f) -> deadLetter(records.get(i), "routing failed: " + f.getMessage()));
    }

    IncomingScore parse(KafkaRecord<String, String> record) {
        String json = record.getPayload();
        if (json == null) {
            throw new InvalidScoreChange("record has no value");
        }
        ScoreChanged s;
        try {
            s = mapper.readValue(json, ScoreChanged.class);
        } catch (Exception e) {
            throw new InvalidScoreChange("not a ScoreChanged: " + e.getMessage());
        }
        if (s.schemaVersion() < 1 || s.schemaVersion() > ScoreChanged.CURRENT_SCHEMA_VERSION) {
            throw new InvalidScoreChange("unsupported schemaVersion " + s.schemaVersion());
        }
        if (s.tenant() == null || !TenantContext.TENANT_ID.matcher(s.tenant()).matches()) {
            throw new InvalidScoreChange("tenant is missing or invalid");
        }
        if (s.leadId() == null || s.leadId().isBlank() || s.leadId().length() > MAX_LEAD_ID) {
            throw new InvalidScoreChange("leadId is missing or longer than " + MAX_LEAD_ID + " characters");
        }
        if (s.modelId() == null || s.modelId().isBlank()) {
            throw new InvalidScoreChange("modelId is missing");
        }
        if (s.computedAt() == null) {
            throw new InvalidScoreChange("computedAt is missing");
        }
        if (!Double.isFinite(s.score())) {
            throw new InvalidScoreChange("score is not a finite number");
        }
        if (record.getKey() != null && !Objects.equals(record.getKey(), s.key())) {
            throw new InvalidScoreChange("record key '" + record.getKey() + "' does not match tenant/leadId '"
                    + s.key() + "'");
        }
        // PostgreSQL keeps microseconds; comparing at that precision keeps a redelivered change equal to the stored one.
        var reasons = s.topContributions() == null
                ? java.util.List.<io.leadscore.routing.domain.RuleReason>of()
                : s.topContributions().stream()
                        .map(c -> new io.leadscore.routing.domain.RuleReason(c.ruleId(), c.count(), c.points(),
                                c.label()))
                        .toList();
        var observed = new ScoreObserved(s.modelId(), s.modelVersion(), s.score(), s.band(),
                s.computedAt().truncatedTo(ChronoUnit.MICROS), s.attributes(),
                s.sourceReceivedAt() == null ? null : s.sourceReceivedAt().truncatedTo(ChronoUnit.MICROS), reasons);
        return new IncomingScore(s.tenant(), s.leadId(), observed, header(record, MessageHeaders.TRACEPARENT));
    }

    private static String header(KafkaRecord<String, String> record, String name) {
        Header h = record.getHeaders().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private Uni<Void> deadLetter(KafkaRecord<String, String> record, String reason) {
        LOG.warnf("Dead-lettering score change with key %s: %s", record.getKey(), reason);
        var headers = new RecordHeaders().add(MessageHeaders.DEAD_LETTER_REASON, reason.getBytes(StandardCharsets.UTF_8));
        String trace = header(record, MessageHeaders.TRACEPARENT);
        if (trace != null) {
            headers.add(MessageHeaders.TRACEPARENT, trace.getBytes(StandardCharsets.UTF_8));
        }
        var metadata = OutgoingKafkaRecordMetadata.<String>builder().withKey(record.getKey()).withHeaders(headers)
                .build();
        return deadLetters.sendMessage(Message.of(record.getPayload() == null ? "" : record.getPayload())
                .addMetadata(metadata));
    }

    static class InvalidScoreChange extends RuntimeException {
        InvalidScoreChange(String message) {
            super(message);
        }
    }
}
