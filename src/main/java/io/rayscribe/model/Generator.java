package io.rayscribe.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * The decode loop over any {@link DecoderSession}: prefill the prompt embeddings, then pick one token
 * at a time (greedy, or sampling with temperature / top-k / top-p from a seeded generator), feed it
 * back, and hand each token to the listener as soon as it is chosen. Stops at EOS (only when asked),
 * at a stop string (kept in the text), at max tokens, at the end of the context, or when cancelled.
 *
 * <p>Attention: the token chosen from a row's logits is credited with that row's attention (for the
 * first token, the last prompt row's), i.e. "what the model looked at while choosing this word".
 */
public final class Generator {
    private final DecoderSession session;
    private final TextTokenizer tokenizer;
    private final int contextLength;
    private java.util.function.Consumer<float[]> firstLogits;

    public Generator(DecoderSession session, TextTokenizer tokenizer, int contextLength) {
        this.session = session;
        this.tokenizer = tokenizer;
        this.contextLength = contextLength;
    }

    /** Receives the logits the first token is chosen from (before any penalty), e.g. for reports. */
    public Generator onFirstLogits(java.util.function.Consumer<float[]> consumer) {
        this.firstLogits = consumer;
        return this;
    }

    /** Runs one generation on the calling thread. {@code cancelled} is checked before every token. */
    public GenerationResult generate(ModelBundle.Prompt prompt, List<PromptRegion> regions, GenerationSettings s,
                                     GenerationListener listener, BooleanSupplier cancelled) {
        long start = System.nanoTime();
        if (prompt.embeddings().length > contextLength) {
            throw new io.rayscribe.core.RayScribeException("the prompt has " + prompt.embeddings().length
                    + " positions but the model's context is " + contextLength + " (max_position_embeddings)");
        }
        session.reset();
        int maxNew = Math.max(0, Math.min(s.maxNewTokens(), contextLength - prompt.embeddings().length));
        AttentionCapture capture = s.captureAttention() && prompt.numVisual() > 0
                ? new AttentionCapture(prompt.visualStart(), prompt.numVisual()) : null;
        Random random = new Random(s.seed());
        IncrementalDecoder detok = tokenizer.newIncrementalDecoder();
        StringBuilder text = new StringBuilder();
        List<TokenAttention> attention = new ArrayList<>();
        int[] generated = new int[Math.max(1, maxNew)];
        int count = 0;
        String stopReason = "max_tokens";
        float[] logits = prompt.embeddings().length == 0 ? null : session.forward(prompt.embeddings(), capture);
        long prefillEnd = System.nanoTime();
        if (firstLogits != null && logits != null) {
            firstLogits.accept(logits.clone());
        }
        long firstToken = -1;
        int[] history = historyOf(prompt.ids());
        while (count < maxNew && logits != null) {
            if (cancelled.getAsBoolean()) {
                stopReason = "cancelled";
                break;
            }
            int token = choose(logits, s, random, history, generated, count);
            generated[count++] = token;
            TokenAttention att = capture != null ? capture.take() : null;
            attention.add(att);
            boolean eos = token == tokenizer.eosId();
            String piece = eos ? "" : detok.push(token);
            text.append(piece);
            listener.onToken(new TokenEvent(count - 1, token, piece, att));
            if (firstToken < 0) {
                firstToken = System.nanoTime();
            }
            if (eos && s.stopAtEos()) {
                stopReason = "eos";
                break;
            }
            if (endsWithStop(text, s.stopStrings())) {
                stopReason = "stop_string";
                break;
            }
            if (count >= maxNew) {
                break;
            }
            logits = session.forward(session.embed(new int[] {token}), capture);
        }
        if (!stopReason.equals("cancelled") && !stopReason.equals("stop_string")) {
            String rest = detok.flush();
            if (!rest.isEmpty()) {
                text.append(rest);
            }
        }
        long end = System.nanoTime();
        int[] ids = Arrays.copyOf(generated, count);
        double ttft = firstToken < 0 ? 0 : (firstToken - start) / 1e9;
        double decode = firstToken < 0 ? 0 : (end - firstToken) / 1e9;
        return new GenerationResult(prompt.ids(), ids, text.toString(), stopReason, attention, regions,
                (prefillEnd - start) / 1e9, decode, ttft);
    }

    private static int[] historyOf(int[] promptIds) {
        return Arrays.stream(promptIds).filter(i -> i >= 0).toArray();
    }

    private static boolean endsWithStop(StringBuilder text, List<String> stops) {
        for (String stop : stops) {
            if (!stop.isEmpty() && text.indexOf(stop) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** Picks the next token; package-visible for tests. */
    static int choose(float[] rawLogits, GenerationSettings s, Random random, int[] history, int[] generated, int count) {
        float[] logits = rawLogits;
        if (s.repetitionPenalty() != 1f) {
            logits = rawLogits.clone();
            boolean[] seen = new boolean[logits.length];
            for (int id : history) {
                if (id < seen.length) {
                    seen[id] = true;
                }
            }
            for (int i = 0; i < count; i++) {
                seen[generated[i]] = true;
            }
            for (int i = 0; i < logits.length; i++) {
                if (seen[i]) {
                    // As in Hugging Face: divide positive logits, multiply negative ones.
                    logits[i] = logits[i] > 0 ? logits[i] / s.repetitionPenalty() : logits[i] * s.repetitionPenalty();
                }
            }
        }
        if (s.greedy() || s.temperature() <= 0) {
            return argmax(logits);
        }
        return sample(logits, s, random);
    }

    /** Index of the largest value (the first on ties): the greedy choice. */
    public static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    private static int sample(float[] logits, GenerationSettings s, Random random) {
        int n = logits.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
        int keep = s.topK() > 0 ? Math.min(s.topK(), n) : n;
        double max = logits[order[0]] / s.temperature();
        double[] p = new double[keep];
        double sum = 0;
        for (int i = 0; i < keep; i++) {
            p[i] = Math.exp(logits[order[i]] / s.temperature() - max);
            sum += p[i];
        }
        if (s.topP() < 1f) {
            double cumulative = 0;
            int cut = keep;
            for (int i = 0; i < keep; i++) {
                cumulative += p[i] / sum;
                if (cumulative >= s.topP()) {
                    cut = i + 1;
                    break;
                }
            }
            keep = cut;
            sum = 0;
            for (int i = 0; i < keep; i++) {
                sum += p[i];
            }
        }
        double r = random.nextDouble() * sum;
        for (int i = 0; i < keep; i++) {
            r -= p[i];
            if (r <= 0) {
                return order[i];
            }
        }
        return order[keep - 1];
    }

    /** Receives each forward's last-row attention and turns it into a {@link TokenAttention}. */
    static final class AttentionCapture implements DecoderSession.AttentionSink {
        private final int visualStart;
        private final int numVisual;
        private TokenAttention last;

        AttentionCapture(int visualStart, int numVisual) {
            this.visualStart = visualStart;
            this.numVisual = numVisual;
        }

        @Override
        public void accept(float[] probs, int layers, int heads, int positions) {
            last = AttentionMaps.fromRow(probs, layers, heads, positions, visualStart, numVisual);
        }

        TokenAttention take() {
            TokenAttention t = last;
            last = null;
            return t;
        }
    }
}
