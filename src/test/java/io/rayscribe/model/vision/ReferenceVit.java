package io.rayscribe.model.vision;

import java.util.Map;

/** A deliberately plain loop implementation of the ViT forward pass, as an independent reference. */
final class ReferenceVit {
    private ReferenceVit() {
    }

    static float[] forward(VisionConfig c, Map<String, float[]> w, float[] img) {
        int d = c.hiddenSize();
        int g = c.gridSize();
        int p = c.patchSize();
        int s = c.imageSize();
        int n = c.sequenceLength();
        int off = c.clsToken() ? 1 : 0;
        double[][] x = new double[n][d];
        float[] pw = w.get(c.patchWeight());
        float[] pb = c.patchBias() == null ? new float[d] : w.get(c.patchBias());
        for (int gy = 0; gy < g; gy++) {
            for (int gx = 0; gx < g; gx++) {
                for (int o = 0; o < d; o++) {
                    double acc = pb[o];
                    for (int ch = 0; ch < c.channels(); ch++) {
                        for (int ky = 0; ky < p; ky++) {
                            for (int kx = 0; kx < p; kx++) {
                                acc += pw[((o * c.channels() + ch) * p + ky) * p + kx]
                                        * img[(ch * s + gy * p + ky) * s + gx * p + kx];
                            }
                        }
                    }
                    x[off + gy * g + gx][o] = acc;
                }
            }
        }
        if (c.clsToken()) {
            float[] cls = w.get(c.clsName());
            for (int o = 0; o < d; o++) {
                x[0][o] = cls[o];
            }
        }
        float[] pos = w.get(c.positionName());
        for (int t = 0; t < n; t++) {
            for (int o = 0; o < d; o++) {
                x[t][o] += pos[t * d + o];
            }
        }
        if (c.preNorm() != null) {
            x = ln(x, w, c.preNorm(), c.layerNormEps());
        }
        for (int l = 0; l < c.numLayers(); l++) {
            String[] nm = c.blockNames(l);
            double[][] h = ln(x, w, nm[0], c.layerNormEps());
            double[][] q = lin(h, w, nm[1]);
            double[][] k = lin(h, w, nm[2]);
            double[][] v = lin(h, w, nm[3]);
            double[][] ctx = new double[n][d];
            int hd = c.headDim();
            for (int head = 0; head < c.numHeads(); head++) {
                for (int i = 0; i < n; i++) {
                    double[] sc = new double[n];
                    double max = -1e300;
                    for (int j = 0; j < n; j++) {
                        double dot = 0;
                        for (int e = 0; e < hd; e++) {
                            dot += q[i][head * hd + e] * k[j][head * hd + e];
                        }
                        sc[j] = dot / Math.sqrt(hd);
                        max = Math.max(max, sc[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < n; j++) {
                        sc[j] = Math.exp(sc[j] - max);
                        sum += sc[j];
                    }
                    for (int j = 0; j < n; j++) {
                        for (int e = 0; e < hd; e++) {
                            ctx[i][head * hd + e] += sc[j] / sum * v[j][head * hd + e];
                        }
                    }
                }
            }
            x = add(x, lin(ctx, w, nm[4]));
            double[][] h2 = ln(x, w, nm[5], c.layerNormEps());
            double[][] f = lin(h2, w, nm[6]);
            for (double[] row : f) {
                for (int i = 0; i < row.length; i++) {
                    double a = row[i];
                    row[i] = c.hiddenAct().equals("quick_gelu") ? a / (1 + Math.exp(-1.702 * a)) : 0.5 * a * (1 + erf(a / Math.sqrt(2)));
                }
            }
            x = add(x, lin(f, w, nm[7]));
        }
        if (c.finalNorm() != null) {
            x = ln(x, w, c.finalNorm(), c.layerNormEps());
        }
        float[] out = new float[(n - off) * d];
        for (int t = off; t < n; t++) {
            for (int o = 0; o < d; o++) {
                out[(t - off) * d + o] = (float) x[t][o];
            }
        }
        return out;
    }

    private static double[][] add(double[][] a, double[][] b) {
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                a[i][j] += b[i][j];
            }
        }
        return a;
    }

    private static double[][] lin(double[][] x, Map<String, float[]> w, String name) {
        float[] wt = w.get(name + ".weight");
        float[] b = w.get(name + ".bias");
        int out = b.length;
        int in = x[0].length;
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < out; o++) {
                double acc = b[o];
                for (int i = 0; i < in; i++) {
                    acc += wt[o * in + i] * x[t][i];
                }
                y[t][o] = acc;
            }
        }
        return y;
    }

    private static double[][] ln(double[][] x, Map<String, float[]> w, String name, double eps) {
        float[] g = w.get(name + ".weight");
        float[] b = w.get(name + ".bias");
        double[][] y = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            double mean = 0;
            for (double v : x[t]) {
                mean += v;
            }
            mean /= x[t].length;
            double var = 0;
            for (double v : x[t]) {
                var += (v - mean) * (v - mean);
            }
            var /= x[t].length;
            y[t] = new double[x[t].length];
            for (int i = 0; i < x[t].length; i++) {
                y[t][i] = (x[t][i] - mean) / Math.sqrt(var + eps) * g[i] + b[i];
            }
        }
        return y;
    }

    /** Abramowitz–Stegun 7.1.26 is too coarse; use a series/continued fraction accurate to ~1e-12. */
    static double erf(double z) {
        double t = 1.0 / (1.0 + 0.5 * Math.abs(z));
        double ans = 1 - t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return z >= 0 ? ans : -ans;
    }
}
