package io.rayscribe.app;

import io.rayscribe.core.AppEnvironment;
import io.rayscribe.core.Args;
import io.rayscribe.core.Json;
import io.rayscribe.core.RayScribeException;
import io.rayscribe.model.DecoderSession;
import io.rayscribe.model.Decoders;
import io.rayscribe.model.GenerationResult;
import io.rayscribe.model.GenerationSettings;
import io.rayscribe.model.Generator;
import io.rayscribe.model.ModelBundle;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code rayscribe lm --model DIR (--prompt TEXT | --prompt-ids 1,2,3) ...}: runs the language model
 * alone on a text prompt and streams the continuation. Does not stop at EOS unless --stop-at-eos.
 * With --json, stdout carries only the final JSON object (the stream goes to stderr).
 */
public final class LmCommand implements Command {
    private static final Set<String> OPTIONS = Set.of("model", "prompt", "prompt-ids", "max-new-tokens", "temperature",
            "top-p", "top-k", "seed", "repetition-penalty", "stop");
    private static final Set<String> SWITCHES = Set.of("greedy", "stop-at-eos", "json");

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) {
        AppEnvironment.init();
        Args a = Args.parse(argv, SWITCHES);
        a.rejectUnknown(OPTIONS);
        if (!a.positional().isEmpty()) {
            throw new RayScribeException("unexpected argument '" + a.positional().get(0) + "'");
        }
        Path dir = Path.of(a.require("model"));
        if (a.has("prompt") == a.has("prompt-ids")) {
            throw new RayScribeException("give exactly one of --prompt TEXT or --prompt-ids 1,2,3");
        }
        GenerationSettings settings = settings(a);
        boolean json = a.flag("json");
        PrintStream stream = json ? err : out;
        try (ModelBundle bundle = ModelBundle.load(dir);
             Decoders.Choice decoder = Decoders.choose(bundle);
             DecoderSession session = decoder.open()) {
            int[] ids = a.has("prompt") ? bundle.tokenizer().encodeWithBos(a.get("prompt"))
                    : parseIds(a.get("prompt-ids"), bundle.llmConfig().vocabSize());
            if (ids.length == 0) {
                throw new RayScribeException("the prompt is empty");
            }
            float[][] first = new float[1][];
            GenerationResult r = new Generator(session, bundle.tokenizer(), bundle.llmConfig().maxPositionEmbeddings())
                    .onFirstLogits(l -> first[0] = l)
                    .generate(ModelBundle.Prompt.ofTokens(ids, session), List.of(), settings, e -> {
                        stream.print(e.textPiece());
                        stream.flush();
                    }, () -> false);
            stream.println();
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("prompt_ids", r.promptIds());
                o.put("generated_ids", r.generatedIds());
                o.put("text", r.text());
                o.put("first_step_top5", top(first[0], 5));
                o.put("stop_reason", r.stopReason());
                o.put("decoder", decoder.description());
                o.put("decode_tokens_per_s", Math.round(r.decodeTokensPerSecond() * 10) / 10.0);
                out.println(Json.COMPACT.toJson(o));
            }
        }
        return 0;
    }

    static GenerationSettings settings(Args a) {
        int max = a.getInt("max-new-tokens", 64);
        if (max < 0) {
            throw new RayScribeException("option --max-new-tokens must be 0 or more");
        }
        boolean greedy = a.flag("greedy") || !a.has("temperature");
        if (a.flag("greedy") && a.has("temperature")) {
            throw new RayScribeException("--greedy and --temperature exclude each other");
        }
        float temperature = (float) a.getDouble("temperature", 1.0);
        float topP = (float) a.getDouble("top-p", 1.0);
        if (temperature <= 0 && !greedy) {
            throw new RayScribeException("option --temperature must be above 0");
        }
        if (topP <= 0 || topP > 1) {
            throw new RayScribeException("option --top-p must be in (0, 1]");
        }
        List<String> stops = a.has("stop") ? List.of(a.get("stop")) : List.of();
        return new GenerationSettings(greedy, temperature, a.getInt("top-k", 0), topP, (long) a.getDouble("seed", 0),
                (float) a.getDouble("repetition-penalty", 1.0), max, stops, a.flag("stop-at-eos"), false);
    }

    static int[] parseIds(String text, int vocab) {
        List<Integer> ids = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int id;
            try {
                id = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new RayScribeException("option --prompt-ids: '" + p + "' is not a token id");
            }
            if (id < 0 || id >= vocab) {
                throw new RayScribeException("option --prompt-ids: token id " + id + " is outside the vocabulary (0.." + (vocab - 1) + ")");
            }
            ids.add(id);
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    static List<Object[]> top(float[] logits, int k) {
        List<Object[]> out = new ArrayList<>();
        if (logits == null) {
            return out;
        }
        boolean[] used = new boolean[logits.length];
        for (int n = 0; n < Math.min(k, logits.length); n++) {
            int best = -1;
            for (int i = 0; i < logits.length; i++) {
                if (!used[i] && (best < 0 || logits[i] > logits[best])) {
                    best = i;
                }
            }
            used[best] = true;
            out.add(new Object[] {best, logits[best]});
        }
        return out;
    }
}
