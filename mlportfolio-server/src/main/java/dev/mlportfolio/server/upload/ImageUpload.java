package dev.mlportfolio.server.upload;

import dev.mlportfolio.core.image.ImageFormat;

/**
 * An uploaded image whose bytes have been checked.
 *
 * @param bytes        the file's bytes
 * @param format       the format the bytes are in (not the one the client declared)
 * @param declaredType the content type the client declared, for logs; may be null
 * @param fileName     the client's file name, if multipart gave one; may be null
 */
public record ImageUpload(byte[] bytes, ImageFormat format, String declaredType, String fileName) {
    public int size() {
        return bytes.length;
    }
}
