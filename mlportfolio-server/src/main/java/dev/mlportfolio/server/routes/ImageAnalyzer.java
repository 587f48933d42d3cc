package dev.mlportfolio.server.routes;

import dev.mlportfolio.server.tracking.RunContext;
import dev.mlportfolio.server.upload.ImageUpload;
import java.util.Map;

/**
 * What the image endpoints run on an upload. Splitting {@link #prepare} from running lets a bad
 * option answer 400 at once, even when the work itself runs later as a task.
 */
public interface ImageAnalyzer {
    /**
     * Checks the request's options and returns the work to run.
     *
     * @param upload the checked upload
     * @param query  the request's query parameters, first value of each
     * @return work whose result is the JSON answer
     * @throws dev.mlportfolio.server.http.ApiException for options it does not take
     */
    Work prepare(ImageUpload upload, Map<String, String> query);

    /** Checked work, run once; the context says where it came from (for tracking tags). */
    @FunctionalInterface
    interface Work {
        Object run(RunContext context) throws Exception;
    }
}
