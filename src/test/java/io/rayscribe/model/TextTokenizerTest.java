package io.rayscribe.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rayscribe.core.RayScribeException;
import io.rayscribe.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextTokenizerTest {
    private static final Path STORIES = SharedData.resolve("models/stories260K-hf");
    private static final Path LLAMA = SharedData.resolve("models/llama-tokenizer");

    @Test
    void reproducesReferenceEncodings() throws Exception {
        JsonObject ref = JsonParser.parseString(Files.readString(STORIES.resolve("reference.json"))).getAsJsonObject()
                .getAsJsonObject("encode_examples_with_BOS");
        try (TextTokenizer t = TextTokenizer.load(STORIES, 1, 2, 512)) {
            assertTrue(ref.size() >= 5);
            for (Map.Entry<String, com.google.gson.JsonElement> e : ref.entrySet()) {
                JsonArray a = e.getValue().getAsJsonArray();
                int[] expected = new int[a.size()];
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = a.get(i).getAsInt();
                }
                assertArrayEquals(expected, t.encodeWithBos(e.getKey()), e.getKey());
                assertEquals(e.getKey(), t.decode(expected));
            }
            assertArrayEquals(new int[] {1, 403, 407, 261, 378}, t.encodeWithBos("Once upon a time"));
        }
    }

    @Test
    void fullLlamaVocabularyRoundTripsAndKnownIds() {
        try (TextTokenizer t = TextTokenizer.load(LLAMA, 1, 2, 2048)) {
            assertArrayEquals(new int[] {1, 15043, 3186}, t.encodeWithBos("Hello world"));
            String text = "Heart size is normal. No pleural effusion — señal 肺 ✓";
            int[] ids = t.encodeWithBos(text);
            assertEquals(1, ids[0]);
            assertEquals(text, t.decode(ids));
        }
    }

    @Test
    void incrementalPiecesNeverSplitCharactersAndJoinToTheText() {
        for (Path dir : new Path[] {STORIES, LLAMA}) {
            try (TextTokenizer t = TextTokenizer.load(dir, 1, 2, 2048)) {
                String text = "Zebra é ü 42! 肺 😀 naïve café — done.";
                int[] ids = t.encode(text);
                IncrementalDecoder d = t.newIncrementalDecoder();
                StringBuilder joined = new StringBuilder();
                int emptyPieces = 0;
                for (int id : ids) {
                    String piece = d.push(id);
                    assertFalse(piece.contains("\uFFFD"), dir + ": broken character in piece '" + piece + "'");
                    if (piece.isEmpty()) {
                        emptyPieces++;
                    }
                    joined.append(piece);
                }
                joined.append(d.flush());
                assertEquals(t.decode(ids), joined.toString(), dir.toString());
                assertEquals(text, joined.toString());
                if (dir.equals(STORIES)) {
                    assertTrue(emptyPieces > 0, "byte-fallback tokens should have been held back");
                }
            }
        }
    }

    @Test
    void unknownTokenizerTypeAndMissingFileNameTheFile(@TempDir Path dir) throws Exception {
        RayScribeException missing = assertThrows(RayScribeException.class, () -> TextTokenizer.load(dir, 1, 2, 16));
        assertTrue(missing.getMessage().contains("tokenizer.json"), missing.getMessage());
        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\":{\"type\":\"Tiktoken\",\"vocab\":{}}}");
        RayScribeException unknown = assertThrows(RayScribeException.class, () -> TextTokenizer.load(dir, 1, 2, 16));
        assertTrue(unknown.getMessage().contains("unknown tokenizer type 'Tiktoken'"), unknown.getMessage());
        assertTrue(unknown.getMessage().contains(dir.resolve("tokenizer.json").toString()), unknown.getMessage());
    }
}
