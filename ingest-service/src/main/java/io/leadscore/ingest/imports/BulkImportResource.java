package io.leadscore.ingest.imports;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.leadscore.ingest.events.ErrorResponse;
import io.leadscore.ingest.events.EventIngestion;
import io.leadscore.ingest.events.EventProblem;
import io.leadscore.ingest.events.EventValidator;
import io.leadscore.ingest.events.IngestLimits;
import io.leadscore.ingest.events.IngestResult;
import io.leadscore.ingest.events.StrictJson;
import io.leadscore.security.Roles;
import io.leadscore.security.TenantContext;
import io.smallrye.common.annotation.Blocking;

/**
 * Historical imports: NDJSON, one event per line, streamed (never held in memory whole). Invalid lines are reported by
 * line number and skipped; valid ones are published in chunks, each acknowledged by Kafka before the next is read.
 */
@Path("/v1/events/bulk")
public class BulkImportResource {

    public static final String NDJSON = "application/x-ndjson";
    private static final Logger LOG = Logger.getLogger(BulkImportResource.class);
    private static final Pattern IMPORT_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final int CHUNK = 1000;
    private static final int MAX_REPORTED_ERRORS = 1000;
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);

    private final TenantContext tenantContext;
    private final EventValidator validator;
    private final EventIngestion ingestion;
    private final ImportRepository imports;
    private final IngestLimits limits;
    private final ObjectMapper strictMapper;

    public BulkImportResource(TenantContext tenantContext, IngestLimits limits, EventIngestion ingestion,
            ImportRepository imports, ObjectMapper mapper) {
        this.tenantContext = tenantContext;
        this.limits = limits;
        this.validator = new EventValidator(limits);
        this.ingestion = ingestion;
        this.imports = imports;
        this.strictMapper = StrictJson.mapper(mapper);
    }

    @POST
    @Consumes(NDJSON)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.INGEST)
    @Blocking
    @Operation(summary = "Import events as NDJSON, one event per line", description = "Streams any size. Invalid lines "
            + "are reported by line number and skipped. Pass ?importId= to follow progress at GET /v1/imports/{id} "
            + "while it runs; the response gives the final counts.")
    public Response importEvents(InputStream body, @QueryParam("importId") String requestedId) throws IOException {
        String tenant = tenantContext.tenant();
        String importId = requestedId == null ? UUID.randomUUID().toString() : requestedId;
        if (!IMPORT_ID.matcher(importId).matches()) {
            return Response.status(400).entity(new ErrorResponse(List.of(new EventProblem(null, "importId",
                    "must match " + IMPORT_ID.pattern())))).build();
        }
        if (imports.exists(importId).await().indefinitely()) {
            return Response.status(409).entity(ErrorResponse.of("import " + importId + " already exists")).build();
        }
        Instant started = Instant.now();
        var progress = new Progress(importId, started);
        imports.save(tenant, progress.snapshot(ImportStatus.RUNNING, started, null)).await().indefinitely();

        List<EventValidator.ValidEvent> chunk = new ArrayList<>(CHUNK);
        Instant lastSaved = started;
        var reader = new NdjsonLineReader(body, limits.maxEventBytes());
        try {
            for (NdjsonLineReader.Line line; (line = reader.next()) != null;) {
                progress.lines++;
                readLine(line, chunk, progress);
                if (chunk.size() >= CHUNK) {
                    publish(tenant, chunk, progress);
                    progress.unpublishedFrom = line.number() + 1;
                }
                Instant now = Instant.now();
                if (Duration.between(lastSaved, now).compareTo(PROGRESS_EVERY) >= 0) {
                    imports.save(tenant, progress.snapshot(ImportStatus.RUNNING, now, null)).await().indefinitely();
                    lastSaved = now;
                }
            }
            publish(tenant, chunk, progress);
        } catch (IOException | RuntimeException e) {
            LOG.errorf(e, "Import %s of tenant %s failed; resend from line %d", importId, tenant,
                    progress.unpublishedFrom);
            Instant now = Instant.now();
            // Nothing read since the last acknowledged chunk is known to be stored (the failed chunk may be partly).
            progress.addError(new EventProblem(null, null, "import stopped: " + e.getMessage() + "; the lines before "
                    + "line " + progress.unpublishedFrom + " were stored or rejected, resend from line "
                    + progress.unpublishedFrom + " (counting every line, blank ones too)"));
            ImportStatus failed = progress.snapshot(ImportStatus.FAILED, now, now);
            imports.save(tenant, failed).await().indefinitely();
            return Response.status(503).entity(failed).build();
        }
        Instant finished = Instant.now();
        ImportStatus done = progress.snapshot(ImportStatus.COMPLETED, finished, finished);
        imports.save(tenant, done).await().indefinitely();
        return Response.ok(done).build();
    }

    private void readLine(NdjsonLineReader.Line line, List<EventValidator.ValidEvent> chunk, Progress progress)
            throws IOException {
        int number = (int) Math.min(Integer.MAX_VALUE, line.number());
        if (line.tooLong()) {
            progress.reject(new EventProblem(number, null, "line is " + line.bytes() + " bytes; the limit is "
                    + limits.maxEventBytes()));
            return;
        }
        if (line.text().isBlank()) {
            progress.lines--;
            return;
        }
        JsonNode node;
        try (JsonParser parser = strictMapper.createParser(line.text())) {
            node = strictMapper.readTree(parser);
            StrictJson.requireEnd(parser, "one event per line");
        } catch (JsonProcessingException e) {
            progress.reject(new EventProblem(number, null, "malformed JSON: " + e.getOriginalMessage()));
            return;
        }
        List<EventProblem> problems = new ArrayList<>();
        EventValidator.ValidEvent event = validator.validate(node, number, Instant.now(), line.bytes(), problems);
        if (event == null) {
            progress.rejected++;
            problems.forEach(progress::addError);
        } else {
            chunk.add(event);
        }
    }

    private void publish(String tenant, List<EventValidator.ValidEvent> chunk, Progress progress) {
        if (chunk.isEmpty()) {
            return;
        }
        IngestResult result = ingestion.ingest(tenant, chunk, Instant.now()).await().atMost(Duration.ofMinutes(2));
        progress.accepted += result.accepted();
        progress.duplicates += result.duplicates();
        chunk.clear();
    }

    /** Counters of one running import. */
    private static final class Progress {
        final String importId;
        final Instant startedAt;
        final List<EventProblem> errors = new ArrayList<>();
        long lines;
        long accepted;
        long duplicates;
        long rejected;
        /** The first line (counting blank ones) not known to be stored: where a resend must start. */
        long unpublishedFrom = 1;

        Progress(String importId, Instant startedAt) {
            this.importId = importId;
            this.startedAt = startedAt;
        }

        void reject(EventProblem problem) {
            rejected++;
            addError(problem);
        }

        void addError(EventProblem problem) {
            if (errors.size() < MAX_REPORTED_ERRORS) {
                errors.add(problem);
            }
        }

        ImportStatus snapshot(String status, Instant updatedAt, Instant finishedAt) {
            return new ImportStatus(importId, status, startedAt, updatedAt, finishedAt, lines, accepted, duplicates,
                    rejected, List.copyOf(errors));
        }
    }
}
