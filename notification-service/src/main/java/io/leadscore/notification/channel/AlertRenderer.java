package io.leadscore.notification.channel;

import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import io.leadscore.notification.domain.AlertContent;
import io.leadscore.notification.domain.SmsText;
import io.quarkus.qute.Engine;
import io.quarkus.qute.TemplateData;

/**
 * Renders alerts with the Qute templates in {@code templates/alerts/}: one per channel, with a section per alert kind
 * where the wording differs. HTML templates escape every value.
 */
@ApplicationScoped
@TemplateData(target = AlertContent.class)
@TemplateData(target = AlertContent.ScoreLine.class)
public class AlertRenderer {

    private static final Pattern LINE_BREAKS_AND_CONTROLS = Pattern.compile("[\\p{Cntrl}\\u0085\\u2028\\u2029]+");

    private final Engine engine;

    public AlertRenderer(Engine engine) {
        this.engine = engine;
    }

    /**
     * One line, whatever the lead's data holds (ingest accepts line breaks in attribute values). The mail client refuses
     * a subject with a line break, so such a lead's alert failed on every attempt and never reached the rep; a laxer
     * client would have ended the Subject header there and sent the rest as headers of its own.
     */
    public String emailSubject(AlertContent c) {
        return LINE_BREAKS_AND_CONTROLS.matcher(render("alerts/email-subject.txt", c)).replaceAll(" ").strip();
    }

    public String emailHtml(AlertContent c) {
        return render("alerts/email.html", c);
    }

    public String emailText(AlertContent c) {
        return render("alerts/email.txt", c);
    }

    /** At most 160 plain characters; the explanation link only when it fits. */
    public String sms(AlertContent c) {
        return SmsText.fit(render("alerts/sms.txt", c), c.link());
    }

    /** Slack mrkdwn (values escaped for it). */
    public String slack(AlertContent c) {
        return render("alerts/slack.txt", c).strip();
    }

    /** Markdown for a Teams card (values escaped for it). */
    public String teams(AlertContent c) {
        return render("alerts/teams.txt", c).strip();
    }

    private String render(String template, AlertContent c) {
        return engine.getTemplate(template).data("alert", c).render();
    }
}
