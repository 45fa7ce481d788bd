package io.leadscore.notification.contact;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.leadscore.notification.api.ApiErrors;
import io.leadscore.notification.config.NotificationConfig;
import io.leadscore.notification.domain.AlertKind;
import io.leadscore.notification.domain.Channel;
import io.leadscore.notification.domain.ContactPreferences;
import io.leadscore.notification.domain.ContactValidator;
import io.leadscore.notification.domain.UrlPolicy;
import io.leadscore.notification.domain.WebhookSecrets;
import io.leadscore.notification.domain.WebhookSigner;
import io.leadscore.security.Roles;
import io.leadscore.security.TenantContext;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;

/** A rep's contact details and alert preferences. Secrets are accepted or generated here and never shown again. */
@Path("/v1/reps/{repId}/contact")
@Produces(MediaType.APPLICATION_JSON)
public class ContactResource {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final TenantContext tenantContext;
    private final ContactStore store;
    private final PgPool pool;
    private final UrlPolicy urls;
    private final NotificationConfig config;
    private final Clock clock;

    public ContactResource(TenantContext tenantContext, ContactStore store, PgPool pool, UrlPolicy urls,
            NotificationConfig config, Clock clock) {
        this.tenantContext = tenantContext;
        this.store = store;
        this.pool = pool;
        this.urls = urls;
        this.config = config;
        this.clock = clock;
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    // URL checks resolve host names, which blocks.
    @Blocking
    @Operation(summary = "Set how a rep is alerted", description = "Email, phone (E.164), chat webhook URL (Slack or "
            + "Teams), webhook URL and secret (whsec_…; generated and returned once when omitted; a new one rotates: "
            + "the previous keeps signing for a grace period), channels per alert kind, time zone, quiet hours and "
            + "which kinds are urgent. Replaces the previous settings.")
    public Uni<Response> put(@PathParam("repId") String repId, Map<String, Object> body) {
        String tenant = tenantContext.tenant();
        String by = tenantContext.principal();
        if (!TenantContext.REP_ID.matcher(repId).matches()) {
            return Uni.createFrom().item(ApiErrors.badRequest("repId", "must be 1-128 letters, digits, '.', '_', "
                    + "'@' or '-'"));
        }
        ContactValidator.Result result = ContactValidator.validate(body, urls);
        if (!result.valid()) {
            return Uni.createFrom().item(ApiErrors.badRequest(result.errors()));
        }
        ContactPreferences p = result.preferences();
        Instant now = clock.instant();
        return pool.withTransaction(conn -> store.find(conn, tenant, repId).chain(existing -> {
            WebhookSecrets secrets = existing == null ? WebhookSecrets.NONE : existing.secrets();
            String generated = null;
            if (p.webhookUrl() == null) {
                secrets = WebhookSecrets.NONE;
            } else if (result.webhookSecret() != null) {
                secrets = secrets.rotateTo(result.webhookSecret(), now, config.webhook().secretRotationGrace());
            } else if (secrets.current() == null) {
                byte[] bytes = new byte[32];
                RANDOM.nextBytes(bytes);
                generated = WebhookSigner.newSecret(bytes);
                secrets = secrets.rotateTo(generated, now, config.webhook().secretRotationGrace());
            }
            String shownOnce = generated;
            return store.upsert(conn, tenant, repId, p, secrets, now, by)
                    .map(stored -> {
                        Map<String, Object> view = view(stored, now, true);
                        if (shownOnce != null) {
                            view.put("webhookSecret", shownOnce);
                        }
                        return Response.ok(view).build();
                    });
        }));
    }

    @GET
    @RolesAllowed({Roles.READ, Roles.ADMIN})
    @Operation(summary = "How a rep is alerted (webhook secrets are never shown)")
    public Uni<Response> get(@PathParam("repId") String repId) {
        String tenant = tenantContext.tenant();
        Instant now = clock.instant();
        return store.find(pool, tenant, repId).map(c -> c == null
                ? ApiErrors.notFound("no contact for rep " + repId)
                : Response.ok(view(c, now, tenantContext.hasRole(Roles.ADMIN))).build());
    }

    /** Scheme and host of a URL, the rest elided: {@code https://hooks.slack.com/…}. */
    static String masked(String url) {
        if (url == null) {
            return null;
        }
        try {
            java.net.URI uri = java.net.URI.create(url);
            return uri.getScheme() + "://" + uri.getRawAuthority() + "/…";
        } catch (IllegalArgumentException e) {
            return "…";
        }
    }

    /**
     * The contact as the API shows it. A chat webhook URL (Slack, Teams) is itself a credential: anyone holding it can
     * post to the channel, so only admins, who set it, see it whole; readers see where it points.
     */
    static Map<String, Object> view(StoredContact c, Instant now, boolean admin) {
        ContactPreferences p = c.preferences();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("repId", c.repId());
        view.put("email", p.email());
        view.put("phone", p.phone());
        view.put("chatWebhookUrl", admin ? p.chatWebhookUrl() : masked(p.chatWebhookUrl()));
        view.put("chatWebhookUrlSet", p.chatWebhookUrl() != null);
        view.put("chatFormat", p.chatFormat());
        view.put("webhookUrl", p.webhookUrl());
        view.put("webhookSecretSet", c.secrets().current() != null);
        if (c.secrets().active(now).size() > 1) {
            view.put("previousWebhookSecretValidUntil", c.secrets().previousUntil());
        }
        Map<String, List<String>> channels = new TreeMap<>();
        p.channels().forEach((k, set) -> channels.put(k.wire(), set.stream().map(Channel::wire).toList()));
        view.put("channels", channels);
        view.put("timeZone", p.timeZone().getId());
        view.put("quietHours", p.quietHours() == null
                ? null
                : Map.of("from", p.quietHours().from().toString(), "to", p.quietHours().to().toString()));
        view.put("urgent", p.urgent().stream().map(AlertKind::wire).toList());
        view.put("updatedAt", c.updatedAt());
        return view;
    }
}
