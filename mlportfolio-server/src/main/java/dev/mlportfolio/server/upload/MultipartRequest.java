package dev.mlportfolio.server.upload;

import dev.mlportfolio.server.http.RequestBodies;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.apache.commons.fileupload2.core.AbstractFileUpload;
import org.apache.commons.fileupload2.core.AbstractRequestContext;
import org.apache.commons.fileupload2.core.DiskFileItem;
import org.apache.commons.fileupload2.core.DiskFileItemFactory;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.FileUploadException;

/** commons-fileupload2's streaming multipart parser over a Helidon request; nothing goes to disk. */
final class MultipartRequest {
    private MultipartRequest() {
    }

    /**
     * Iterates the parts of a {@code multipart/form-data} body as they stream in.
     *
     * @param maxPartSize bytes one part may hold
     * @param maxBodySize bytes the whole body may hold
     */
    static FileItemInputIterator parts(ServerRequest req, long maxPartSize, long maxBodySize)
            throws FileUploadException, IOException {
        StreamingUpload upload = new StreamingUpload();
        upload.setFileSizeMax(maxPartSize);
        upload.setSizeMax(maxBodySize);
        return upload.getItemIterator(req);
    }

    private static final class StreamingUpload extends AbstractFileUpload<ServerRequest, DiskFileItem, DiskFileItemFactory> {
        @Override
        public FileItemInputIterator getItemIterator(ServerRequest request) throws FileUploadException, IOException {
            return getItemIterator(new HelidonRequestContext(request));
        }

        @Override
        public Map<String, List<DiskFileItem>> parseParameterMap(ServerRequest request) throws FileUploadException {
            return parseParameterMap(new HelidonRequestContext(request));
        }

        @Override
        public List<DiskFileItem> parseRequest(ServerRequest request) throws FileUploadException {
            return parseRequest(new HelidonRequestContext(request));
        }
    }

    private static final class HelidonRequestContext extends AbstractRequestContext<ServerRequest> {
        HelidonRequestContext(ServerRequest req) {
            super(name -> req.headers().first(HeaderNames.create(name)).orElse(null),
                    () -> req.headers().contentLength().orElse(-1L),
                    req);
        }

        @Override
        public String getCharacterEncoding() {
            return getRequest().headers().contentType().flatMap(t -> t.charset()).orElse(null);
        }

        @Override
        public String getContentType() {
            return getRequest().headers().first(HeaderNames.CONTENT_TYPE).orElse(null);
        }

        @Override
        public InputStream getInputStream() {
            return RequestBodies.stream(getRequest());
        }
    }
}
