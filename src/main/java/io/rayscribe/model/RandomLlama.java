package io.rayscribe.model;

import io.rayscribe.model.weights.DType;
import io.rayscribe.model.weights.SafeTensorsWriter;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a Llama with random weights in Hugging Face layout ({@code config.json} +
 * {@code model.safetensors}) for benchmarks and tests. The values are small and uniform (norm
 * weights near 1), so activations stay finite through many layers; the text it writes is noise.
 */
public final class RandomLlama {
    private RandomLlama() {
    }

    /** The llama2.c "stories110M" shape: dim 768, 12 layers, 12 heads, 2048 hidden, vocab 32000, tied. */
    public static LlamaConfig shape110M() {
        return LlamaConfig.of(768, 2048, 12, 12, 12, 32000, 1024, true);
    }

    /** Writes {@code dir/config.json} and {@code dir/model.safetensors}. */
    public static void write(Path dir, LlamaConfig config, long seed, DType dtype) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, SafeTensorsWriter.Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : LlamaWeights.expected(config).entrySet()) {
            long[] shape = e.getValue();
            float[] data = new float[Math.toIntExact(shape.length == 1 ? shape[0] : shape[0] * shape[1])];
            boolean norm = shape.length == 1;
            // Uniform(-a, a) with a = sqrt(3/in) keeps each projection's output variance near its input's.
            double a = norm ? 0.1 : (e.getKey().equals(LlamaWeights.EMBED) ? 1.0 : Math.sqrt(3.0 / shape[1]));
            for (int i = 0; i < data.length; i++) {
                double u = (rnd.nextDouble() * 2 - 1) * a;
                data[i] = (float) (norm ? 1 + u : u);
            }
            tensors.put(e.getKey(), new SafeTensorsWriter.Tensor(data, shape));
        }
        config.save(dir);
        SafeTensorsWriter.write(dir.resolve("model.safetensors"), tensors,
                Map.of("format", "pt", "rayscribe", "random weights, seed " + seed), dtype);
    }
}
