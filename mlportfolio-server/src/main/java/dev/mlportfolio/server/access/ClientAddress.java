package dev.mlportfolio.server.access;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The address of the client behind a request. The socket's peer is the client unless it is one of
 * {@code TRUSTED_PROXIES}; then {@code X-Forwarded-For} is read from the right, skipping trusted
 * proxies, and the first other address is the client. Entries further left were written by the
 * client itself and are never believed, and without trusted proxies the header is ignored, so a
 * client cannot pick its own identity to escape its limits.
 */
public final class ClientAddress {
    private final List<IpRange> trustedProxies;

    public ClientAddress(List<IpRange> trustedProxies) {
        this.trustedProxies = List.copyOf(trustedProxies);
    }

    /**
     * @param peer         the socket's remote address
     * @param forwardedFor every {@code X-Forwarded-For} header value, in the order received
     */
    public InetAddress resolve(InetAddress peer, List<String> forwardedFor) {
        if (!trusted(peer) || forwardedFor.isEmpty()) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String value : forwardedFor) {
            for (String hop : value.split(",")) {
                hops.add(hop.strip());
            }
        }
        InetAddress client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<InetAddress> hop = IpLiterals.parseWithOptionalPort(hops.get(i));
            if (hop.isEmpty()) {
                return client; // a proxy wrote garbage: the last hop known for sure answers for it
            }
            client = hop.get();
            if (!trusted(client)) {
                return client;
            }
        }
        return client;
    }

    private boolean trusted(InetAddress address) {
        for (IpRange range : trustedProxies) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * What a client's budget is kept under: an IPv4 address as it is, an IPv6 address as its /64.
     * One subscriber is usually given a whole /64 and can pick any address in it, so counting single
     * IPv6 addresses would let it rotate past any limit.
     */
    public static String budgetAddress(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] b = address.getAddress();
            StringBuilder network = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                network.append(Integer.toHexString((b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF))).append(':');
            }
            return network.append(":/64").toString();
        }
        return address.getHostAddress();
    }
}
