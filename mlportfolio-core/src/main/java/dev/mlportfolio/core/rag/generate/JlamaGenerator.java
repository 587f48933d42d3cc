package dev.mlportfolio.core.rag.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.model.llama.LlamaTokenizer;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.safetensors.prompt.PromptSupport;
import com.github.tjake.jlama.safetensors.tokenizer.Tokenizer;
import dev.mlportfolio.core.rag.answer.AnswerGenerator;
import dev.mlportfolio.core.rag.chunk.Chunk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Answers with a local model folder (Hugging Face layout: config.json, tokenizer.json and
 * safetensors weights; {@code scripts/fetch_llm.sh} makes one), greedy so the same question gets
 * the same answer.
 *
 * <pre>{@code
 * try (JlamaGenerator generator = JlamaGenerator.load(Path.of("models/llm/SmolLM2-135M-Instruct"),
 *         JlamaGenerator.Options.DEFAULT.withMaxNewTokens(128))) { ... }
 * }</pre>
 *
 * <p>The prompt is the model's chat template (rendered by Jlama) around {@link PromptBuilder}'s
 * excerpts and question; excerpts are dropped from the end until it fits the context window with
 * room for the answer. Decoding runs in {@link JlamaEngine}, on one of two forward passes
 * ({@link Engine}): this project's for F32 folders of Llama-architecture models (8-bit or F32
 * weights), or Jlama's for the other architectures it runs (Qwen2, Mistral, Gemma) and its own
 * quantized folders. The class keeps its name from when Jlama ran every model.
 *
 * <p>Jlama's native SIMD operations ({@code jlama-native}) give wrong tokens for real models on
 * AVX-512 machines (see docs/benchmarks.md), so this class makes Jlama use its Panama (Vector
 * API) operations unless the JVM was started with {@code -Djlama.force_panama_tensor_operations=false}.
 */
public final class JlamaGenerator implements AnswerGenerator {
    /** The default answer budget, in tokens. */
    public static final int DEFAULT_MAX_NEW_TOKENS = 128;
    private static final String FORCE_PANAMA = "jlama.force_panama_tensor_operations";
    private static final int MIN_ROOM = 32;
    // A 1000-character question is at most about 300 tokens in English.
    private static final int MAX_QUESTION_TOKENS = 320;
    private static final java.util.function.Predicate<Path> F32_FOLDER = Safetensors::allF32;
    private static final System.Logger LOG = System.getLogger(JlamaGenerator.class.getName());

    static {
        if (System.getProperty(FORCE_PANAMA) == null) {
            System.setProperty(FORCE_PANAMA, "true");
        }
    }

    /**
     * How the generator runs.
     *
     * @param maxNewTokens  the answer budget in tokens
     * @param maxConcurrent generations allowed at once (each uses every core and keeps a cache)
     * @param queueWait     how long a generation waits for a free slot before {@link GeneratorBusyException}
     * @param stopRules     when to stop besides the end token and the budget
     * @param workingFolder where Jlama's key-value cache pages go (emptied of {@code *.page} files at load and
     *                      close); empty: a temporary folder, deleted at close
     * @param layout        what the model reads besides the question
     * @param engine        which forward pass runs the model
     * @param threads       threads of the built-in engine's forward pass (Jlama sizes its own pool)
     */
    public record Options(int maxNewTokens, int maxConcurrent, Duration queueWait, StopRules stopRules,
                          Optional<Path> workingFolder, PromptLayout layout, Engine engine, int threads) {
        /**
         * 128 tokens, one generation at a time waiting up to 30 s, answer stop rules, a temporary folder, excerpts,
         * the {@link Engine#AUTO} engine on every core.
         */
        public static final Options DEFAULT = new Options(DEFAULT_MAX_NEW_TOKENS, 1, Duration.ofSeconds(30), StopRules.ANSWER,
                Optional.empty(), PromptLayout.EXCERPTS, Engine.AUTO, Runtime.getRuntime().availableProcessors());

        /**
         * Checks the options.
         *
         * @throws IllegalArgumentException when the budget, the concurrency or the threads are below 1
         * @throws NullPointerException     when an object option is null
         */
        public Options {
            if (maxNewTokens < 1) {
                throw new IllegalArgumentException("maxNewTokens must be at least 1");
            }
            if (maxConcurrent < 1) {
                throw new IllegalArgumentException("maxConcurrent must be at least 1");
            }
            Objects.requireNonNull(queueWait);
            Objects.requireNonNull(stopRules);
            Objects.requireNonNull(workingFolder);
            Objects.requireNonNull(layout);
            Objects.requireNonNull(engine);
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1");
            }
        }

        /**
         * A copy with another answer budget, in tokens.
         *
         * @param value the new value
         * @return the new options
         */
        public Options withMaxNewTokens(int value) {
            return new Options(value, maxConcurrent, queueWait, stopRules, workingFolder, layout, engine, threads);
        }

        /**
         * A copy with another number of generations allowed at once.
         *
         * @param value the new value
         * @return the new options
         */
        public Options withMaxConcurrent(int value) {
            return new Options(maxNewTokens, value, queueWait, stopRules, workingFolder, layout, engine, threads);
        }

        /**
         * A copy with another wait for a free generation slot.
         *
         * @param value the new value
         * @return the new options
         */
        public Options withQueueWait(Duration value) {
            return new Options(maxNewTokens, maxConcurrent, value, stopRules, workingFolder, layout, engine, threads);
        }

        /**
         * A copy with another set of stop rules.
         *
         * @param value the new value
         * @return the new options
         */
        public Options withStopRules(StopRules value) {
            return new Options(maxNewTokens, maxConcurrent, queueWait, value, workingFolder, layout, engine, threads);
        }

        /**
         * A copy with another folder for the key-value cache pages.
         *
         * @param value the new value
         * @return the new options
         */
        public Options withWorkingFolder(Path value) {
            return new Options(maxNewTokens, maxConcurrent, queueWait, stopRules, Optional.of(value), layout, engine, threads);
        }

        /**
         * A copy with another prompt layout.
         *
         * @param value the new value
         * @return the new options
         */
        public Options withLayout(PromptLayout value) {
            return new Options(maxNewTokens, maxConcurrent, queueWait, stopRules, workingFolder, value, engine, threads);
        }

        /**
         * A copy with another engine.
         *
         * @param value the new value
         * @return the new options
         */
        public Options withEngine(Engine value) {
            return new Options(maxNewTokens, maxConcurrent, queueWait, stopRules, workingFolder, layout, value, threads);
        }

        /**
         * A copy with another number of threads for the built-in engine.
         *
         * @param value the new value
         * @return the new options
         */
        public Options withThreads(int value) {
            return new Options(maxNewTokens, maxConcurrent, queueWait, stopRules, workingFolder, layout, engine, value);
        }
    }

    private final Optional<PromptSupport> template;
    private final JlamaEngine engine;
    private final String engineName;
    private final Path modelFolder;
    private final Options options;
    private final KvPages pages;
    // The system turn of the whole-documents layout, once prepare() found that the documents fit.
    private volatile String documentsSystem;

    private JlamaGenerator(Optional<PromptSupport> template, JlamaEngine engine, String engineName, Path modelFolder,
                           Options options, KvPages pages) {
        this.template = template;
        this.engineName = engineName;
        this.engine = engine;
        this.modelFolder = modelFolder;
        this.options = options;
        this.pages = pages;
    }

    /**
     * Loads a model folder. Jlama runs on a JVM-wide pool of one thread per physical core (its
     * estimate: half the logical processors, at least two), set when the first model loads.
     *
     * @param modelFolder a Jlama model folder ({@code config.json}, {@code tokenizer.json}, {@code *.safetensors})
     * @param options     how it runs
     * @return the generator, to be closed (a {@link dev.mlportfolio.core.rag.ResumeQa} given it closes it)
     * @throws IllegalArgumentException when the folder holds no model
     * @throws IllegalStateException    when the JVM lacks {@code --add-modules jdk.incubator.vector}
     */
    public static JlamaGenerator load(Path modelFolder, Options options) {
        if (!Files.isRegularFile(modelFolder.resolve("config.json"))) {
            throw new IllegalArgumentException("no config.json in " + modelFolder.getFileName()
                    + "; RAG_MODEL_PATH must name a Jlama model folder (config.json, tokenizer.json, *.safetensors)");
        }
        requireVectorApi();
        Optional<LlamaConfig> llama = LlamaConfig.read(modelFolder).filter(LlamaModel::runs);
        boolean builtIn = options.engine() != Engine.JLAMA && llama.isPresent() && F32_FOLDER.test(modelFolder);
        if (options.engine() != Engine.AUTO && options.engine() != Engine.JLAMA && !builtIn) {
            throw new IllegalArgumentException("the " + options.engine() + " engine runs F32 folders of Llama-architecture "
                    + "models whose sizes are multiples of " + LlamaModel.LANES + "; " + modelFolder.getFileName()
                    + " is not one (Engine.JLAMA runs it)");
        }
        KvPages pages = KvPages.open(options.workingFolder());
        DecoderModel decoder;
        Tokenizer chat;
        Set<Integer> ends;
        int bos;
        try {
            if (builtIn) {
                LlamaConfig config = llama.get();
                decoder = LlamaModel.load(modelFolder, config, options.engine() != Engine.F32, options.threads());
                chat = new LlamaTokenizer(modelFolder);
                ends = new HashSet<>(config.eos());
                bos = config.bos();
            } else {
                AbstractModel model = ModelSupport.loadModel(modelFolder.toFile(), pages.folder().toFile(), DType.F32,
                        DType.I8, Optional.empty(), Optional.empty());
                decoder = new JlamaDecoder(model);
                chat = model.getTokenizer();
                ends = new HashSet<>(model.getConfig().eosTokens);
                bos = model.getConfig().bosToken;
            }
        } catch (RuntimeException e) {
            pages.close();
            throw e;
        }
        ModelTokenizer tokenizer = ModelTokenizer.load(modelFolder);
        try {
            Optional<JsonNode> tokenizerConfig = readJson(modelFolder.resolve("tokenizer_config.json"));
            // Chat models end their turn with a marker that config.json does not always list.
            for (String marker : List.of("<|im_end|>", "<|eot_id|>", "<end_of_turn>", "</s>", "<|endoftext|>")) {
                int[] ids = tokenizer.encode(marker);
                if (ids.length == 1 && chat.getModel().isSpecialToken(ids[0])) {
                    ends.add(ids[0]);
                }
            }
            boolean addBos = tokenizerConfig.map(t -> t.path("add_bos_token").asBoolean(true)).orElse(true);
            JlamaEngine engine = new JlamaEngine(decoder, tokenizer, options.maxConcurrent(), Set.copyOf(ends), bos, addBos);
            return new JlamaGenerator(chat.promptSupport(), engine, decoder.engine(), modelFolder, options, pages);
        } catch (RuntimeException e) {
            tokenizer.close();
            decoder.close();
            pages.close();
            throw e;
        }
    }

    /** Jlama needs the incubating Vector API; without the flag its first tensor fails with NoClassDefFoundError. */
    private static void requireVectorApi() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            throw new IllegalStateException("Jlama needs the JVM flag --add-modules jdk.incubator.vector "
                    + "(and --enable-native-access=ALL-UNNAMED); scripts/run.sh sets both");
        }
    }

    private static Optional<JsonNode> readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ObjectMapper().readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.getFileName(), e);
        }
    }

    @Override
    public String name() {
        return modelFolder.getFileName().toString();
    }

    /**
     * The forward pass that runs the model.
     *
     * @return {@code mlportfolio-llama/f32}, {@code mlportfolio-llama/int8} or {@code jlama}
     */
    public String engine() {
        return engineName;
    }

    /**
     * The options this generator was loaded with.
     *
     * @return the options
     */
    public Options options() {
        return options;
    }

    /**
     * The model's context window.
     *
     * @return its length in tokens
     */
    public int contextLength() {
        return engine.contextLength();
    }

    /**
     * Generations running now.
     *
     * @return how many, up to {@code maxConcurrent}
     */
    public int activeGenerations() {
        return engine.busy();
    }

    /**
     * The prompt's token ids, as the model will see them.
     *
     * @param renderedPrompt a prompt in the model's format (chat template applied)
     * @return its token ids
     */
    public int[] encode(String renderedPrompt) {
        return engine.encode(renderedPrompt);
    }

    /**
     * Greedy completion of a prompt that is already in the model's format (chat template applied),
     * with the given stop rules; for reference comparisons and benchmarks.
     *
     * @param renderedPrompt a prompt in the model's format
     * @param maxNewTokens   the budget, in tokens
     * @param rules          when to stop besides the end token and the budget
     * @param onText         receives the text as it is generated; may be null
     * @return the tokens, the text, why it stopped and its timings
     * @throws InterruptedException when interrupted while waiting for a slot or generating
     */
    public Completion complete(String renderedPrompt, int maxNewTokens, StopRules rules, Consumer<String> onText)
            throws InterruptedException {
        return engine.complete(renderedPrompt, maxNewTokens, rules, options.queueWait(), onText);
    }

    @Override
    public void prepare(List<Chunk> documents) {
        if (options.layout() != PromptLayout.WHOLE_DOCUMENTS) {
            return;
        }
        String system = PromptBuilder.documentsSystem(documents);
        int tokens = tokens(documentsPrompt(system, ""));
        if (tokens + options.maxNewTokens() + MAX_QUESTION_TOKENS > contextLength()) {
            LOG.log(System.Logger.Level.WARNING, "the documents take " + tokens + " tokens, too many for the context of "
                    + contextLength() + " with room for a question and an answer; prompts hold retrieved excerpts instead");
            return;
        }
        // Computes the documents' keys and values once in every slot (slots are handed out in turn).
        try {
            for (int i = 0; i < options.maxConcurrent(); i++) {
                engine.complete(documentsPrompt(system, ""), 1, StopRules.NONE, options.queueWait(), null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        documentsSystem = system;
    }

    @Override
    public boolean readsWholeDocuments() {
        return documentsSystem != null;
    }

    private String documentsPrompt(String system, String question) {
        return chat(system, PromptBuilder.question(question));
    }

    /** A system and a user turn in the model's chat template, or as plain text when it has none. */
    private String chat(String system, String user) {
        return template
                .map(support -> support.builder().addSystemMessage(system).addUserMessage(user).build().getPrompt())
                .orElseGet(() -> system + "\n\n" + user + "\nAnswer:");
    }

    @Override
    public Generated generate(String question, List<Chunk> context, Consumer<String> onToken) {
        String system = documentsSystem;
        List<Chunk> excerpts = context;
        // Rendered and tokenized once; again only when the excerpts overflow the context window.
        int[] prompt = engine.encode(system != null ? documentsPrompt(system, question) : prompt(question, context));
        if (system == null && prompt.length + room() > contextLength()) {
            excerpts = new ArrayList<>(context.subList(0, fittingExcerpts(question, context)));
            prompt = engine.encode(prompt(question, excerpts));
        }
        try {
            Completion done = engine.complete(prompt, options.maxNewTokens(), options.stopRules(), options.queueWait(), onToken);
            return new Generated(done.text().strip(), done.promptIds().length, done.outputIds().length,
                    done.finishReason().name(), excerpts.size(), done.reusedPromptTokens(), done.firstTokenMs());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("generation interrupted", e);
        }
    }

    /** How many of the excerpts, best first, fit the context window with room for an answer (binary search; not all do). */
    private int fittingExcerpts(String question, List<Chunk> context) {
        int alone = tokens(prompt(question, List.of()));
        if (alone + room() > contextLength()) {
            throw new PromptTooLongException(alone, contextLength());
        }
        int low = 0;
        int high = context.size() - 1;
        while (low < high) {
            int mid = (low + high + 1) / 2;
            if (fits(question, context.subList(0, mid))) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return low;
    }

    private int room() {
        return Math.min(options.maxNewTokens(), MIN_ROOM);
    }

    private boolean fits(String question, List<Chunk> excerpts) {
        return tokens(prompt(question, excerpts)) + room() <= contextLength();
    }

    private int tokens(String prompt) {
        return engine.encode(prompt).length;
    }

    /**
     * The prompt as the model's chat template renders it, or plain text when it has none.
     *
     * @param question the question
     * @param context  the excerpts the model reads
     * @return the rendered prompt
     */
    public String prompt(String question, List<Chunk> context) {
        return chat(PromptBuilder.SYSTEM, PromptBuilder.userMessage(question, context));
    }

    @Override
    public void close() {
        engine.close();
        pages.close();
    }
}
