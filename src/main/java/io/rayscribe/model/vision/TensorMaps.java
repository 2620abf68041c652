package io.rayscribe.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.rayscribe.model.weights.SafeTensors;
import io.rayscribe.model.weights.SafeTensorsWriter;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Helpers shared by the encoder and projector: creating named parameters from files or a seed. */
public final class TensorMaps {
    private TensorMaps() {
    }

    /** Reads every expected tensor (checking name, dtype and shape; errors name the file and tensor). */
    public static Map<String, NDArray> read(SafeTensors weights, Map<String, long[]> expected, NDManager manager) {
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            weights.checkShape(e.getKey(), e.getValue());
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            NDArray a = manager.create(weights.floats(e.getKey()), new Shape(e.getValue()));
            a.setName(e.getKey());
            out.put(e.getKey(), a);
        }
        return out;
    }

    /**
     * Random initial values as small models are initialised: weights N(0, std), biases 0,
     * norm weights 1 (names ending in "norm.weight", "norm1/2.weight", "layrnorm.weight" or "layernorm*.weight").
     */
    public static Map<String, float[]> random(Map<String, long[]> expected, long seed, float std) {
        Random r = new Random(seed);
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            long n = 1;
            for (long d : e.getValue()) {
                n *= d;
            }
            float[] v = new float[(int) n];
            String name = e.getKey();
            if (isNormWeight(name)) {
                java.util.Arrays.fill(v, 1f);
            } else if (!name.endsWith(".bias")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (r.nextGaussian() * std);
                }
            }
            out.put(name, v);
        }
        return out;
    }

    static boolean isNormWeight(String name) {
        if (!name.endsWith(".weight")) {
            return false;
        }
        String base = name.substring(0, name.length() - ".weight".length());
        int dot = base.lastIndexOf('.');
        String last = base.substring(dot + 1);
        return last.contains("norm") || last.contains("layrnorm");
    }

    public static Map<String, NDArray> create(Map<String, float[]> values, Map<String, long[]> shapes, NDManager manager) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            NDArray a = manager.create(values.get(e.getKey()), new Shape(e.getValue()));
            a.setName(e.getKey());
            out.put(e.getKey(), a);
        }
        return out;
    }

    /** Copies live parameters to writer tensors (for checkpoints). */
    public static Map<String, SafeTensorsWriter.Tensor> toWriter(Map<String, NDArray> params) {
        Map<String, SafeTensorsWriter.Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            out.put(e.getKey(), new SafeTensorsWriter.Tensor(e.getValue().toFloatArray(), e.getValue().getShape().getShape()));
        }
        return out;
    }
}
