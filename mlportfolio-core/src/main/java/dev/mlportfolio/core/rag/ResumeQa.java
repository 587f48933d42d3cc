package dev.mlportfolio.core.rag;

import dev.mlportfolio.core.rag.answer.Answer;
import dev.mlportfolio.core.rag.answer.AnswerAcceptance;
import dev.mlportfolio.core.rag.answer.AnswerGenerator;
import dev.mlportfolio.core.rag.answer.AnswerMode;
import dev.mlportfolio.core.rag.answer.AnswerTimings;
import dev.mlportfolio.core.rag.answer.ExtractiveAnswerer;
import dev.mlportfolio.core.rag.answer.Grounding;
import dev.mlportfolio.core.rag.answer.Source;
import dev.mlportfolio.core.rag.chunk.Chunk;
import dev.mlportfolio.core.rag.chunk.ResumeChunker;
import dev.mlportfolio.core.rag.document.SourceDocument;
import dev.mlportfolio.core.rag.embed.MiniLmEmbedder;
import dev.mlportfolio.core.rag.embed.TextEmbedder;
import dev.mlportfolio.core.rag.index.ChunkIndex;
import dev.mlportfolio.core.rag.index.HybridRetriever;
import dev.mlportfolio.core.rag.index.RetrievalMode;
import dev.mlportfolio.core.rag.index.RetrievedChunk;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Questions about a resume, answered from its own text:
 *
 * <pre>{@code
 * try (ResumeQa qa = ResumeQa.builder().documents(List.of(DocumentLoader.load(Path.of("resume.md"))))
 *         .workingDir(Path.of("work/rag")).build()) {
 *     Answer answer = qa.answer("Where did she study?");
 *     System.out.println(answer.text() + " " + answer.sources());
 * }
 * }</pre>
 *
 * <p>Documents are chunked along their structure ({@link ResumeChunker}), indexed on disk for BM25
 * and vector search ({@link ChunkIndex}, rebuilt only when the documents change), retrieved by
 * both and fused ({@link HybridRetriever}). With an {@link AnswerGenerator} (a local Jlama model)
 * the answer is written by the model from the retrieved excerpts; without one, the most relevant
 * lines themselves are the answer ({@link ExtractiveAnswerer}). Either way, a question nothing in
 * the documents is similar to gets a plain "not found" and the model is not asked. Thread-safe.
 */
public final class ResumeQa implements AutoCloseable {
    /** Chunks retrieved per question unless {@link Options} says otherwise. */
    public static final int DEFAULT_TOP_K = 5;

    /**
     * How one question is answered.
     *
     * @param topK       chunks retrieved, 1 to 50
     * @param mode       hybrid (default), bm25 or vector
     * @param answerMode with a generator: auto (default; the model's answer when grounded), generative or
     *                   extractive; without one every answer is extractive
     */
    public record Options(int topK, RetrievalMode mode, AnswerMode answerMode) {
        /** Five chunks, hybrid retrieval, auto answer mode. */
        public static final Options DEFAULT = new Options(DEFAULT_TOP_K, RetrievalMode.HYBRID, AnswerMode.AUTO);

        /**
         * Checks the options.
         *
         * @throws IllegalArgumentException when {@code topK} is outside 1 to 50
         * @throws NullPointerException     when a mode is null
         */
        public Options {
            if (topK < 1 || topK > 50) {
                throw new IllegalArgumentException("topK must be 1 to 50");
            }
            Objects.requireNonNull(mode);
            Objects.requireNonNull(answerMode);
        }
    }

    private final TextEmbedder embedder;
    private final boolean ownsEmbedder;
    private final ChunkIndex index;
    private final HybridRetriever retriever;
    private final ExtractiveAnswerer extractive = new ExtractiveAnswerer();
    private final Optional<AnswerGenerator> generator;

    private ResumeQa(TextEmbedder embedder, boolean ownsEmbedder, ChunkIndex index, Optional<AnswerGenerator> generator) {
        this.embedder = embedder;
        this.ownsEmbedder = ownsEmbedder;
        this.index = index;
        this.retriever = new HybridRetriever(index);
        this.generator = generator;
    }

    /**
     * Starts a pipeline: give it documents and a working folder, optionally an embedder and a generator.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Answers a question with the {@linkplain Options#DEFAULT default options}.
     *
     * @param question the question, in the documents' language
     * @return the answer, its sources and timings; {@link Answer#found()} is false when nothing relevant was found
     */
    public Answer answer(String question) {
        return answer(question, Options.DEFAULT, null);
    }

    /**
     * Answers a question, optionally streaming the answer as it is written.
     *
     * @param question the question, in the documents' language
     * @param options  how many chunks, which retrieval, which answer mode
     * @param onToken  receives the answer as it is written (token by token when generating, in one
     *                 piece when extractive); may be null. In auto mode an answer that fails the
     *                 grounding check is replaced by the extractive one after it streamed: the returned
     *                 answer is the one to show. A consumer that throws stops the generation (the
     *                 client went away).
     * @return the answer, its sources and timings, and what the model did when it was asked
     * @throws dev.mlportfolio.core.rag.generate.GeneratorBusyException when every generation slot stays busy
     *         for the generator's queue wait
     */
    public Answer answer(String question, Options options, Consumer<String> onToken) {
        long start = System.nanoTime();
        float[] vector = embedder.embed(question);
        long embedded = System.nanoTime();
        List<RetrievedChunk> retrieved = retriever.retrieve(question, vector, options.topK(), options.mode());
        long searched = System.nanoTime();
        ExtractiveAnswerer.Extract extract = extractive.answer(retrieved);

        if (asksTheModel(options) && extract.found()) {
            List<RetrievedChunk> context = retrieved.stream()
                    .filter(r -> r.relevance() >= ExtractiveAnswerer.MIN_RELEVANCE / 2)
                    .toList();
            AnswerGenerator.Generated generated = generator.get().generate(question,
                    context.stream().map(RetrievedChunk::chunk).toList(), onToken);
            List<Source> used = sources(context.subList(0, generated.contextChunks()));
            // Auto mode shows the model's answer only when its facts are in the lines the extractive
            // answer would show (a 135M model mixes up facts across excerpts); generative mode flags
            // facts that are in nothing the model read.
            Grounding grounding = Grounding.check(generated.text(), question, options.answerMode() == AnswerMode.AUTO
                    ? sources(extract.used())
                    : generator.get().readsWholeDocuments() ? documentSources(index.chunks()) : used);
            String fallback = options.answerMode() != AnswerMode.AUTO ? null
                    : AnswerAcceptance.fallbackReason(generated.text(), generated.finishReason(), grounding, extract.text());
            Answer.Generation generation = new Answer.Generation(generated.text(), grounding, generated.finishReason(),
                    fallback, generated.reusedPromptTokens(), generated.firstTokenMs());
            if (fallback == null) {
                return new Answer(generated.text(), true, AnswerMode.GENERATIVE, options.mode(), used,
                        timings(start, embedded, searched), generated.promptTokens(), generated.outputTokens(),
                        Optional.of(generation));
            }
            return new Answer(extract.text(), true, AnswerMode.EXTRACTIVE, options.mode(), sources(extract.used()),
                    timings(start, embedded, searched), generated.promptTokens(), generated.outputTokens(),
                    Optional.of(generation));
        }
        if (onToken != null) {
            onToken.accept(extract.text());
        }
        return new Answer(extract.text(), extract.found(), AnswerMode.EXTRACTIVE, options.mode(), sources(extract.used()),
                timings(start, embedded, searched), 0, 0, Optional.empty());
    }

    /**
     * The chunks retrieved for a question, without answering it (for evaluation and inspection).
     *
     * @param question the question
     * @param topK     how many chunks, at most
     * @param mode     which retrieval
     * @return the chunks, most relevant first
     */
    public List<RetrievedChunk> retrieve(String question, int topK, RetrievalMode mode) {
        return retriever.retrieve(question, embedder.embed(question), topK, mode);
    }

    private static List<Source> sources(List<RetrievedChunk> chunks) {
        List<Source> sources = new ArrayList<>(chunks.size());
        for (RetrievedChunk r : chunks) {
            sources.add(new Source(r.chunk().section(), r.chunk().text(), Math.round(r.relevance() * 10_000) / 10_000.0));
        }
        return sources;
    }

    private static List<Source> documentSources(Collection<Chunk> chunks) {
        return chunks.stream().map(c -> new Source(c.section(), c.text(), 0)).toList();
    }

    private static AnswerTimings timings(long start, long embedded, long searched) {
        long end = System.nanoTime();
        return new AnswerTimings((embedded - start) / 1e6, (searched - embedded) / 1e6, (end - searched) / 1e6, (end - start) / 1e6);
    }

    /**
     * The indexed chunks, in document order.
     *
     * @return every chunk of every document
     */
    public List<Chunk> chunks() {
        return index.chunks();
    }

    /**
     * Whether building this instance had to (re)build the index.
     *
     * @return false when the index in the working folder matched the documents and the embedder
     */
    public boolean indexRebuilt() {
        return index.rebuilt();
    }

    /**
     * How long opening or building the index took.
     *
     * @return milliseconds
     */
    public double indexBuildMillis() {
        return index.buildMillis();
    }

    /**
     * Whether an answer with these options asks the language model (unless nothing relevant is
     * found): there is a generator and the answer mode is not extractive.
     *
     * @param options the options an answer would use
     * @return true when the model would be asked
     */
    public boolean asksTheModel(Options options) {
        return generator.isPresent() && options.answerMode() != AnswerMode.EXTRACTIVE;
    }

    /**
     * The generator's name (its model folder), when there is one.
     *
     * @return the name, or empty for extractive answers only
     */
    public Optional<String> generatorName() {
        return generator.map(AnswerGenerator::name);
    }

    /**
     * The embedder's name, as recorded in the index.
     *
     * @return for example {@code all-MiniLM-L6-v2}
     */
    public String embedderName() {
        return embedder.id();
    }

    /** Closes the index, the generator and the embedder this instance loaded (not one it was given). */
    @Override
    public void close() {
        index.close();
        generator.ifPresent(AnswerGenerator::close);
        if (ownsEmbedder) {
            embedder.close();
        }
    }

    /** Collects what a {@link ResumeQa} is built from; not thread-safe. */
    public static final class Builder {
        private final List<SourceDocument> documents = new ArrayList<>();
        private Path workingDir;
        private TextEmbedder embedder;
        private AnswerGenerator generator;

        private Builder() {
        }

        /**
         * Adds documents to answer from (with {@link dev.mlportfolio.core.rag.document.DocumentLoader}).
         *
         * @param value the documents, added to any given before
         * @return this builder
         */
        public Builder documents(List<SourceDocument> value) {
            documents.addAll(value);
            return this;
        }

        /**
         * Where the index is written and kept (in its {@code index} subfolder); required, so that a
         * library never writes into the working directory unasked. An index that is kept is
         * reopened in milliseconds when the documents and the embedder are the same.
         *
         * @param value the folder, created when missing
         * @return this builder
         */
        public Builder workingDir(Path value) {
            this.workingDir = value;
            return this;
        }

        /**
         * The embedder for questions and chunks; by default all-MiniLM-L6-v2 from the classpath,
         * closed with the pipeline. One given here is not closed with it.
         *
         * @param value the embedder
         * @return this builder
         */
        public Builder embedder(TextEmbedder value) {
            this.embedder = value;
            return this;
        }

        /**
         * A language model for generative answers; closed with the pipeline.
         *
         * @param value the generator, for example {@link dev.mlportfolio.core.rag.generate.JlamaGenerator}
         * @return this builder
         */
        public Builder generator(AnswerGenerator value) {
            this.generator = value;
            return this;
        }

        /**
         * Opens or builds the index and prepares the generator.
         *
         * @return the pipeline, to be closed
         * @throws IllegalStateException when no documents or no working folder were given
         */
        public ResumeQa build() {
            if (documents.isEmpty()) {
                throw new IllegalStateException("no documents to answer from");
            }
            if (workingDir == null) {
                throw new IllegalStateException("no working folder: say where the index is kept with workingDir(...)");
            }
            boolean owns = embedder == null;
            TextEmbedder usedEmbedder = owns ? MiniLmEmbedder.load() : embedder;
            ChunkIndex index = ChunkIndex.open(workingDir.resolve("index"), documents, new ResumeChunker(), usedEmbedder);
            if (generator != null) {
                generator.prepare(index.chunks());
            }
            return new ResumeQa(usedEmbedder, owns, index, Optional.ofNullable(generator));
        }
    }
}
