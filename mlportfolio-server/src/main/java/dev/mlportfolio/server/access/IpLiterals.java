package dev.mlportfolio.server.access;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * IP literals from text a client may have written (an {@code X-Forwarded-For} entry), without ever
 * asking DNS: {@link InetAddress#getByName} resolves anything that is not a literal, and
 * {@code InetAddress.ofLiteral} needs Java 22 while the code is built for 21. Only text that has
 * the shape of a literal is handed to it, and for such text it does no lookup.
 */
final class IpLiterals {
    private static final Pattern V4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}");
    private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final Pattern V4_WITH_PORT = Pattern.compile("([0-9.]{7,15}):[0-9]{1,5}");
    private static final Pattern BRACKETED = Pattern.compile("\\[([0-9A-Fa-f:.]{2,45})](:[0-9]{1,5})?");

    private IpLiterals() {
    }

    /** A bare IPv4 or IPv6 literal. */
    static Optional<InetAddress> parse(String text) {
        if (V4.matcher(text).matches()) {
            return lookupFree(text).filter(a -> a instanceof Inet4Address);
        }
        if (text.indexOf(':') >= 0 && V6.matcher(text).matches()) {
            return lookupFree(text); // ::ffff:1.2.3.4 comes back as the IPv4 address
        }
        return Optional.empty();
    }

    /** An address as proxies write it: bare, {@code 1.2.3.4:5678}, {@code [::1]} or {@code [::1]:80}. */
    static Optional<InetAddress> parseWithOptionalPort(String text) {
        var bracketed = BRACKETED.matcher(text);
        if (bracketed.matches()) {
            return parse(bracketed.group(1));
        }
        var withPort = V4_WITH_PORT.matcher(text);
        if (withPort.matches()) {
            return parse(withPort.group(1));
        }
        return parse(text);
    }

    private static Optional<InetAddress> lookupFree(String literal) {
        try {
            return Optional.of(InetAddress.getByName(literal));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
