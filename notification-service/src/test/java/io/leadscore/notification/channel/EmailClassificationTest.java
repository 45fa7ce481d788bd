package io.leadscore.notification.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.ConnectException;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.leadscore.notification.domain.SendResult;
import io.vertx.ext.mail.SMTPException;

/** SMTP answers as the mail client reports them: 4xx retried, 5xx (bad address, refused) final. */
class EmailClassificationTest {

    @Test
    void smtpRepliesAndConnectionFailuresAreClassified() {
        SendResult busy = EmailSender.classify(new SMTPException("sending failed", 451,
                List.of("4.3.0 try again later"), false));
        assertEquals(SendResult.Outcome.TRANSIENT, busy.outcome());
        assertEquals("SMTP 451 4.3.0 try again later", busy.response());
        SendResult unknown = EmailSender.classify(new RuntimeException("wrapped",
                new SMTPException("sending failed", 550, List.of("5.1.1 no such user"), false)));
        assertEquals(SendResult.Outcome.PERMANENT, unknown.outcome());
        assertEquals("SMTP 550 5.1.1 no such user", unknown.response());
        SendResult down = EmailSender.classify(new ConnectException("Connection refused"));
        assertEquals(SendResult.Outcome.TRANSIENT, down.outcome());
    }
}
