package dev.mlportfolio.core.rag.index;

import dev.mlportfolio.core.rag.chunk.Chunk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;

/**
 * Finds chunks by words (BM25), by meaning (nearest vectors) or by both, fused with reciprocal
 * rank fusion: each list contributes {@code 1 / (60 + rank)} per chunk. Words catch exact names
 * and numbers ("21.4", "CKAD") that embeddings blur; vectors catch paraphrases ("hobbies" for
 * "Interests") that share no word.
 */
public final class HybridRetriever {
    static final int RRF_K = 60;
    private static final int CANDIDATES = 30;

    private final ChunkIndex index;

    /**
     * A retriever over an index.
     *
     * @param index the index
     */
    public HybridRetriever(ChunkIndex index) {
        this.index = index;
    }

    /**
     * The chunks for a question.
     *
     * @param question       the question, for BM25 and word coverage
     * @param questionVector its embedding
     * @param topK           how many chunks at most
     * @param mode           which rankings
     * @return the chunks, best first
     */
    public List<RetrievedChunk> retrieve(String question, float[] questionVector, int topK, RetrievalMode mode) {
        int candidates = Math.max(CANDIDATES, topK * 3);
        try {
            TopDocs ranked = switch (mode) {
                case BM25 -> bm25(question, topK);
                case VECTOR -> vector(questionVector, topK);
                case HYBRID -> TopDocs.rrf(topK, RRF_K, new TopDocs[] {bm25(question, candidates), vector(questionVector, candidates)});
            };
            Set<String> questionTerms = ResumeAnalysis.terms(index.questionAnalyzer(), question);
            List<RetrievedChunk> found = new ArrayList<>(ranked.scoreDocs.length);
            for (ScoreDoc hit : ranked.scoreDocs) {
                Chunk chunk = index.chunks().get(hit.doc);
                found.add(new RetrievedChunk(chunk, hit.score, dot(questionVector, index.vector(hit.doc)),
                        coverage(questionTerms, index.terms(hit.doc))));
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private TopDocs bm25(String question, int n) throws IOException {
        Query query = parse(question);
        if (query == null) {
            return new TopDocs(new org.apache.lucene.search.TotalHits(0, org.apache.lucene.search.TotalHits.Relation.EQUAL_TO),
                    new ScoreDoc[0]);
        }
        return index.searcher().search(query, n);
    }

    private TopDocs vector(float[] questionVector, int n) throws IOException {
        return index.searcher().search(new KnnFloatVectorQuery(ChunkIndex.FIELD_VECTOR, questionVector, n), n);
    }

    /** Any text is taken literally: query syntax in a question is escaped, never interpreted. */
    private Query parse(String question) {
        try {
            Query query = new QueryParser(ChunkIndex.FIELD_BODY, index.questionAnalyzer()).parse(QueryParser.escape(question));
            return query == null || query.toString().isBlank() ? null : query;
        } catch (ParseException e) {
            return null;
        }
    }

    private static double coverage(Set<String> question, Set<String> chunk) {
        if (question.isEmpty()) {
            return 0;
        }
        return question.stream().filter(chunk::contains).count() / (double) question.size();
    }

    static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
