package dev.mlportfolio.server.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiKeysTest {
    private static final String ALICE = "0123456789abcdef0123456789abcdef";
    private static final String BOB = "fedcba9876543210fedcba9876543210";

    @Test
    void namedKeysMatchTheirTokenOnly() {
        ApiKeys keys = ApiKeys.parse("alice:" + ALICE + ", bob:" + BOB);
        assertNotNull(keys);
        assertTrue(keys.enabled());
        assertEquals(2, keys.size());
        assertEquals(Optional.of("alice"), keys.match(ALICE));
        assertEquals(Optional.of("bob"), keys.match(BOB));
        assertEquals(Optional.empty(), keys.match(ALICE.substring(1)), "a prefix is not the key");
        assertEquals(Optional.empty(), keys.match(ALICE + "0"), "a longer token is not the key");
        assertEquals(Optional.empty(), keys.match("alice:" + ALICE), "the name is not part of the token");
        assertEquals(Optional.empty(), keys.match(""));
    }

    @Test
    void aTokenWithoutANameIsNamedAfterItsDigestNotItself() {
        ApiKeys keys = ApiKeys.parse(ALICE);
        assertNotNull(keys);
        String name = keys.match(ALICE).orElseThrow();
        assertTrue(name.matches("key-[0-9a-f]{8}"), name);
        assertFalse(ALICE.contains(name.substring(4)), "the name shows none of the token");
        assertEquals(name, ApiKeys.parse(ALICE).match(ALICE).orElseThrow(), "the same token gets the same name");
    }

    @Test
    void unusableListsAreRefused() {
        assertNull(ApiKeys.parse("short-token"), "tokens shorter than 16 characters");
        assertNull(ApiKeys.parse("alice:" + ALICE + ",alice:" + BOB), "a name twice");
        assertNull(ApiKeys.parse("alice:" + ALICE + ",bob:" + ALICE), "a token twice");
        assertNull(ApiKeys.parse(ALICE + ","), "an empty entry");
        assertNull(ApiKeys.parse("alice:" + ALICE.substring(0, 10) + " " + ALICE), "a space inside a token");
        assertNull(ApiKeys.parse("alice:" + ALICE + "\u00e9"), "characters outside visible ASCII");
    }

    @Test
    void noKeysMeansNothingIsRequired() {
        assertFalse(ApiKeys.none().enabled());
        assertEquals(Optional.empty(), ApiKeys.none().match(ALICE));
    }
}
