package io.leadscore.notification.stream;

import java.time.Instant;
import java.util.List;

import io.leadscore.notification.domain.AlertContent;

/** An alert as the live stream shows it. */
public record StreamedAlert(long alertId, String tenant, String repId, String kind, String title, String headline,
        String leadId, String leadName, List<AlertContent.ScoreLine> scores, List<String> reasons, String owner,
        Instant slaDeadline, String link, Instant occurredAt) {
}
