package dev.mlportfolio.core.rag.index;

import dev.mlportfolio.core.rag.chunk.Chunk;
import dev.mlportfolio.core.rag.chunk.ResumeChunker;
import dev.mlportfolio.core.rag.document.SourceDocument;
import dev.mlportfolio.core.rag.embed.TextEmbedder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * The chunks of a set of documents in a Lucene index on disk: their text for BM25 (English
 * analysis: stop words, stemming) and their sentence vectors for nearest-neighbour search.
 *
 * <p>The index remembers a hash of what it was built from (documents, chunking rules, embedder).
 * Opening it again with the same inputs reuses it; anything different rebuilds it, so a changed
 * resume or a new embedding model never meets stale vectors.
 */
public final class ChunkIndex implements AutoCloseable {
    static final String FIELD_ID = "id";
    static final String FIELD_BODY = "body";
    static final String FIELD_VECTOR = "vector";
    private static final String FIELD_DOCUMENT = "document";
    private static final String FIELD_SECTION = "section";
    private static final String FIELD_TEXT = "text";
    private static final String FIELD_ORDINAL = "ordinal";
    private static final String HASH_KEY = "mlportfolio.content_sha256";
    private static final String SCHEMA = "chunk-index-1";

    private final Directory directory;
    private final DirectoryReader reader;
    private final IndexSearcher searcher;
    private final Analyzer analyzer;
    private final Analyzer questionAnalyzer = ResumeAnalysis.questionAnalyzer();
    private final List<Chunk> chunks;
    private final List<java.util.Set<String>> terms;
    private final float[][] vectors;
    private final boolean rebuilt;
    private final double buildMillis;

    private ChunkIndex(Directory directory, DirectoryReader reader, Analyzer analyzer, List<Chunk> chunks,
                       float[][] vectors, boolean rebuilt, double buildMillis) {
        this.directory = directory;
        this.reader = reader;
        this.searcher = new IndexSearcher(reader);
        this.analyzer = analyzer;
        this.chunks = chunks;
        this.terms = chunks.stream().map(c -> ResumeAnalysis.terms(analyzer, c.indexedText())).toList();
        this.vectors = vectors;
        this.rebuilt = rebuilt;
        this.buildMillis = buildMillis;
    }

    /**
     * Opens the index in {@code folder}, building it first when it is missing or was built from
     * other inputs.
     *
     * @param folder    where the index lives; created when missing
     * @param documents what to index
     * @param chunker   how documents are split
     * @param embedder  what embeds the chunks (its name and revision are part of the index's key)
     * @return the index, to be closed
     * @throws java.io.UncheckedIOException when the folder cannot be read or written
     */
    public static ChunkIndex open(Path folder, List<SourceDocument> documents, ResumeChunker chunker, TextEmbedder embedder) {
        try {
            Files.createDirectories(folder);
            String hash = hash(documents, embedder);
            Directory directory = FSDirectory.open(folder);
            Analyzer analyzer = ResumeAnalysis.indexAnalyzer();
            boolean current = DirectoryReader.indexExists(directory) && hash.equals(storedHash(directory));
            double millis = 0;
            if (!current) {
                long start = System.nanoTime();
                build(directory, analyzer, documents, chunker, embedder, hash);
                millis = (System.nanoTime() - start) / 1e6;
            }
            DirectoryReader reader = DirectoryReader.open(directory);
            List<Chunk> chunks = new ArrayList<>(reader.maxDoc());
            float[][] vectors = new float[reader.maxDoc()][];
            load(reader, chunks, vectors);
            return new ChunkIndex(directory, reader, analyzer, chunks, vectors, !current, millis);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the index in " + folder, e);
        }
    }

    private static void build(Directory directory, Analyzer analyzer, List<SourceDocument> documents, ResumeChunker chunker,
                              TextEmbedder embedder, String hash) throws IOException {
        List<Chunk> chunks = documents.stream().flatMap(d -> chunker.chunk(d).stream()).toList();
        List<float[]> vectors = embedder.embedAll(chunks.stream().map(Chunk::indexedText).toList());
        IndexWriterConfig config = new IndexWriterConfig(analyzer).setOpenMode(IndexWriterConfig.OpenMode.CREATE);
        try (IndexWriter writer = new IndexWriter(directory, config)) {
            for (int i = 0; i < chunks.size(); i++) {
                Chunk chunk = chunks.get(i);
                Document doc = new Document();
                doc.add(new StringField(FIELD_ID, chunk.id(), Field.Store.YES));
                doc.add(new StoredField(FIELD_DOCUMENT, chunk.documentId()));
                doc.add(new StoredField(FIELD_SECTION, chunk.section()));
                doc.add(new StoredField(FIELD_TEXT, chunk.text()));
                doc.add(new StoredField(FIELD_ORDINAL, chunk.ordinal()));
                doc.add(new TextField(FIELD_BODY, chunk.indexedText(), Field.Store.NO));
                doc.add(new KnnFloatVectorField(FIELD_VECTOR, vectors.get(i), VectorSimilarityFunction.DOT_PRODUCT));
                writer.addDocument(doc);
            }
            writer.forceMerge(1);                     // one segment: doc ids in insertion order
            writer.setLiveCommitData(Map.of(HASH_KEY, hash).entrySet());
            writer.commit();
        }
    }

    private static void load(DirectoryReader reader, List<Chunk> chunks, float[][] vectors) throws IOException {
        for (LeafReaderContext leaf : reader.leaves()) {
            StoredFields stored = leaf.reader().storedFields();
            for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
                Document d = stored.document(doc);
                chunks.add(new Chunk(d.get(FIELD_ID), d.get(FIELD_DOCUMENT), d.get(FIELD_SECTION), d.get(FIELD_TEXT),
                        d.getField(FIELD_ORDINAL).numericValue().intValue()));
            }
            FloatVectorValues values = leaf.reader().getFloatVectorValues(FIELD_VECTOR);
            if (values == null) {
                continue;
            }
            KnnVectorValues.DocIndexIterator it = values.iterator();
            for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
                vectors[leaf.docBase + doc] = values.vectorValue(it.index()).clone();
            }
        }
    }

    private static String storedHash(Directory directory) throws IOException {
        try (DirectoryReader reader = DirectoryReader.open(directory)) {
            return reader.getIndexCommit().getUserData().get(HASH_KEY);
        }
    }

    static String hash(List<SourceDocument> documents, TextEmbedder embedder) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String part : List.of(SCHEMA, ResumeChunker.VERSION, embedder.id(), embedder.revision())) {
                digest.update(part.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            for (SourceDocument document : documents) {
                digest.update(document.id().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(document.text().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The chunks, in document order.
     *
     * @return the chunks, indexed by Lucene document id
     */
    public List<Chunk> chunks() {
        return chunks;
    }

    /** The unit-length vector of a chunk, by Lucene document id. */
    float[] vector(int doc) {
        return vectors[doc];
    }

    IndexSearcher searcher() {
        return searcher;
    }

    /** {@return the analyzer questions are parsed with} */
    Analyzer questionAnalyzer() {
        return questionAnalyzer;
    }

    /** The analyzed terms of a chunk, by Lucene document id. */
    java.util.Set<String> terms(int doc) {
        return terms.get(doc);
    }

    /**
     * Whether opening built the index.
     *
     * @return false when an up-to-date index was reused
     */
    public boolean rebuilt() {
        return rebuilt;
    }

    /**
     * How long building took.
     *
     * @return milliseconds, or 0 when the index was reused
     */
    public double buildMillis() {
        return buildMillis;
    }

    @Override
    public void close() {
        try {
            reader.close();
            directory.close();
            analyzer.close();
            questionAnalyzer.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
