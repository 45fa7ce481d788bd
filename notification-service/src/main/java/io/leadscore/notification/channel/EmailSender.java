package io.leadscore.notification.channel;

import jakarta.enterprise.context.ApplicationScoped;

import io.leadscore.notification.domain.Channel;
import io.leadscore.notification.domain.SendResult;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.mail.SMTPException;

/** HTML + plain-text email over SMTP (Quarkus reactive mailer, so no thread waits on the SMTP dialogue). */
@ApplicationScoped
public class EmailSender implements Sender {

    /** Lets mail clients and support staff match a message to its delivery log entry. */
    public static final String IDEMPOTENCY_HEADER = "X-Leadscore-Idempotency-Key";
    /** The W3C trace context of the delivery attempt, as a MIME header. */
    public static final String TRACEPARENT_HEADER = "traceparent";

    private final ReactiveMailer mailer;
    private final AlertRenderer renderer;

    public EmailSender(ReactiveMailer mailer, AlertRenderer renderer) {
        this.mailer = mailer;
        this.renderer = renderer;
    }

    @Override
    public Channel channel() {
        return Channel.EMAIL;
    }

    @Override
    public String provider(OutgoingMessage message) {
        return "email";
    }

    @Override
    public Uni<SendResult> send(OutgoingMessage m) {
        String to = m.contact().preferences().email();
        Mail mail = Mail.withHtml(to, renderer.emailSubject(m.content()), renderer.emailHtml(m.content()))
                .setText(renderer.emailText(m.content()))
                .addHeader(IDEMPOTENCY_HEADER, m.idempotencyKey());
        if (m.traceparent() != null) {
            // Lets the mail be matched to the lead's trace, as the HTTP channels' traceparent header does.
            mail.addHeader(TRACEPARENT_HEADER, m.traceparent());
        }
        return mailer.send(mail)
                .map(ignored -> SendResult.delivered("SMTP 250 accepted for " + to))
                .onFailure().recoverWithItem(EmailSender::classify)
                .chain(Sender::settle);
    }

    /** SMTP 4xx and connection problems are transient; SMTP 5xx (unknown mailbox, rejected) is permanent. */
    static SendResult classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SMTPException smtp) {
                return SendResult.ofSmtpReply(smtp.getReplyCode(), smtp.getReplyMessage());
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return HttpPoster.failure(failure);
    }
}
