package dev.mlportfolio.core.rag.generate;

import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Greedy decoding with the project's own loop (on either {@link DecoderModel}, not Jlama's
 * {@code generate}): exact tokenization ({@link ModelTokenizer}), prompt-prefix reuse
 * ({@link KvSlots}), stop rules, a correct count of generated tokens (Jlama's leaves out the
 * first), and cancellation: a token consumer that throws (the client went away) or an
 * interrupt stops the work at the next token and frees the slot.
 */
final class JlamaEngine implements AutoCloseable {
    private final DecoderModel model;
    private final ModelTokenizer tokenizer;
    private final KvSlots slots;
    private final Set<Integer> endTokens;
    private final int bosToken;
    private final boolean addBos;
    private final int contextLength;

    JlamaEngine(DecoderModel model, ModelTokenizer tokenizer, int concurrency, Set<Integer> endTokens, int bosToken,
                boolean addBos) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.slots = new KvSlots(model, concurrency);
        this.endTokens = endTokens;
        this.bosToken = bosToken;
        this.addBos = addBos;
        this.contextLength = model.contextLength();
    }

    int contextLength() {
        return contextLength;
    }

    /** The prompt's token ids as the model sees them (with the begin token when the model wants one). */
    int[] encode(String prompt) {
        int[] ids = tokenizer.encode(prompt);
        if (!addBos || (ids.length > 0 && ids[0] == bosToken)) {
            return ids;
        }
        int[] withBos = new int[ids.length + 1];
        withBos[0] = bosToken;
        System.arraycopy(ids, 0, withBos, 1, ids.length);
        return withBos;
    }

    int busy() {
        return slots.busy();
    }

    Completion complete(String prompt, int maxNewTokens, StopRules rules, Duration wait, Consumer<String> onText)
            throws InterruptedException {
        return complete(encode(prompt), maxNewTokens, rules, wait, onText);
    }

    Completion complete(int[] prompt, int maxNewTokens, StopRules rules, Duration wait, Consumer<String> onText)
            throws InterruptedException {
        if (prompt.length == 0 || prompt.length >= contextLength) {
            throw new PromptTooLongException(prompt.length, contextLength);
        }
        long start = System.nanoTime();
        KvSlots.Slot slot = slots.acquire(wait);
        int[] fed = Arrays.copyOf(prompt, Math.min(contextLength, prompt.length + maxNewTokens));
        int reused = slot.reusable(prompt);
        int valid = reused;
        try {
            long queued = System.nanoTime();
            int next = model.next(prompt, reused, prompt.length, slot.cache);
            valid = prompt.length;
            long prefilled = System.nanoTime();

            TextStream text = new TextStream(tokenizer);
            int[] out = new int[Math.max(1, maxNewTokens)];
            int count = 0;
            int position = prompt.length;
            FinishReason reason = FinishReason.MAX_TOKENS;
            long firstToken = 0;
            // Text a repetition cut could still take back is held until the next tokens clear it.
            int hold = Math.max(0, rules.repeatedNgram() - 1);
            while (true) {
                if (endTokens.contains(next)) {
                    reason = FinishReason.END_TOKEN;
                    break;
                }
                out[count++] = next;
                text.add(next);
                if (count == 1) {
                    firstToken = System.nanoTime();
                }
                int repeat = rules.repetitionStart(out, count);
                if (repeat >= 0) {
                    count = repeat;
                    reason = FinishReason.REPETITION;
                    break;
                }
                send(onText, text.emit(count - hold, false));
                if (rules.endsParagraph(text.textOf(count))) {
                    reason = FinishReason.PARAGRAPH_END;
                    break;
                }
                if (count >= maxNewTokens) {
                    break;
                }
                if (position >= contextLength) {
                    reason = FinishReason.CONTEXT_FULL;
                    break;
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException("generation cancelled");
                }
                fed[position] = next;
                next = model.next(fed, position, position + 1, slot.cache);
                valid = ++position;
            }
            String answer = text.textOf(count);
            send(onText, text.emit(count, true));
            long end = System.nanoTime();
            return new Completion(prompt, Arrays.copyOf(out, count), answer, reason, reused,
                    (prefilled - queued) / 1e6, firstToken == 0 ? (prefilled - start) / 1e6 : (firstToken - start) / 1e6,
                    firstToken == 0 ? 0 : (end - firstToken) / 1e6);
        } finally {
            // Positions [0, valid) hold the keys and values of fed[0, valid), whatever stopped the loop.
            slot.holds(fed, valid);
            slots.release(slot);
        }
    }

    private static void send(Consumer<String> onText, String piece) {
        if (onText != null && !piece.isEmpty()) {
            onText.accept(piece);
        }
    }

    @Override
    public void close() {
        slots.close();
        tokenizer.close();
        model.close();
    }
}
