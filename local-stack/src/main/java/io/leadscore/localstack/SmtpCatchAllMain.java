package io.leadscore.localstack;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.mail.internet.MimeMessage;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * The local stack's SMTP catch-all: accepts every message on 127.0.0.1:&lt;port&gt; and writes each, whole, to
 * {@code <dir>/NNNNN.eml}, so the demo's alerts are delivered over real SMTP and can be read as files.
 *
 * <p>
 * Usage: {@code SmtpCatchAllMain <port> <dir>}
 */
public final class SmtpCatchAllMain {

    private SmtpCatchAllMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path dir = Path.of(args[1]);
        Files.createDirectories(dir);
        GreenMail mail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
                .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
        mail.start();
        Runtime.getRuntime().addShutdownHook(new Thread(mail::stop, "smtp-catch-all-shutdown"));
        System.out.println("SMTP catch-all ready on 127.0.0.1:" + port + ", messages in " + dir.toAbsolutePath());
        int written;
        try (var existing = Files.list(dir)) {
            written = (int) existing.filter(p -> p.toString().endsWith(".eml")).count();
        }
        int seen = 0;
        while (true) {
            MimeMessage[] messages = mail.getReceivedMessages();
            for (; seen < messages.length; seen++) {
                written++;
                Path file = dir.resolve(String.format("%05d.eml", written));
                Files.writeString(file, GreenMailUtil.getWholeMessage(messages[seen]), StandardCharsets.UTF_8);
                System.out.println("received " + file.getFileName() + ": " + messages[seen].getSubject());
            }
            Thread.sleep(250);
        }
    }
}
