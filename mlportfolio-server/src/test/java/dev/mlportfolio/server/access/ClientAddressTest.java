package dev.mlportfolio.server.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {
    private static final InetAddress PROXY = address("10.0.0.5");
    private static final InetAddress STRANGER = address("192.0.2.44");
    private final ClientAddress behindProxies = new ClientAddress(AccessSettings.parseRanges("10.0.0.0/8, ::1"));

    @Test
    void withoutTrustedProxiesTheHeaderIsIgnored() {
        ClientAddress direct = new ClientAddress(List.of());
        assertEquals(PROXY, direct.resolve(PROXY, List.of("203.0.113.7")));
    }

    @Test
    void aPeerThatIsNoTrustedProxyCannotNameAnotherClient() {
        assertEquals(STRANGER, behindProxies.resolve(STRANGER, List.of("203.0.113.7")));
    }

    @Test
    void theRightMostUntrustedHopIsTheClientWhateverItClaimedBefore() {
        assertEquals(address("203.0.113.7"), behindProxies.resolve(PROXY, List.of("203.0.113.7")));
        assertEquals(address("203.0.113.7"), behindProxies.resolve(PROXY, List.of("1.1.1.1, 203.0.113.7")),
                "what the client wrote itself (left) is not believed");
        assertEquals(address("203.0.113.7"), behindProxies.resolve(PROXY, List.of("1.1.1.1", "203.0.113.7, 10.1.2.3")),
                "trusted hops are skipped, across repeated headers");
        assertEquals(address("10.9.9.9"), behindProxies.resolve(PROXY, List.of("10.9.9.9, 10.1.2.3")),
                "only trusted hops: the left-most one is as far as is known");
    }

    @Test
    void garbageAndNamesAreNeverLookedUp() {
        assertEquals(PROXY, behindProxies.resolve(PROXY, List.of("localhost")), "a host name is not an address");
        assertEquals(PROXY, behindProxies.resolve(PROXY, List.of("unknown")));
        assertEquals(address("203.0.113.7"), behindProxies.resolve(PROXY, List.of("evil.example, 203.0.113.7")),
                "garbage left of the client does not matter");
        assertEquals(PROXY, behindProxies.resolve(PROXY, List.of("999.1.1.1")));
        assertEquals(PROXY, behindProxies.resolve(PROXY, List.of("")));
    }

    @Test
    void portsAndBracketsAsProxiesWriteThem() {
        assertEquals(address("203.0.113.7"), behindProxies.resolve(PROXY, List.of("203.0.113.7:51234")));
        assertEquals(address("2001:db8::7"), behindProxies.resolve(PROXY, List.of("[2001:db8::7]:443")));
        assertEquals(address("2001:db8::7"), behindProxies.resolve(PROXY, List.of("2001:db8::7")));
    }

    @Test
    void ipv6ClientsAreCountedByTheirSlash64() {
        assertEquals(ClientAddress.budgetAddress(address("2001:db8:0:5::1")),
                ClientAddress.budgetAddress(address("2001:db8:0:5:ffff:ffff:ffff:ffff")));
        assertFalse(ClientAddress.budgetAddress(address("2001:db8:0:5::1"))
                .equals(ClientAddress.budgetAddress(address("2001:db8:0:6::1"))));
        assertEquals("203.0.113.7", ClientAddress.budgetAddress(address("203.0.113.7")));
        assertEquals("203.0.113.7", ClientAddress.budgetAddress(address("::ffff:203.0.113.7")), "IPv4-mapped is IPv4");
    }

    @Test
    void rangesMatchTheirPrefixOnly() {
        IpRange range = IpRange.parse("192.168.4.0/22");
        assertTrue(range.contains(address("192.168.7.255")));
        assertFalse(range.contains(address("192.168.8.0")));
        assertFalse(range.contains(address("::1")), "another family");
        assertTrue(IpRange.parse("0.0.0.0/0").contains(STRANGER));
        assertTrue(IpRange.parse("fd00::/8").contains(address("fd12::1")));
        assertNull(IpRange.parse("10.0.0.0/33"));
        assertNull(IpRange.parse("example.com"));
        assertNull(AccessSettings.parseRanges("10.0.0.0/8,nonsense"));
    }

    private static InetAddress address(String literal) {
        return IpLiterals.parse(literal).orElseThrow(() -> new AssertionError("not a literal: " + literal));
    }
}
