package io.leadscore.notification.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The production rules (no loopback, https only, public addresses only) with a fake DNS. */
class UrlPolicyTest {

    static final Map<String, String> DNS = Map.of(
            "hooks.example.com", "93.184.216.34",
            "internal.example.com", "10.1.2.3",
            "metadata.example.com", "169.254.169.254",
            "rebind.example.com", "127.0.0.1",
            "cgnat.example.com", "100.64.0.9",
            "v6.example.com", "2606:4700::1111",
            "ula.example.com", "fd12:3456::1");

    static final UrlPolicy.Resolver FAKE = host -> {
        String ip = DNS.get(host);
        if (ip == null) {
            if (host.matches("[0-9.]+") || host.contains(":")) {
                return new InetAddress[]{InetAddress.getByName(host)};
            }
            throw new UnknownHostException(host);
        }
        return new InetAddress[]{InetAddress.getByName(ip)};
    };

    static final UrlPolicy PROD = new UrlPolicy(false, FAKE);
    static final UrlPolicy DEV = new UrlPolicy(true, FAKE);

    static String rejection(UrlPolicy policy, String url) {
        return assertThrows(UrlPolicy.Rejected.class, () -> policy.check(url)).getMessage();
    }

    @Test
    void productionAcceptsHttpsToPublicAddressesOnly() throws Exception {
        assertEquals(443, PROD.check("https://hooks.example.com/services/T0/B0/x").port());
        PROD.check("https://v6.example.com:8443/hook");
        assertEquals("must use https", rejection(PROD, "http://hooks.example.com/x"));
        assertEquals("must not target a private address (10.1.2.3)", rejection(PROD, "https://internal.example.com/"));
        assertEquals("must not target a private address (10.0.0.5)", rejection(PROD, "https://10.0.0.5/x"));
        assertEquals("must not target a private address (192.168.1.1)", rejection(PROD, "https://192.168.1.1/"));
        assertEquals("must not target a private address (172.16.0.1)", rejection(PROD, "https://172.16.0.1/"));
        assertEquals("must not target a private address (100.64.0.9)", rejection(PROD, "https://cgnat.example.com/"));
        assertEquals("must not target a link-local address (169.254.169.254)",
                rejection(PROD, "https://metadata.example.com/latest/meta-data"));
        assertEquals("must not target a loopback address (127.0.0.1)", rejection(PROD, "https://rebind.example.com/"));
        assertEquals("must not target a loopback address (127.0.0.1)", rejection(PROD, "https://127.0.0.1/"));
        assertEquals("must not target a loopback address (0:0:0:0:0:0:0:1)", rejection(PROD, "https://[::1]/"));
        assertEquals("must not target a unique-local address (fd12:3456:0:0:0:0:0:1)",
                rejection(PROD, "https://ula.example.com/"));
        assertEquals("must not target a link-local address (fe80:0:0:0:0:0:0:1)", rejection(PROD, "https://[fe80::1]/"));
        assertEquals("must not target a unspecified address (0.0.0.0)", rejection(PROD, "https://0.0.0.0/"));
        assertEquals("must not target a private address (10.0.0.1)", rejection(PROD, "https://[::ffff:10.0.0.1]/"));
    }

    @Test
    void malformedUrlsAreRejectedPrecisely() {
        assertEquals("must be an https URL", rejection(PROD, "ftp://hooks.example.com/"));
        assertEquals("must be an https URL", rejection(PROD, "hooks.example.com/x"));
        assertEquals("is not a valid URL", rejection(PROD, "https://hooks example.com/"));
        assertEquals("must not contain credentials", rejection(PROD, "https://user:pw@hooks.example.com/"));
        assertEquals("host nowhere.invalid does not resolve", rejection(PROD, "https://nowhere.invalid/"));
    }

    @Test
    void devAndTestAllowLoopbackOverHttpButNothingElseNew() throws Exception {
        DEV.check("http://127.0.0.1:8089/hook");
        DEV.check("http://[::1]:8089/hook");
        DEV.check("https://hooks.example.com/x");
        assertEquals("must use https", rejection(DEV, "http://hooks.example.com/x"));
        assertEquals("must not target a private address (10.1.2.3)", rejection(DEV, "http://internal.example.com/"));
        assertEquals("must not target a link-local address (169.254.169.254)", rejection(DEV,
                "http://169.254.169.254/"));
    }
}
