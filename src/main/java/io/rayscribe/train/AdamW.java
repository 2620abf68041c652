package io.rayscribe.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.rayscribe.model.djl.GradMode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW (Loshchilov and Hutter) over DJL NDArrays, with global-norm gradient clipping. Weight decay
 * is decoupled and applied to matrices only (not to norms, biases or 1-D vectors). Moments live in
 * this optimiser's own manager; every temporary of a step lives in a sub-manager closed at the end
 * of the step, so nothing accumulates in the parameters' managers.
 */
public final class AdamW implements AutoCloseable {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final NDManager manager;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private final List<String> nonFinite = new ArrayList<>();
    private long t;

    public AdamW(NDManager parent, double beta1, double beta2, double eps) {
        this.manager = parent.newSubManager();
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    /** Number of updates made (the bias-correction step). */
    public long steps() {
        return t;
    }

    /**
     * One update: {@code grads} maps names of {@code params} to their gradients (same shapes).
     * The gradient arrays are consumed (closed at the end of the step). Clips the global gradient
     * norm to {@code clip} (0 = off) and returns the norm before clipping; a non-finite norm skips
     * the update.
     */
    public double step(Map<String, NDArray> params, Map<String, NDArray> grads, double lr, double weightDecay, double clip) {
        boolean grad = GradMode.disable();
        try (NDManager s = manager.newSubManager()) {
            double sq = 0;
            nonFinite.clear();
            for (Map.Entry<String, NDArray> e : grads.entrySet()) {
                NDArray g = own(e.getValue(), s);   // the gradients are consumed: closed with this step's temporaries
                double part = g.square().sum().getFloat();
                if (!Double.isFinite(part)) {
                    nonFinite.add(e.getKey());
                }
                sq += part;
            }
            double norm = Math.sqrt(sq);
            double scale = clip > 0 && norm > clip ? clip / norm : 1.0;
            if (!Double.isFinite(norm)) {
                return norm;   // skip a step whose gradients overflowed; the caller reports it
            }
            t++;
            float bc1 = (float) (1 - Math.pow(beta1, t));
            float bc2 = (float) (1 - Math.pow(beta2, t));
            for (Map.Entry<String, NDArray> e : grads.entrySet()) {
                String name = e.getKey();
                NDArray p = params.get(name);
                NDArray g = e.getValue().mul((float) scale);
                NDArray mm = m.computeIfAbsent(name, k -> zeros(p));
                NDArray vv = v.computeIfAbsent(name, k -> zeros(p));
                mm.muli((float) beta1).addi(g.mul((float) (1 - beta1)));
                vv.muli((float) beta2).addi(g.square().mul((float) (1 - beta2)));
                NDArray denom = own(vv.div(bc2), s).sqrt().add((float) eps);
                NDArray update = own(mm.div(bc1), s).div(denom).mul((float) lr);
                if (weightDecay > 0 && p.getShape().dimension() >= 2) {
                    p.muli((float) (1 - lr * weightDecay));
                }
                p.subi(update);
            }
            return norm;
        } finally {
            GradMode.restore(grad);
        }
    }

    /** The parameters whose gradient was not finite in the last step (empty when the step was applied). */
    public List<String> lastNonFinite() {
        return List.copyOf(nonFinite);
    }

    private NDArray zeros(NDArray like) {
        return manager.zeros(like.getShape(), like.getDataType());
    }

    private static NDArray own(NDArray a, NDManager s) {
        a.attach(s);
        return a;
    }

    /** Moments as Java arrays ("m.NAME" / "v.NAME"), for checkpoints. */
    public Map<String, float[]> state() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : m.entrySet()) {
            out.put("m." + e.getKey(), e.getValue().toFloatArray());
            out.put("v." + e.getKey(), v.get(e.getKey()).toFloatArray());
        }
        return out;
    }

    /** Restores moments saved by {@link #state()} for the given parameters, and the step count. */
    public void load(Map<String, NDArray> params, Map<String, float[]> state, long steps) {
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            float[] mv = state.get("m." + e.getKey());
            float[] vv = state.get("v." + e.getKey());
            if (mv != null && vv != null) {
                m.put(e.getKey(), manager.create(mv, e.getValue().getShape()));
                v.put(e.getKey(), manager.create(vv, e.getValue().getShape()));
            }
        }
        t = steps;
    }

    @Override
    public void close() {
        manager.close();
    }
}
