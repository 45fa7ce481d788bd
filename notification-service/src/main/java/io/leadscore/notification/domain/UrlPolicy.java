package io.leadscore.notification.domain;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Which URLs a rep's chat or webhook address may point at (server-side request forgery protection). In production only
 * https to public addresses: never loopback, private (RFC 1918), carrier-grade NAT, link-local (including the cloud
 * metadata address 169.254.169.254), unique-local IPv6, multicast or unspecified addresses. With
 * {@code allowInsecureLoopback} (dev, test, local stack) loopback targets are allowed too, over http or https; every
 * other address rule still holds.
 *
 * <p>
 * The host is resolved and every address it resolves to is checked, and the sender connects to a checked address
 * ({@link Checked#addresses()}), so a DNS answer that changes between the check and the connection (rebinding) cannot
 * redirect a request inside the network.
 */
public final class UrlPolicy {

    public static final int MAX_LENGTH = 2048;

    /** Resolves a host name; the real one asks DNS, tests pass their own. */
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    public static final Resolver DNS = InetAddress::getAllByName;

    /** A URL that passed, with the addresses it may be connected to. */
    public record Checked(URI uri, List<InetAddress> addresses) {
        public int port() {
            if (uri.getPort() > 0) {
                return uri.getPort();
            }
            return "https".equals(uri.getScheme()) ? 443 : 80;
        }
    }

    /** Why a URL was refused, in words fit for an API error. */
    public static final class Rejected extends Exception {
        public Rejected(String message) {
            super(message, null, false, false);
        }
    }

    private final boolean allowInsecureLoopback;
    private final Resolver resolver;

    public UrlPolicy(boolean allowInsecureLoopback, Resolver resolver) {
        this.allowInsecureLoopback = allowInsecureLoopback;
        this.resolver = resolver;
    }

    public Checked check(String url) throws Rejected {
        if (url == null || url.isBlank()) {
            throw new Rejected("must not be empty");
        }
        if (url.length() > MAX_LENGTH) {
            throw new Rejected("must be at most " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new Rejected("is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!"https".equals(scheme) && !"http".equals(scheme)) {
            throw new Rejected("must be an https URL");
        }
        String host = uri.getHost();
        if (host == null || host.isBlank()) {
            throw new Rejected("has no host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new Rejected("must not contain credentials");
        }
        String bareHost = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(bareHost);
        } catch (UnknownHostException e) {
            throw new Rejected("host " + host + " does not resolve");
        }
        if (addresses == null || addresses.length == 0) {
            throw new Rejected("host " + host + " does not resolve");
        }
        boolean allLoopback = true;
        for (InetAddress a : addresses) {
            InetAddress address = unmapped(a);
            if (address.isLoopbackAddress()) {
                if (!allowInsecureLoopback) {
                    throw new Rejected("must not target a loopback address (" + address.getHostAddress() + ")");
                }
                continue;
            }
            allLoopback = false;
            String forbidden = forbiddenRange(address);
            if (forbidden != null) {
                throw new Rejected("must not target a " + forbidden + " address (" + address.getHostAddress() + ")");
            }
        }
        if ("http".equals(scheme) && !(allowInsecureLoopback && allLoopback)) {
            throw new Rejected("must use https");
        }
        return new Checked(uri, List.of(addresses));
    }

    /** The kind of non-public range the address is in, or null for a public address. Loopback is handled apart. */
    static String forbiddenRange(InetAddress a) {
        if (a.isAnyLocalAddress()) {
            return "unspecified";
        }
        if (a.isLinkLocalAddress()) {
            return "link-local";
        }
        if (a.isSiteLocalAddress()) {
            return "private";
        }
        if (a.isMulticastAddress()) {
            return "multicast";
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (first == 0) {
                return "unspecified";
            }
            if (first == 100 && second >= 64 && second < 128) {
                return "private";
            }
            if (first == 192 && second == 0 && (b[2] & 0xff) == 0) {
                return "private";
            }
            if (first == 198 && (second == 18 || second == 19)) {
                return "private";
            }
            if (first >= 240) {
                return "reserved";
            }
        } else if (a instanceof Inet6Address) {
            int first = b[0] & 0xff;
            if ((first & 0xfe) == 0xfc) {
                return "unique-local";
            }
            if (first == 0xfe && (b[1] & 0xc0) == 0xc0) {
                return "private";
            }
        }
        return null;
    }

    /** An IPv4-mapped IPv6 address ({@code ::ffff:10.0.0.1}) is checked as the IPv4 address it carries. */
    private static InetAddress unmapped(InetAddress a) {
        if (a instanceof Inet6Address) {
            byte[] b = a.getAddress();
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            mapped &= (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
            if (mapped) {
                try {
                    return InetAddress.getByAddress(new byte[]{b[12], b[13], b[14], b[15]});
                } catch (UnknownHostException e) {
                    return a;
                }
            }
        }
        return a;
    }
}
