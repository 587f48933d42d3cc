import dev.mlportfolio.core.rag.chunk.Chunk;
import dev.mlportfolio.core.rag.generate.JlamaGenerator;
import com.fasterxml.jackson.databind.*;
import com.fasterxml.jackson.databind.node.*;
import java.nio.file.*;
import java.util.*;
/** Renders the RAG cases of golden_prompts.json with the project's prompt (record_golden.sh). */
public class RenderPrompts {
    public static void main(String[] a) throws Exception {
        ObjectMapper om = new ObjectMapper();
        ArrayNode cases = (ArrayNode) om.readTree(Path.of(a[1]).toFile());
        try (JlamaGenerator g = JlamaGenerator.load(Path.of(a[0]), JlamaGenerator.Options.DEFAULT)) {
            for (JsonNode c : cases) {
                if (c.has("question")) {
                    List<Chunk> chunks = new ArrayList<>();
                    for (JsonNode e : c.get("excerpts")) chunks.add(new Chunk("g#" + chunks.size(), "g", e.get("section").asText(), e.get("text").asText(), chunks.size()));
                    ((ObjectNode) c).put("prompt", g.prompt(c.get("question").asText(), chunks));
                }
            }
        }
        om.writerWithDefaultPrettyPrinter().writeValue(Path.of(a[2]).toFile(), cases);
        System.exit(0);
    }
}
