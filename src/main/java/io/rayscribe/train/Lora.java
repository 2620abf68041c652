package io.rayscribe.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.rayscribe.core.RayScribeException;
import io.rayscribe.model.djl.DjlLlama;
import io.rayscribe.model.djl.GradMode;
import io.rayscribe.model.weights.SafeTensors;
import io.rayscribe.model.weights.SafeTensorsWriter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * LoRA (Hu et al. 2021) over the Llama's attention and MLP matrices without touching the forward
 * pass: each target W is kept as W = W0 + s * B * A (s = alpha / rank; A random, B zero at the start),
 * written into the live weight after every update. The forward pass gives dL/dW; the chain rule gives
 * the factor gradients exactly: dL/dB = s * dL/dW * A^T and dL/dA = s * B^T * dL/dW. The saved
 * model holds the merged weights, so inference needs nothing LoRA-specific.
 */
final class Lora implements AutoCloseable {
    private static final String[] SUFFIXES = {"self_attn.q_proj.weight", "self_attn.k_proj.weight",
        "self_attn.v_proj.weight", "self_attn.o_proj.weight", "mlp.gate_proj.weight", "mlp.up_proj.weight",
        "mlp.down_proj.weight"};

    private final NDManager manager;
    private final Map<String, NDArray> weights = new LinkedHashMap<>();
    private final Map<String, NDArray> base = new LinkedHashMap<>();
    private final Map<String, NDArray> factors = new LinkedHashMap<>();
    private final float scale;
    private NDManager pending;   // temporaries of the last factorGradients call, closed by apply()

    Lora(DjlLlama llm, int rank, double alpha, long seed, NDManager parent) {
        this.manager = parent.newSubManager();
        this.scale = (float) ((alpha > 0 ? alpha : rank) / rank);
        Random r = new Random(seed);
        for (String name : targets(llm)) {
            NDArray w = llm.parameters().get(name);
            long out = w.getShape().get(0);
            long in = w.getShape().get(1);
            if (rank > Math.min(out, in)) {
                throw new RayScribeException("lora_rank " + rank + " exceeds the size of " + name + " " + w.getShape());
            }
            float[] a = new float[(int) (rank * in)];
            double std = 1.0 / Math.sqrt(in);
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (r.nextGaussian() * std);
            }
            weights.put(name, w);
            NDArray w0 = w.duplicate();
            w0.attach(manager);
            base.put(name, w0);
            factors.put("lora_A." + name, manager.create(a, new Shape(rank, in)));
            factors.put("lora_B." + name, manager.zeros(new Shape(out, rank)));
        }
    }

    static List<String> targets(DjlLlama llm) {
        List<String> out = new ArrayList<>();
        for (String name : llm.parameters().keySet()) {
            for (String s : SUFFIXES) {
                if (name.endsWith(s)) {
                    out.add(name);
                }
            }
        }
        return out;
    }

    /** The trainable factors (lora_A.NAME [r, in], lora_B.NAME [out, r]). */
    Map<String, NDArray> factors() {
        return factors;
    }

    /**
     * Replaces the gradients of the target weights by the gradients of their factors; other
     * gradients pass through. The weight gradients are consumed.
     */
    Map<String, NDArray> factorGradients(Map<String, NDArray> grads) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        boolean g = GradMode.disable();
        if (pending != null) {
            pending.close();
        }
        pending = manager.newSubManager();
        NDManager m = pending;
        try {
            for (Map.Entry<String, NDArray> e : grads.entrySet()) {
                String name = e.getKey();
                if (!weights.containsKey(name)) {
                    out.put(name, e.getValue());
                    continue;
                }
                NDArray gw = e.getValue();
                gw.attach(m);
                NDArray at = factors.get("lora_A." + name).transpose();
                at.attach(m);
                NDArray bt = factors.get("lora_B." + name).transpose();
                bt.attach(m);
                NDArray gb = gw.matMul(at).mul(scale);      // [out, r]
                NDArray ga = bt.matMul(gw).mul(scale);      // [r, in]
                out.put("lora_A." + name, ga);
                out.put("lora_B." + name, gb);
            }
        } finally {
            GradMode.restore(g);
        }
        return out;
    }

    /** Writes W = W0 + s * B * A into every target weight. */
    void apply() {
        if (pending != null) {
            pending.close();
            pending = null;
        }
        boolean g = GradMode.disable();
        try (NDManager m = manager.newSubManager()) {
            for (Map.Entry<String, NDArray> e : weights.entrySet()) {
                String name = e.getKey();
                NDArray delta = factors.get("lora_B." + name).matMul(factors.get("lora_A." + name)).mul(scale);
                delta.attach(m);
                NDArray merged = base.get(name).add(delta);
                merged.attach(m);
                e.getValue().subi(e.getValue()).addi(merged);
            }
        } finally {
            GradMode.restore(g);
        }
    }

    void save(Path file) {
        Map<String, SafeTensorsWriter.Tensor> t = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : factors.entrySet()) {
            t.put(e.getKey(), new SafeTensorsWriter.Tensor(e.getValue().toFloatArray(), e.getValue().getShape().getShape()));
        }
        SafeTensorsWriter.write(file, t, Map.of("scale", Float.toString(scale)));
    }

    /** Restores the factors of an interrupted LoRA stage and recovers W0 = W - s * B * A. */
    void load(Path file) {
        boolean g = GradMode.disable();
        try (SafeTensors t = SafeTensors.open(file); NDManager m = manager.newSubManager()) {
            for (Map.Entry<String, NDArray> e : factors.entrySet()) {
                e.getValue().set(t.floats(e.getKey(), e.getValue().getShape().getShape()));
            }
            for (Map.Entry<String, NDArray> e : weights.entrySet()) {
                String name = e.getKey();
                NDArray delta = factors.get("lora_B." + name).matMul(factors.get("lora_A." + name)).mul(scale);
                delta.attach(m);
                NDArray w0 = e.getValue().sub(delta);
                w0.attach(m);
                base.get(name).subi(base.get(name)).addi(w0);
            }
        } finally {
            GradMode.restore(g);
        }
    }

    @Override
    public void close() {
        if (pending != null) {
            pending.close();
        }
        manager.close();
    }
}
