package dev.mlportfolio.server.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The bearer tokens {@code API_KEYS} lists, each with a name. Only SHA-256 digests are kept, and a
 * presented token is compared with every one of them in constant time, so neither memory nor the
 * time an answer takes says which key, or how much of one, matched.
 */
public final class ApiKeys {
    public static final int MIN_TOKEN_LENGTH = 16;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** Visible ASCII except the comma that separates entries. */
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x2B\\x2D-\\x7E]{" + MIN_TOKEN_LENGTH + ",512}");

    private record Key(String name, byte[] digest) {
    }

    private final List<Key> keys;

    private ApiKeys(List<Key> keys) {
        this.keys = List.copyOf(keys);
    }

    public static ApiKeys none() {
        return new ApiKeys(List.of());
    }

    /**
     * Reads {@code name:token} or {@code token} entries separated by commas. A token given alone is
     * named {@code key-} and the first 8 hex digits of its SHA-256, so logs and task owners can say
     * which key was used without showing it.
     *
     * @return the keys, or null when an entry is malformed, a token is shorter than
     *         {@value #MIN_TOKEN_LENGTH} characters, or a name or token repeats
     */
    public static ApiKeys parse(String text) {
        List<Key> keys = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> digests = new HashSet<>();
        for (String entry : text.split(",", -1)) {
            String value = entry.strip();
            int colon = value.indexOf(':');
            String name = colon > 0 && NAME.matcher(value.substring(0, colon)).matches() ? value.substring(0, colon) : null;
            String token = name == null ? value : value.substring(colon + 1);
            if (!TOKEN.matcher(token).matches()) {
                return null;
            }
            byte[] digest = sha256(token);
            String hex = HexFormat.of().formatHex(digest);
            if (name == null) {
                name = "key-" + hex.substring(0, 8);
            }
            if (!names.add(name) || !digests.add(hex)) {
                return null;
            }
            keys.add(new Key(name, digest));
        }
        return new ApiKeys(keys);
    }

    /** Whether keys are required at all (API_KEYS set). */
    public boolean enabled() {
        return !keys.isEmpty();
    }

    public int size() {
        return keys.size();
    }

    /** The name of the key {@code token} is, if it is one. */
    public Optional<String> match(String token) {
        byte[] digest = sha256(token);
        String found = null;
        for (Key key : keys) { // no early exit: every key costs the same whether or not one matched before
            boolean same = MessageDigest.isEqual(digest, key.digest());
            found = same ? key.name() : found;
        }
        return Optional.ofNullable(found);
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
