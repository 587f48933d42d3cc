package dev.mlportfolio.core.rag.generate;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.KvBufferCache;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

/**
 * Jlama's forward pass behind {@link DecoderModel}: for the architectures {@link LlamaModel} does
 * not run (Qwen2, Mistral, Gemma) and for Jlama's own quantized folders. Jlama keeps each cache in
 * 8 MB pages memory-mapped from files in the model's working folder (its in-memory "ephemeral"
 * buffers use 1 MB pages and measured 25% slower here); {@link KvPages} deletes those files.
 */
final class JlamaDecoder implements DecoderModel {
    private final AbstractModel model;
    private final KvBufferCache caches;

    JlamaDecoder(AbstractModel model) {
        this.model = model;
        this.caches = new KvBufferCache(model);
    }

    AbstractModel model() {
        return model;
    }

    @Override
    public int contextLength() {
        return model.getConfig().contextLength;
    }

    @Override
    public String engine() {
        return "jlama";
    }

    @Override
    public Cache newCache() {
        return new JlamaCache(caches.getKvBuffer(UUID.randomUUID()));
    }

    private record JlamaCache(KvBufferCache.KvBuffer buffer) implements Cache {
        @Override
        public void keep(int positions) {
            buffer.setCurrentContextPosition(positions);
        }

        @Override
        public void close() {
            buffer.close();
        }
    }

    @Override
    public int next(int[] tokens, int from, int to, Cache cache) {
        KvBufferCache.KvBuffer buffer = ((JlamaCache) cache).buffer();
        try (AbstractTensor logits = model.makeDenseTensor(model.getConfig().vocabularySize)) {
            if (to - from == 1) {
                try (AbstractTensor output = model.forward(tokens[from], from, buffer, Optional.empty())) {
                    return model.sample(output, 0.0f, 0.0f, logits);
                }
            }
            try (AbstractTensor last = model.batchForward(Arrays.copyOfRange(tokens, from, to), from, buffer)) {
                return model.sample(last.slice(last.shape().first() - 1), 0.0f, 0.0f, logits);
            }
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
