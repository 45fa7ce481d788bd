package io.leadscore.notification;

import java.util.HashMap;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.leadscore.testing.LeadscoreInfra;

/**
 * The real broker plus this service's own, freshly created database, and the real protocol servers standing in for
 * providers: an SMTP server (GreenMail) and an HTTP server (WireMock) for the SMS API, chat and webhook receivers. Both
 * run in this JVM on free ports and are shared by every test class.
 */
public class NotificationTestInfra extends LeadscoreInfra {

    public static final String DATABASE = "leadscore_notification_test";
    public static final String SMS_SID = "AC0123456789";
    public static final String SMS_TOKEN = "sms-auth-token-never-logged";
    public static final String SMS_FROM = "+15550001111";
    /** A tenant whose SMS quota is one message a day. */
    public static final String QUOTA_TENANT = "quota-tenant";

    private static GreenMail smtp;
    private static WireMockServer http;

    @Override
    public void init(Map<String, String> initArgs) {
        super.init(Map.of("database", DATABASE));
    }

    public static synchronized GreenMail smtp() {
        if (smtp == null) {
            smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
            smtp.start();
            Runtime.getRuntime().addShutdownHook(new Thread(smtp::stop, "greenmail-shutdown"));
        }
        return smtp;
    }

    public static synchronized WireMockServer http() {
        if (http == null) {
            http = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
            http.start();
            Runtime.getRuntime().addShutdownHook(new Thread(http::stop, "wiremock-shutdown"));
        }
        return http;
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        config.put("quarkus.mailer.host", "127.0.0.1");
        config.put("quarkus.mailer.port", Integer.toString(smtp().getSmtp().getPort()));
        config.put("leadscore.notification.sms.base-url", http().baseUrl());
        config.put("leadscore.notification.sms.account-sid", SMS_SID);
        config.put("leadscore.notification.sms.auth-token", SMS_TOKEN);
        config.put("leadscore.notification.sms.from", SMS_FROM);
        config.put("leadscore.notification.quota.tenants." + QUOTA_TENANT + ".sms-per-day", "1");
        config.put("leadscore.notification.public-base-url", "https://api.leadscore.test");
        return config;
    }
}
