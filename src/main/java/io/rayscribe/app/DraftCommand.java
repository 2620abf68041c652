package io.rayscribe.app;

import io.rayscribe.core.AppEnvironment;
import io.rayscribe.core.Args;
import io.rayscribe.core.Json;
import io.rayscribe.core.RayScribeException;
import io.rayscribe.dicom.DisplayImage;
import io.rayscribe.dicom.FrameDecoder;
import io.rayscribe.dicom.Instance;
import io.rayscribe.dicom.LoadResult;
import io.rayscribe.dicom.Patient;
import io.rayscribe.dicom.Series;
import io.rayscribe.dicom.Study;
import io.rayscribe.model.AttentionMaps;
import io.rayscribe.model.BundleConfig;
import io.rayscribe.model.GenerationResult;
import io.rayscribe.model.GenerationSettings;
import io.rayscribe.model.ModelBundle;
import io.rayscribe.model.PromptRegion;
import io.rayscribe.model.ReportDrafter;
import io.rayscribe.model.TokenAttention;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code rayscribe draft [--model BUNDLE] STUDY_PATH ...}: drafts a report for the first radiograph
 * in a study (file or folder) and streams it to stdout as it is produced, labelled as an AI draft.
 * {@code --attention OUT.json} writes the captured attention (per token, per layer and head) and
 * the regions of the visual prompts.
 */
public final class DraftCommand implements Command {
    private static final Set<String> OPTIONS = Set.of("model", "max-new-tokens", "attention", "temperature", "top-p",
            "top-k", "seed");
    private static final Set<String> SWITCHES = Set.of("greedy", "no-attention");

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) throws Exception {
        AppEnvironment.init();
        Args a = Args.parse(argv, SWITCHES);
        a.rejectUnknown(OPTIONS);
        if (a.positional().size() != 1) {
            throw new RayScribeException("give one STUDY_PATH (a DICOM file or a folder)");
        }
        Path model = modelDir(a);
        Path study = Path.of(a.positional().get(0));
        DisplayImage image = firstImage(study);
        try (ModelBundle bundle = ModelBundle.load(model)) {
            if (!bundle.hasVision()) {
                throw RayScribeException.forFile(model, "an LLM-only model cannot draft from an image (no "
                        + BundleConfig.FILE_NAME + ")");
            }
            GenerationSettings s = settings(bundle.defaultSettings(), a);
            try (ReportDrafter drafter = new ReportDrafter(bundle, false)) {
                out.println("AI DRAFT - " + drafter.modelName() + " on " + drafter.device()
                        + " - not reviewed by a radiologist, not for clinical use");
                out.flush();
                GenerationResult r = drafter.draft(image, s, e -> {
                    out.print(e.textPiece());
                    out.flush();
                }).await();
                out.println();
                err.printf(Locale.ROOT, "%d tokens, first token after %.2f s, %.1f tokens/s (%s)%n",
                        r.generatedIds().length, r.timeToFirstTokenSeconds(), r.decodeTokensPerSecond(), r.stopReason());
                if (a.has("attention")) {
                    writeAttention(Path.of(a.get("attention")), bundle, r);
                }
            }
        }
        return 0;
    }

    static Path modelDir(Args a) {
        if (a.has("model")) {
            return Path.of(a.get("model"));
        }
        Path demo = AppEnvironment.demoModel();
        if (!Files.isDirectory(demo)) {
            throw RayScribeException.forFile(demo, "no demo model here yet (train one with 'rayscribe train', "
                    + "or pass --model BUNDLE)");
        }
        return demo;
    }

    static GenerationSettings settings(GenerationSettings defaults, Args a) {
        int max = a.getInt("max-new-tokens", defaults.maxNewTokens());
        boolean greedy = a.flag("greedy") || (defaults.greedy() && !a.has("temperature"));
        return new GenerationSettings(greedy, (float) a.getDouble("temperature", defaults.temperature()),
                a.getInt("top-k", defaults.topK()), (float) a.getDouble("top-p", defaults.topP()),
                (long) a.getDouble("seed", defaults.seed()), defaults.repetitionPenalty(), max, defaults.stopStrings(),
                defaults.stopAtEos(), !a.flag("no-attention"));
    }

    /**
     * The first image of a study (a file or a folder): radiographs (DX, CR) first, then any instance
     * with pixels; frame 0 rendered with its default window.
     */
    public static DisplayImage firstImage(Path study) {
        if (!Files.exists(study)) {
            throw RayScribeException.forFile(study, "not found");
        }
        LoadResult loaded = io.rayscribe.dicom.StudyLoader.open(List.of(study));
        List<Instance> radiographs = new ArrayList<>();
        List<Instance> others = new ArrayList<>();
        for (Patient p : loaded.patients()) {
            for (Study st : p.studies()) {
                for (Series se : st.series()) {
                    String modality = se.modality() == null ? "" : se.modality();
                    for (Instance i : se.instances()) {
                        if (i.rows() > 0 && i.columns() > 0) {
                            (modality.equals("DX") || modality.equals("CR") ? radiographs : others).add(i);
                        }
                    }
                }
            }
        }
        radiographs.addAll(others);
        RayScribeException first = null;
        for (Instance candidate : radiographs) {
            try {
                return FrameDecoder.shared().decode(candidate.file(), 0).render();
            } catch (RayScribeException e) {
                first = first == null ? e : first; // e.g. a transfer syntax we cannot decode: try the next image
            }
        }
        if (first != null) {
            throw first;
        }
        String why = loaded.errors().isEmpty() ? "no DICOM image found"
                : "no readable DICOM image (" + loaded.errors().get(0).file() + ": " + loaded.errors().get(0).message() + ")";
        throw RayScribeException.forFile(study, why);
    }

    static void writeAttention(Path file, ModelBundle bundle, GenerationResult r) throws IOException {
        BundleConfig c = bundle.config();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", bundle.name());
        o.put("grid", new int[] {c.promptRows(), c.promptCols()});
        List<Map<String, Object>> regions = new ArrayList<>();
        for (PromptRegion p : r.regions()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", p.index());
            m.put("x0", p.x0());
            m.put("y0", p.y0());
            m.put("x1", p.x1());
            m.put("y1", p.y1());
            regions.add(m);
        }
        o.put("regions", regions);
        List<Map<String, Object>> tokens = new ArrayList<>();
        for (int t = 0; t < r.generatedIds().length; t++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", t);
            m.put("id", r.generatedIds()[t]);
            m.put("text", bundle.tokenizer().decode(new int[] {r.generatedIds()[t]}));
            TokenAttention ta = t < r.attention().size() ? r.attention().get(t) : null;
            if (ta != null) {
                m.put("layers", ta.layers());
                m.put("heads", ta.heads());
                m.put("visual_share", ta.visualShare());
                m.put("sink", ta.sink());
                m.put("visual", ta.visual());
            }
            tokens.add(m);
        }
        o.put("tokens", tokens);
        o.put("heatmap_all_tokens", AttentionMaps.heatmap(r.attention(), 0, r.generatedIds().length, -1, -1, true, false,
                c.promptRows(), c.promptCols()));
        o.put("text", r.text());
        Path abs = file.toAbsolutePath();
        if (abs.getParent() != null) {
            Files.createDirectories(abs.getParent());
        }
        Files.writeString(abs, Json.PRETTY.toJson(o) + "\n");
    }
}
