package io.rayscribe.model.fast;

import ai.djl.Device;
import io.rayscribe.model.DecoderSession;
import io.rayscribe.model.LlamaConfig;
import io.rayscribe.model.RandomLlama;
import io.rayscribe.model.djl.DjlLlama;
import io.rayscribe.model.weights.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The fast decoder against the DJL reference on random weights with shapes stories260K does not
 * cover: an untied output head, more query heads per key/value head, a hidden size with a vector
 * tail, BF16 storage, and attention captured over a prefill and several decode steps.
 */
class JavaLlamaVsDjlTest {
    @TempDir
    Path tmp;

    @Test
    void logitsAndAttentionAgreeWithDjl() {
        // head dim 6 (scalar tails everywhere), 3 query heads per KV head, BF16 storage, untied head
        check(new LlamaConfig("llama", 36, 100, 3, 6, 2, 300, 1e-6, 50000.0, false, 64, 1, 2), DType.BF16, 6);
        // head dim 32 (whole vectors), plain multi-head attention, F16 storage; 40 positions grow the KV cache
        check(new LlamaConfig("llama", 64, 96, 2, 2, 2, 200, 1e-5, 10000.0, true, 300, 1, 2), DType.F16, 34);
    }

    private void check(LlamaConfig c, DType dtype, int steps) {
        java.nio.file.Path dir = tmp.resolve(dtype.name());
        RandomLlama.write(dir, c, 42, dtype);
        int[] prompt = {1, 17, 150, 3, 99, 4};
        int[] next = new int[steps];
        for (int i = 0; i < steps; i++) {
            next[i] = (i * 37 + 5) % c.vocabSize();
        }
        try (JavaLlama fast = JavaLlama.load(dir);
             DjlLlama ref = DjlLlama.load(dir, Device.cpu());
             DecoderSession a = fast.newSession();
             DecoderSession b = ref.newSession()) {
            // a bf16 checkpoint keeps its own precision (exact), anything else becomes float32
            assertEquals(dtype == DType.BF16 ? WeightFormat.BF16 : WeightFormat.F32, fast.format());
            compare(a, b, prompt);
            for (int id : next) {
                compare(a, b, new int[] {id});
            }
            assertEquals(b.position(), a.position());
        }
    }

    private static void compare(DecoderSession a, DecoderSession b, int[] ids) {
        List<float[]> pa = new ArrayList<>();
        List<float[]> pb = new ArrayList<>();
        float[][] ea = a.embed(ids);
        float[][] eb = b.embed(ids);
        for (int i = 0; i < ids.length; i++) {
            for (int j = 0; j < ea[i].length; j++) {
                assertEquals(eb[i][j], ea[i][j], 0f);
            }
        }
        float[] la = a.forward(ea, (p, l, h, n) -> pa.add(p));
        float[] lb = b.forward(eb, (p, l, h, n) -> pb.add(p));
        assertEquals(lb.length, la.length);
        for (int i = 0; i < la.length; i++) {
            assertEquals(lb[i], la[i], 1e-4 * Math.max(1, Math.abs(lb[i])), "logit " + i);
        }
        assertEquals(pb.get(0).length, pa.get(0).length);
        for (int i = 0; i < pa.get(0).length; i++) {
            assertEquals(pb.get(0)[i], pa.get(0)[i], 1e-5, "attention " + i);
        }
    }
}
