package dev.mlportfolio.core.rag.answer;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.model.functions.Generator;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.safetensors.prompt.PromptContext;
import dev.mlportfolio.core.rag.chunk.Chunk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * Answers with a local Jlama model (Llama, Qwen2, Mistral, Gemma folders with config.json,
 * tokenizer.json and safetensors weights), greedy so the same question gets the same answer.
 *
 * <p>Jlama traps handled here: its {@code ntokens} counts prompt plus output, so it is set to
 * prompt tokens + the answer budget, and excerpts are dropped from the end until the prompt fits
 * the context window; each generation writes key-value cache pages named after its session into
 * the working folder and keeps the session in a map until the model closes, so both are removed
 * after every answer; and at most {@code maxConcurrent} generations run at once, since each one
 * uses every core.
 */
public final class JlamaGenerator implements AnswerGenerator {
    private static final System.Logger LOG = System.getLogger(JlamaGenerator.class.getName());
    public static final int DEFAULT_MAX_NEW_TOKENS = 200;
    private static final int MIN_ROOM = 32;

    private final AbstractModel model;
    private final Path modelFolder;
    private final Path workingFolder;
    private final int maxNewTokens;
    private final Semaphore slots;

    private JlamaGenerator(AbstractModel model, Path modelFolder, Path workingFolder, int maxNewTokens, int maxConcurrent) {
        this.model = model;
        this.modelFolder = modelFolder;
        this.workingFolder = workingFolder;
        this.maxNewTokens = maxNewTokens;
        this.slots = new Semaphore(maxConcurrent, true);
    }

    /**
     * Loads a model folder. Jlama runs on a JVM-wide pool of one thread per physical core (its
     * estimate: half the logical processors, at least two), set when the first model loads.
     *
     * @param workingFolder emptied, then used for the key-value cache pages
     * @param maxNewTokens  the answer budget in tokens
     * @param maxConcurrent generations allowed at once
     */
    public static JlamaGenerator load(Path modelFolder, Path workingFolder, int maxNewTokens, int maxConcurrent) {
        if (!Files.isRegularFile(modelFolder.resolve("config.json"))) {
            throw new IllegalArgumentException("no config.json in " + modelFolder.toAbsolutePath()
                    + "; RAG_MODEL_PATH must name a Jlama model folder (config.json, tokenizer.json, *.safetensors)");
        }
        try {
            clear(workingFolder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + workingFolder, e);
        }
        AbstractModel model = ModelSupport.loadModel(modelFolder.toFile(), workingFolder.toFile(), DType.F32, DType.I8,
                Optional.empty(), Optional.empty());
        return new JlamaGenerator(model, modelFolder, workingFolder, maxNewTokens, maxConcurrent);
    }

    @Override
    public String name() {
        return modelFolder.getFileName().toString();
    }

    /** Tokens of the model's context window. */
    public int contextLength() {
        return model.getConfig().contextLength;
    }

    @Override
    public Generated generate(String question, List<Chunk> context, Consumer<String> onToken) {
        int kept = fittingExcerpts(question, context);
        List<Chunk> excerpts = new ArrayList<>(context.subList(0, kept));
        PromptContext prompt = prompt(question, excerpts);
        int promptTokens = tokens(prompt);
        int ntokens = Math.min(contextLength(), promptTokens + maxNewTokens);
        UUID session = UUID.randomUUID();
        slots.acquireUninterruptibly();
        try {
            Generator.Response response = model.generate(session, prompt, 0.0f, ntokens,
                    (piece, seconds) -> {
                        if (onToken != null) {
                            onToken.accept(piece);
                        }
                    });
            return new Generated(response.responseText.strip(), response.promptTokens, response.generatedTokens,
                    response.finishReason.name(), excerpts.size());
        } finally {
            slots.release();
            forget(session);
        }
    }

    /** How many of the excerpts, best first, fit the context window with room for an answer (binary search). */
    private int fittingExcerpts(String question, List<Chunk> context) {
        if (fits(question, context)) {
            return context.size();
        }
        int low = 0;
        int high = context.size() - 1;
        if (!fits(question, List.of())) {
            throw new IllegalArgumentException("the question alone does not fit the model's context of "
                    + contextLength() + " tokens");
        }
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

    private boolean fits(String question, List<Chunk> excerpts) {
        return tokens(prompt(question, excerpts)) + MIN_ROOM <= contextLength();
    }

    /** The prompt as the model's chat template renders it, or plain text when it has none. */
    PromptContext prompt(String question, List<Chunk> context) {
        return model.promptSupport()
                .map(support -> support.builder()
                        .addSystemMessage(PromptBuilder.SYSTEM)
                        .addUserMessage(PromptBuilder.userMessage(question, context))
                        .build())
                .orElseGet(() -> PromptContext.of(PromptBuilder.plainPrompt(question, context)));
    }

    private int tokens(PromptContext prompt) {
        return model.getTokenizer().encode(prompt.getPrompt()).length;
    }

    // Jlama keeps every session's cache object until the model closes and leaves its page files behind.
    private void forget(UUID session) {
        try {
            Field cacheField = AbstractModel.class.getDeclaredField("kvBufferCache");
            cacheField.setAccessible(true);
            Object cache = cacheField.get(model);
            Field mapField = cache.getClass().getDeclaredField("kvBufferCache");
            mapField.setAccessible(true);
            ((Map<?, ?>) mapField.get(cache)).remove(session);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "could not drop Jlama session " + session, e);
        }
        try (DirectoryStream<Path> pages = Files.newDirectoryStream(workingFolder, session + "*")) {
            for (Path page : pages) {
                Files.deleteIfExists(page);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not delete cache pages of session " + session, e);
        }
    }

    private static void clear(Path folder) throws IOException {
        Files.createDirectories(folder);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.page")) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        }
    }

    @Override
    public void close() {
        model.close();
        try {
            clear(workingFolder);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not clear " + workingFolder, e);
        }
    }
}
