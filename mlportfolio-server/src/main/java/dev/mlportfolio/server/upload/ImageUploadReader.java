package dev.mlportfolio.server.upload;

import dev.mlportfolio.core.image.ImageFormat;
import dev.mlportfolio.server.http.ApiException;
import dev.mlportfolio.server.http.RequestBodies;
import dev.mlportfolio.server.metrics.ServerMetrics;
import io.helidon.http.HttpMediaType;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.FileUploadContentTypeException;
import org.apache.commons.fileupload2.core.FileUploadException;
import org.apache.commons.fileupload2.core.MultipartInput;
import org.apache.commons.fileupload2.core.FileUploadSizeException;

/**
 * Reads an image from a request: {@code multipart/form-data} with a field {@code file}, or a raw
 * body declared {@code image/*} or {@code application/octet-stream}.
 *
 * <p>The size limit holds while streaming: a declared length over it is refused before reading,
 * and an undeclared (chunked) body is cut off as soon as it passes the limit. The format is taken
 * from the bytes; the declared type is only a hint.
 */
public final class ImageUploadReader {
    public static final String FIELD = "file";
    /** Room for multipart boundaries and part headers on top of the file itself. */
    static final long MULTIPART_OVERHEAD = 64 * 1024;

    private final long maxFileSize;
    private final ServerMetrics metrics;

    public ImageUploadReader(long maxFileSize, ServerMetrics metrics) {
        this.maxFileSize = maxFileSize;
        this.metrics = metrics;
    }

    public long maxFileSize() {
        return maxFileSize;
    }

    /**
     * @throws ApiException 413 over the size limit, 415 for a content type or file format that is not
     *                      taken, 400 for an empty file, a missing field or a broken multipart body
     */
    public ImageUpload read(ServerRequest req) {
        HttpMediaType declared = RequestBodies.contentType(req).orElseThrow(() -> rejected("unknown", "unsupported",
                ApiException.unsupportedMediaType("unsupported_media_type", howToSend("no Content-Type was sent"))));
        String type = declared.mediaType().type().toLowerCase(Locale.ROOT);
        String subtype = declared.mediaType().subtype().toLowerCase(Locale.ROOT);
        ImageUpload upload;
        if (type.equals("multipart") && subtype.equals("form-data")) {
            upload = readMultipart(req);
        } else if (type.equals("image") || (type.equals("application") && subtype.equals("octet-stream"))) {
            upload = check(readRaw(req), declared.mediaType().text(), null);
        } else {
            throw rejected("unknown", "unsupported", ApiException.unsupportedMediaType("unsupported_media_type",
                    howToSend("Content-Type " + declared.mediaType().text() + " is not accepted")));
        }
        metrics.uploadAccepted(upload.format().mediaType(), upload.size());
        return upload;
    }

    private byte[] readRaw(ServerRequest req) {
        try {
            return RequestBodies.readAtMost(req, maxFileSize, "the image");
        } catch (ApiException e) {
            throw rejected("unknown", "too_large", e);
        }
    }

    private ImageUpload readMultipart(ServerRequest req) {
        try {
            RequestBodies.checkDeclaredLength(req, maxFileSize + MULTIPART_OVERHEAD, "the multipart body");
        } catch (ApiException e) {
            throw rejected("unknown", "too_large", ApiException.tooLarge("the multipart body is "
                    + req.headers().contentLength().orElse(-1L) + " bytes, more than a file of at most " + maxFileSize
                    + " bytes (MAX_FILE_SIZE) can need"));
        }
        List<String> seen = new ArrayList<>();
        try {
            FileItemInputIterator parts = MultipartRequest.parts(req, maxFileSize, maxFileSize + MULTIPART_OVERHEAD);
            while (parts.hasNext()) {
                FileItemInput part = parts.next();
                seen.add(part.getFieldName());
                if (FIELD.equals(part.getFieldName())) {
                    byte[] bytes;
                    try (InputStream in = part.getInputStream()) {
                        bytes = RequestBodies.readAtMost(in, maxFileSize, "the file");
                    }
                    ImageUpload upload = check(bytes, part.getContentType(), fileName(part));
                    drain(parts);
                    return upload;
                }
            }
        } catch (FileUploadSizeException e) {
            if (e.getPermitted() != maxFileSize && e.getPermitted() != maxFileSize + MULTIPART_OVERHEAD) {
                // commons-fileupload's cap on one part's header section (fixed at 512 bytes in 2.0.0-M4),
                // reached by a long file name: not a large file.
                throw rejected("unknown", "invalid", ApiException.badRequest("part_headers_too_large",
                        "the headers of a multipart part (its file name and content type) are longer than "
                                + e.getPermitted() + " bytes; send a shorter file name"));
            }
            throw rejected("unknown", "too_large", ApiException.tooLarge(
                    "the upload is larger than the limit of " + maxFileSize + " bytes (MAX_FILE_SIZE)"));
        } catch (IOException | UncheckedIOException e) {
            throw rejected("unknown", "invalid", unparsable(e));
        } catch (ApiException e) {
            if (e.status().code() == 413) {
                throw rejected("unknown", "too_large", e);
            }
            throw e;
        }
        String found = seen.isEmpty() ? "the multipart body has no parts"
                : "the multipart body has fields " + seen.stream().map(f -> "'" + f + "'").collect(Collectors.joining(", "))
                        + " but no field '" + FIELD + "'";
        throw rejected("unknown", "invalid", ApiException.badRequest("missing_file_field",
                found + "; send the image as field '" + FIELD + "'"));
    }

    // In our own words: commons-fileupload's texts name its classes and settings.
    private static ApiException unparsable(Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof RequestBodies.MalformedBodyException malformed) {
                return RequestBodies.unreadable(malformed);
            }
            if (cause instanceof FileUploadContentTypeException || cause instanceof MultipartInput.FileUploadBoundaryException) {
                return ApiException.badRequest("invalid_multipart", "the multipart/form-data body could not be parsed: "
                        + "the Content-Type has no usable boundary parameter");
            }
            if (cause instanceof MultipartInput.MalformedStreamException) {
                return ApiException.badRequest("invalid_multipart", "the multipart/form-data body could not be parsed: "
                        + "it does not follow its boundary or ends before the closing boundary");
            }
        }
        if (e instanceof FileUploadException) {
            return ApiException.badRequest("invalid_multipart", "the multipart/form-data body could not be parsed");
        }
        return RequestBodies.unreadable(e);
    }

    // commons-fileupload checks the name as a path and throws InvalidPathException for a NUL,
    // which ended as a 500. The name is not echoed: it holds the control character.
    private String fileName(FileItemInput part) {
        try {
            return part.getName();
        } catch (java.nio.file.InvalidPathException e) {
            throw rejected("unknown", "invalid", ApiException.badRequest("invalid_file_name",
                    "the file name of the upload holds a NUL character; send it without one"));
        }
    }

    // Later parts are read and dropped so the connection stays usable for the next request.
    private static void drain(FileItemInputIterator parts) throws IOException {
        while (parts.hasNext()) {
            try (InputStream in = parts.next().getInputStream()) {
                in.transferTo(OutputStream.nullOutputStream());
            }
        }
    }

    private ImageUpload check(byte[] bytes, String declaredType, String fileName) {
        if (bytes.length == 0) {
            throw rejected("empty", "invalid", ApiException.badRequest("empty_file", "the uploaded file is empty (0 bytes)"));
        }
        ImageFormat format = ImageFormat.detect(bytes).orElseThrow(() -> rejected("unknown", "unsupported",
                ApiException.unsupportedMediaType("not_an_image", "the uploaded bytes are not an image"
                        + (declaredType == null ? "" : " (declared as " + declaredType + ")")
                        + "; send one of " + accepted())));
        if (!format.decodable()) {
            throw rejected(format.mediaType(), "unsupported", ApiException.unsupportedMediaType("unsupported_image_format",
                    format.name() + " images are not supported; send one of " + accepted()));
        }
        return new ImageUpload(bytes, format, declaredType, fileName);
    }

    private ApiException rejected(String fileType, String reason, ApiException e) {
        metrics.uploadRejected(fileType, reason);
        return e;
    }

    private static String accepted() {
        return ImageFormat.decodableFormats().stream().map(ImageFormat::name).collect(Collectors.joining(", "));
    }

    private static String howToSend(String problem) {
        return problem + "; send multipart/form-data with the image in field '" + FIELD
                + "', or the raw image bytes with Content-Type image/*";
    }
}
