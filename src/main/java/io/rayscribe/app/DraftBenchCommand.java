package io.rayscribe.app;

import io.rayscribe.core.AppEnvironment;
import io.rayscribe.core.Args;
import io.rayscribe.core.Json;
import io.rayscribe.core.RayScribeException;
import io.rayscribe.dicom.DisplayImage;
import io.rayscribe.model.GenerationResult;
import io.rayscribe.model.GenerationSettings;
import io.rayscribe.model.ModelBundle;
import io.rayscribe.model.ReportDrafter;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code rayscribe bench draft --model BUNDLE STUDY [--tokens N] [--repeat R] [--json]}: load time,
 * vision time (preprocessing + encoder + projector), time to first token from the draft request,
 * prefill and decode speed (greedy, attention capture on, as the app drafts), peak memory.
 * {@code ready_s} adds the drafter's start-up warm-up (JIT, native init); the first draft after it is
 * reported as cold; the figures are medians of the repeats after it.
 */
public final class DraftBenchCommand implements Command {
    private static final Set<String> OPTIONS = Set.of("model", "tokens", "repeat");

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) throws Exception {
        AppEnvironment.init();
        Args a = Args.parse(argv, Set.of("json"));
        a.rejectUnknown(OPTIONS);
        if (a.positional().size() != 1) {
            throw new RayScribeException("usage: bench draft --model BUNDLE STUDY [--tokens N] [--repeat R] [--json]");
        }
        Path model = DraftCommand.modelDir(a);
        int tokens = a.getInt("tokens", 64);
        int repeat = Math.max(1, a.getInt("repeat", 3));
        DisplayImage image = DraftCommand.firstImage(Path.of(a.positional().get(0)));
        long t0 = System.nanoTime();
        Map<String, Object> o = new LinkedHashMap<>();
        try (ModelBundle bundle = ModelBundle.load(model);
             ReportDrafter drafter = new ReportDrafter(bundle)) {
            if (!bundle.hasVision()) {
                throw RayScribeException.forFile(model, "an LLM-only model cannot draft from an image");
            }
            double loadOnly = (System.nanoTime() - t0) / 1e9;
            drafter.awaitReady();
            double load = (System.nanoTime() - t0) / 1e9;
            GenerationSettings s = new GenerationSettings(true, 1f, 0, 1f, 0, 1f, tokens, List.of(), false, true);
            GenerationResult cold = drafter.draft(image, s, e -> { }).await();
            double[] vision = new double[repeat];
            double[] ttft = new double[repeat];
            double[] prefill = new double[repeat];
            double[] decode = new double[repeat];
            int promptLength = cold.promptIds().length;
            for (int i = 0; i < repeat; i++) {
                long v0 = System.nanoTime();
                bundle.visualPrompts(image);
                vision[i] = (System.nanoTime() - v0) / 1e9;
                GenerationResult r = drafter.draft(image, s, e -> { }).await();
                ttft[i] = r.timeToFirstTokenSeconds();
                prefill[i] = promptLength / Math.max(1e-9, r.prefillSeconds());
                decode[i] = r.decodeTokensPerSecond();
            }
            long rss = LlmBenchCommand.peakRssKb();
            o.put("model", bundle.name());
            o.put("decoder", drafter.device());
            o.put("load_s", round(loadOnly, 3));
            o.put("ready_s", round(load, 3));
            o.put("vision_s", round(median(vision), 4));
            o.put("ttft_s", round(median(ttft), 4));
            o.put("cold_ttft_s", round(cold.timeToFirstTokenSeconds(), 4));
            o.put("prompt_tokens", promptLength);
            o.put("visual_prompts", bundle.config().numVisualPrompts());
            o.put("generated_tokens", cold.generatedIds().length);
            o.put("prefill_tokens_per_s", round(median(prefill), 1));
            o.put("decode_tokens_per_s", round(median(decode), 1));
            o.put("peak_rss_mb", rss < 0 ? null : round(rss / 1024.0, 1));
            o.put("weight_bytes", bundle.weightBytes());
            o.put("image", image.width() + "x" + image.height());
            o.put("repeat", repeat);
        }
        if (a.flag("json")) {
            out.println(Json.COMPACT.toJson(o));
        } else {
            for (Map.Entry<String, Object> e : o.entrySet()) {
                out.println(e.getKey() + ": " + e.getValue());
            }
        }
        return 0;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

}
