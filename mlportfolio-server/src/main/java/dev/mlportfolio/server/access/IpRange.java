package dev.mlportfolio.server.access;

import java.net.InetAddress;
import java.util.Optional;

/**
 * An address or a CIDR block such as {@code 10.0.0.0/8} or {@code fd00::/8}: who counts as a
 * trusted proxy.
 */
public record IpRange(InetAddress network, int prefixLength) {

    /** @return the range, or null when the text is neither an IP literal nor a CIDR block */
    public static IpRange parse(String text) {
        String value = text.strip();
        int slash = value.indexOf('/');
        Optional<InetAddress> address = IpLiterals.parse(slash < 0 ? value : value.substring(0, slash));
        if (address.isEmpty()) {
            return null;
        }
        int bits = address.get().getAddress().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String length = value.substring(slash + 1);
            if (!length.matches("[0-9]{1,3}") || Integer.parseInt(length) > bits) {
                return null;
            }
            prefix = Integer.parseInt(length);
        }
        return new IpRange(address.get(), prefix);
    }

    public boolean contains(InetAddress address) {
        byte[] a = network.getAddress();
        byte[] b = address.getAddress();
        if (a.length != b.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xFF << (8 - rest) & 0xFF;
        return (a[full] & mask) == (b[full] & mask);
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixLength;
    }
}
