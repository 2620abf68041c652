package io.rayscribe.train;

import io.rayscribe.core.Json;
import io.rayscribe.core.RayScribeException;
import io.rayscribe.dicom.DisplayImage;
import io.rayscribe.model.AttentionMaps;
import io.rayscribe.model.GenerationResult;
import io.rayscribe.model.GenerationSettings;
import io.rayscribe.model.ModelBundle;
import io.rayscribe.model.ReportDrafter;
import io.rayscribe.model.TokenAttention;
import io.rayscribe.train.metrics.FindingExtractor;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The paper's two analyses on a trained bundle, as JSON plus PNG charts (java.awt, no JavaFX):
 * <ol>
 *   <li>soft visual prompts: each prompt's L2 norm (mean over images) against the norms of the
 *       LLM's text-token embeddings, and the vocabulary tokens nearest to each prompt by cosine;</li>
 *   <li>attention: the share of each generated token's attention that goes to the visual prompts
 *       (versus BOS and text) per layer, and per-finding maps: the attention over the words that
 *       report a finding, averaged over the studies where it was reported, on the prompt grid.</li>
 * </ol>
 */
public final class Analyzer {
    private final PrintStream log;

    public Analyzer(PrintStream log) {
        this.log = log;
    }

    public Map<String, Object> analyze(Path model, Path data, Path outDir, int limit) {
        List<TrainingData.Row> rows = TrainingData.readManifest(data, limit);
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw RayScribeException.forFile(outDir, "cannot create: " + e.getMessage(), e);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        try (ModelBundle bundle = ModelBundle.load(model); ReportDrafter drafter = new ReportDrafter(bundle)) {
            if (!bundle.hasVision()) {
                throw RayScribeException.forFile(model, "not a multimodal bundle: analyze needs an image encoder");
            }
            int p = bundle.config().numVisualPrompts();
            int gr = bundle.config().promptRows();
            int gc = bundle.config().promptCols();
            int h = bundle.llmConfig().hiddenSize();
            int vocab = bundle.llmConfig().vocabSize();
            float[] emb = bundle.llm().parameters().get("model.embed_tokens.weight").toFloatArray();
            double[] tokenNorms = new double[vocab];
            for (int v = 0; v < vocab; v++) {
                tokenNorms[v] = norm(emb, v * h, h);
            }
            double[] promptNormSum = new double[p];
            double[][] promptMean = new double[p][h];
            int layers = bundle.llmConfig().numHiddenLayers();
            double[] visualShare = new double[layers];
            double[] sinkShare = new double[layers];
            long shareTokens = 0;
            Map<String, float[]> findingMaps = new TreeMap<>();
            Map<String, Integer> findingCounts = new TreeMap<>();
            DisplayImage firstImage = null;
            int images = 0;
            GenerationSettings settings = new GenerationSettings(true, 1f, 0, 1f, 0L, 1f,
                    bundle.defaultSettings().maxNewTokens(), bundle.defaultSettings().stopStrings(), true, true);
            for (TrainingData.Row row : rows) {
                DisplayImage image;
                List<TrainingData.Truth> truth;
                try {
                    image = TrainingData.readImage(row.image());
                    truth = row.groundTruth() != null ? TrainingData.readTruth(row.groundTruth()) : List.of();
                } catch (RayScribeException e) {
                    log.println("analyze: skipped line " + row.line() + ": " + e.getMessage());
                    continue;
                }
                if (firstImage == null) {
                    firstImage = image;
                }
                images++;
                float[][] prompts = bundle.visualPrompts(image);
                for (int i = 0; i < p; i++) {
                    promptNormSum[i] += norm(prompts[i], 0, h);
                    for (int k = 0; k < h; k++) {
                        promptMean[i][k] += prompts[i][k];
                    }
                }
                CollectedDraft draft = CollectedDraft.run(drafter, image, settings, "analyze");
                List<String> pieces = draft.pieces();
                GenerationResult r = draft.result();
                for (TokenAttention a : r.attention()) {
                    if (a == null) {
                        continue;
                    }
                    shareTokens++;
                    for (int l = 0; l < layers; l++) {
                        visualShare[l] += a.visualShare()[l];
                        double s = 0;
                        for (int hh = 0; hh < a.heads(); hh++) {
                            s += a.sink()[l * a.heads() + hh];
                        }
                        sinkShare[l] += s / a.heads();
                    }
                }
                String text = String.join("", pieces);
                List<FindingExtractor.Mention> mentions = FindingExtractor.mentions(text);
                for (TrainingData.Truth t : truth) {
                    for (FindingExtractor.Mention m : mentions) {
                        if (m.key().equals(t.key())) {
                            int[] span = Evaluator.tokenSpan(pieces, m.start(), m.end());
                            float[] map = AttentionMaps.heatmap(r.attention(), span[0], span[1], -1, -1, true, false, gr, gc);
                            float[] acc = findingMaps.computeIfAbsent(t.key(), k -> new float[p]);
                            for (int i = 0; i < p; i++) {
                                acc[i] += map[i];
                            }
                            findingCounts.merge(t.key(), 1, Integer::sum);
                            break;
                        }
                    }
                }
            }
            if (images == 0) {
                throw new RayScribeException("analyze: no image could be read");
            }
            // ---- soft visual prompts
            double[] sortedNorms = tokenNorms.clone();
            Arrays.sort(sortedNorms);
            List<Map<String, Object>> promptRows = new ArrayList<>();
            double[] promptNorms = new double[p];
            for (int i = 0; i < p; i++) {
                promptNorms[i] = promptNormSum[i] / images;
                double[] mean = promptMean[i];
                for (int k = 0; k < h; k++) {
                    mean[k] /= images;
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("prompt", i);
                row.put("row", i / gc);
                row.put("col", i % gc);
                row.put("norm", promptNorms[i]);
                row.put("norm_percentile_among_tokens", percentile(sortedNorms, promptNorms[i]));
                row.put("nearest_tokens", nearest(mean, emb, vocab, h, bundle, 5));
                promptRows.add(row);
            }
            Map<String, Object> tokenStats = new LinkedHashMap<>();
            tokenStats.put("mean", Arrays.stream(tokenNorms).average().orElse(0));
            tokenStats.put("min", sortedNorms[0]);
            tokenStats.put("median", sortedNorms[vocab / 2]);
            tokenStats.put("max", sortedNorms[vocab - 1]);
            Map<String, Object> soft = new LinkedHashMap<>();
            soft.put("images", images);
            soft.put("text_embedding_norms", tokenStats);
            soft.put("visual_prompt_norm_mean", Arrays.stream(promptNorms).average().orElse(0));
            soft.put("prompts", promptRows);
            result.put("soft_visual_prompts", soft);
            // ---- attention
            List<Map<String, Object>> perLayer = new ArrayList<>();
            for (int l = 0; l < layers; l++) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("layer", l);
                m.put("visual_share", shareTokens == 0 ? 0 : visualShare[l] / shareTokens);
                m.put("bos_sink_share", shareTokens == 0 ? 0 : sinkShare[l] / shareTokens);
                m.put("text_share", shareTokens == 0 ? 0 : 1 - (visualShare[l] + sinkShare[l]) / shareTokens);
                perLayer.add(m);
            }
            Map<String, Object> attention = new LinkedHashMap<>();
            attention.put("generated_tokens", shareTokens);
            attention.put("per_layer", perLayer);
            Map<String, Object> maps = new LinkedHashMap<>();
            for (Map.Entry<String, float[]> e : findingMaps.entrySet()) {
                int n = findingCounts.get(e.getKey());
                float[] v = e.getValue();
                for (int i = 0; i < p; i++) {
                    v[i] /= n;
                }
                maps.put(e.getKey(), Map.of("studies", n, "grid", gr + "x" + gc, "map", v));
            }
            attention.put("per_finding_maps", maps);
            result.put("attention", attention);
            // ---- pictures
            writeNormChart(outDir.resolve("prompt-norms.png"), promptNorms, sortedNorms);
            writeShareChart(outDir.resolve("attention-share-per-layer.png"), perLayer);
            writeFindingMaps(outDir.resolve("finding-attention-maps.png"), maps, findingMaps, gr, gc, firstImage);
            result.put("charts", List.of("prompt-norms.png", "attention-share-per-layer.png", "finding-attention-maps.png"));
            Files.writeString(outDir.resolve("analysis.json"), Json.PRETTY.toJson(result) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw RayScribeException.forFile(outDir, "cannot write analysis: " + e.getMessage(), e);
        }
        return result;
    }

    private static double norm(float[] v, int off, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (double) v[off + i] * v[off + i];
        }
        return Math.sqrt(s);
    }

    private static double percentile(double[] sorted, double x) {
        int below = 0;
        while (below < sorted.length && sorted[below] < x) {
            below++;
        }
        return 100.0 * below / sorted.length;
    }

    private static List<Map<String, Object>> nearest(double[] q, float[] emb, int vocab, int h, ModelBundle bundle, int k) {
        double qn = 0;
        for (double d : q) {
            qn += d * d;
        }
        qn = Math.sqrt(qn);
        double[] cos = new double[vocab];
        Integer[] idx = new Integer[vocab];
        for (int v = 0; v < vocab; v++) {
            double dot = 0;
            double en = 0;
            for (int i = 0; i < h; i++) {
                dot += q[i] * emb[v * h + i];
                en += (double) emb[v * h + i] * emb[v * h + i];
            }
            cos[v] = dot / Math.max(1e-12, qn * Math.sqrt(en));
            idx[v] = v;
        }
        Arrays.sort(idx, (a, b) -> Double.compare(cos[b], cos[a]));
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", idx[i]);
            m.put("token", bundle.tokenizer().decode(new int[] {idx[i]}));
            m.put("cosine", cos[idx[i]]);
            out.add(m);
        }
        return out;
    }

    // ---------------------------------------------------------------- charts

    private static BufferedImage canvas(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return img;
    }

    private static Graphics2D graphics(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        return g;
    }

    /** Bars: each visual prompt's norm; a grey band: the text-token norm range, a line: its median. */
    private static void writeNormChart(Path file, double[] promptNorms, double[] sortedTokenNorms) throws IOException {
        int w = 900;
        int h = 360;
        BufferedImage img = canvas(w, h);
        Graphics2D g = graphics(img);
        double max = Math.max(Arrays.stream(promptNorms).max().orElse(1), sortedTokenNorms[sortedTokenNorms.length - 1]) * 1.1;
        int x0 = 60;
        int y0 = h - 40;
        int plotH = h - 80;
        int plotW = w - x0 - 20;
        double p10 = sortedTokenNorms[sortedTokenNorms.length / 10];
        double p90 = sortedTokenNorms[sortedTokenNorms.length * 9 / 10];
        g.setColor(new Color(220, 220, 220));
        int yHi = y0 - (int) (p90 / max * plotH);
        int yLo = y0 - (int) (p10 / max * plotH);
        g.fillRect(x0, yHi, plotW, yLo - yHi);
        g.setColor(new Color(70, 110, 200));
        double bw = (double) plotW / promptNorms.length;
        for (int i = 0; i < promptNorms.length; i++) {
            int bh = (int) (promptNorms[i] / max * plotH);
            g.fillRect(x0 + (int) (i * bw) + 1, y0 - bh, Math.max(1, (int) bw - 2), bh);
        }
        g.setColor(Color.RED);
        int ym = y0 - (int) (sortedTokenNorms[sortedTokenNorms.length / 2] / max * plotH);
        g.setStroke(new BasicStroke(2));
        g.drawLine(x0, ym, x0 + plotW, ym);
        g.setColor(Color.BLACK);
        g.drawLine(x0, y0, x0 + plotW, y0);
        g.drawLine(x0, y0, x0, y0 - plotH);
        g.drawString(String.format(Locale.ROOT, "%.2f", max), 5, y0 - plotH + 5);
        g.drawString("0", 40, y0 + 5);
        g.drawString("visual prompt index (row-major grid)", x0 + plotW / 2 - 100, h - 15);
        g.drawString("Soft visual prompt L2 norms (blue) vs text-token embedding norms: median (red), 10-90% (grey)",
                x0, 20);
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    /** Stacked bars per layer: visual prompts, BOS sink, text. */
    private static void writeShareChart(Path file, List<Map<String, Object>> perLayer) throws IOException {
        int w = 600;
        int h = 360;
        BufferedImage img = canvas(w, h);
        Graphics2D g = graphics(img);
        int x0 = 60;
        int y0 = h - 50;
        int plotH = h - 100;
        int n = perLayer.size();
        int bw = Math.min(80, (w - x0 - 40) / Math.max(1, n) - 10);
        Color[] colors = {new Color(70, 110, 200), new Color(180, 180, 180), new Color(230, 150, 60)};
        String[] keys = {"visual_share", "bos_sink_share", "text_share"};
        for (int l = 0; l < n; l++) {
            int x = x0 + 10 + l * (bw + 10);
            int y = y0;
            for (int k = 0; k < 3; k++) {
                double v = Math.max(0, ((Number) perLayer.get(l).get(keys[k])).doubleValue());
                int bh = (int) Math.round(v * plotH);
                g.setColor(colors[k]);
                g.fillRect(x, y - bh, bw, bh);
                y -= bh;
            }
            g.setColor(Color.BLACK);
            g.drawString("L" + l, x + bw / 2 - 8, y0 + 15);
            g.drawString(String.format(Locale.ROOT, "%.0f%%", 100 * ((Number) perLayer.get(l).get("visual_share")).doubleValue()),
                    x + bw / 2 - 12, y0 - 5);
        }
        g.setColor(Color.BLACK);
        g.drawLine(x0, y0, w - 20, y0);
        g.drawString("Attention of generated tokens per layer: visual prompts (blue), BOS sink (grey), text (orange)", 10, 20);
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    /** One panel per finding: its mean attention map over the grid, drawn over the first study's image. */
    private static void writeFindingMaps(Path file, Map<String, Object> maps, Map<String, float[]> values, int gr, int gc,
                                         DisplayImage background) throws IOException {
        int cell = 200;
        int cols = Math.max(1, Math.min(4, values.size()));
        int rowsN = Math.max(1, (values.size() + cols - 1) / cols);
        BufferedImage img = canvas(cols * (cell + 10) + 10, rowsN * (cell + 30) + 30);
        Graphics2D g = graphics(img);
        g.setColor(Color.BLACK);
        g.drawString(values.isEmpty() ? "No finding was both present and reported in the analysed studies."
                : "Mean attention over each finding's words (all layers and heads, BOS masked), on the visual-prompt grid", 10, 18);
        int i = 0;
        for (Map.Entry<String, float[]> e : values.entrySet()) {
            int x = 10 + (i % cols) * (cell + 10);
            int y = 30 + (i / cols) * (cell + 30);
            float[] up = AttentionMaps.upsample(normalised(e.getValue()), gr, gc, cell, cell);
            BufferedImage panel = new BufferedImage(cell, cell, BufferedImage.TYPE_INT_RGB);
            for (int py = 0; py < cell; py++) {
                for (int px = 0; px < cell; px++) {
                    float bgv = background == null ? 0.3f
                            : background.luminance(px * background.width() / cell, py * background.height() / cell);
                    float a = up[py * cell + px];
                    int[] heat = heat(a);
                    float alpha = 0.55f * a;
                    int r = (int) (bgv * 255 * (1 - alpha) + heat[0] * alpha);
                    int gg = (int) (bgv * 255 * (1 - alpha) + heat[1] * alpha);
                    int b = (int) (bgv * 255 * (1 - alpha) + heat[2] * alpha);
                    panel.setRGB(px, py, (r << 16) | (gg << 8) | b);
                }
            }
            g.drawImage(panel, x, y, null);
            g.setColor(Color.BLACK);
            Object studies = ((Map<?, ?>) maps.get(e.getKey())).get("studies");
            g.drawString(e.getKey() + " (n=" + studies + ")", x, y + cell + 15);
            i++;
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    private static float[] normalised(float[] v) {
        float max = 0;
        for (float f : v) {
            max = Math.max(max, f);
        }
        float[] out = v.clone();
        if (max > 0) {
            for (int i = 0; i < out.length; i++) {
                out[i] /= max;
            }
        }
        return out;
    }

    /** A simple blue-to-red colour ramp for 0..1. */
    private static int[] heat(float a) {
        a = Math.max(0, Math.min(1, a));
        int r = (int) (255 * Math.min(1, 2 * a));
        int g = (int) (255 * (a < 0.5 ? 2 * a : 2 - 2 * a));
        int b = (int) (255 * Math.max(0, 1 - 2 * a));
        return new int[] {r, g, b};
    }
}
