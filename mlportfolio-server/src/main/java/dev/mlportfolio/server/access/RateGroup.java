package dev.mlportfolio.server.access;

/** The expensive routes whose requests count against one budget per client, each with its own setting. */
public enum RateGroup {
    /** {@code POST /process-image} and {@code /process-image/async}: one detection each. */
    IMAGES("images", "RATE_LIMIT_IMAGES"),
    /** {@code POST /rag/query} and {@code /rag/query/async}: one retrieval, and one generation when an LLM is loaded. */
    RAG("rag", "RATE_LIMIT_RAG");

    private final String id;
    private final String setting;

    RateGroup(String id, String setting) {
        this.id = id;
        this.setting = setting;
    }

    /** The name in metric labels and keys. */
    public String id() {
        return id;
    }

    /** The environment variable that sets this group's limit. */
    public String setting() {
        return setting;
    }
}
