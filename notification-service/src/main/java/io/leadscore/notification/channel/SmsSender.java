package io.leadscore.notification.channel;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.leadscore.notification.config.NotificationConfig;
import io.leadscore.notification.domain.Channel;
import io.leadscore.notification.domain.SendResult;
import io.smallrye.mutiny.Uni;

/**
 * SMS through a Twilio-compatible API: {@code POST {base}/2010-04-01/Accounts/{sid}/Messages.json}, form-encoded
 * {@code To}, {@code From}, {@code Body}, HTTP basic auth {@code sid:token}. The base URL and credentials are the
 * operator's ({@code leadscore.notification.sms.*}); the token is never logged or recorded.
 */
@ApplicationScoped
public class SmsSender implements Sender {

    private final HttpPoster http;
    private final AlertRenderer renderer;
    private final NotificationConfig.Sms config;

    public SmsSender(HttpPoster http, AlertRenderer renderer, NotificationConfig config) {
        this.http = http;
        this.renderer = renderer;
        this.config = config.sms();
    }

    @Override
    public Channel channel() {
        return Channel.SMS;
    }

    @Override
    public String provider(OutgoingMessage message) {
        return "sms";
    }

    @Override
    public Uni<SendResult> send(OutgoingMessage m) {
        if (config.accountSid().isEmpty() || config.authToken().isEmpty() || config.from().isEmpty()) {
            return Uni.createFrom().item(SendResult.permanentFailure("not sent: no SMS provider is configured "
                    + "(leadscore.notification.sms.account-sid, auth-token, from)"));
        }
        String sid = config.accountSid().get();
        String base = config.baseUrl().endsWith("/")
                ? config.baseUrl().substring(0, config.baseUrl().length() - 1)
                : config.baseUrl();
        String url = base + "/2010-04-01/Accounts/" + encode(sid) + "/Messages.json";
        String form = "To=" + encode(m.contact().preferences().phone()) + "&From=" + encode(config.from().get())
                + "&Body=" + encode(renderer.sms(m.content()));
        String credentials = Base64.getEncoder().encodeToString((sid + ":" + config.authToken().get())
                .getBytes(StandardCharsets.UTF_8));
        return http.post(url, m.withTraceHeaders(Map.of("Authorization", "Basic " + credentials)),
                "application/x-www-form-urlencoded", form).chain(Sender::settle);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
