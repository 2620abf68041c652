package io.rayscribe.model;

import io.rayscribe.model.djl.DjlLlama;
import io.rayscribe.model.fast.JavaLlama;
import io.rayscribe.model.fast.WeightFormat;

import java.util.Locale;

/**
 * Chooses the decoder for a bundle. On the CPU the pure-Java Vector API decoder
 * ({@link JavaLlama}, several times faster per token; checked against the DJL reference by
 * JavaLlamaVsDjlTest and DecodersTest); on a GPU, or when asked with {@code -Drayscribe.decoder=djl},
 * the DJL/PyTorch one. {@code -Drayscribe.decoder=java} forces the Java one.
 * {@code -Drayscribe.weights=q8} keeps the Java decoder's matrices as int8 (an approximation with a
 * quarter of the memory traffic per token; see docs/performance.md), {@code bf16} as bfloat16, and
 * {@code f32} as float32; the default, {@code auto}, keeps the checkpoint's own precision (bf16 or f32).
 */
public final class Decoders {
    public static final String PROPERTY = "rayscribe.decoder";
    public static final String WEIGHTS_PROPERTY = "rayscribe.weights";

    private Decoders() {
    }

    /** An opened decoder choice: makes sessions, and frees its model when closed. */
    public interface Choice extends AutoCloseable {
        DecoderSession open();

        String description();

        @Override
        void close();
    }

    public static Choice choose(ModelBundle bundle) {
        String asked = System.getProperty(PROPERTY, "auto").toLowerCase(Locale.ROOT);
        boolean java = switch (asked) {
            case "djl" -> false;
            case "java" -> true;
            default -> !bundle.device().isGpu();
        };
        return java ? java(bundle) : djl(bundle);
    }

    static Choice java(ModelBundle bundle) {
        String asked = System.getProperty(WEIGHTS_PROPERTY, "auto");
        JavaLlama model = JavaLlama.load(bundle.llmDir(), asked.equalsIgnoreCase("auto") ? null : WeightFormat.parse(asked));
        WeightFormat format = model.format();
        return new Choice() {
            @Override
            public DecoderSession open() {
                return model.newSession();
            }

            @Override
            public String description() {
                return "cpu (pure Java, " + model.threads() + " threads" + switch (format) {
                    case Q8 -> ", int8 weights";
                    case BF16 -> ", bf16 weights";
                    case F32 -> "";
                } + ")";
            }

            @Override
            public void close() {
                model.close();
            }
        };
    }

    static Choice djl(ModelBundle bundle) {
        if (!bundle.device().isGpu()) {
            DjlLlama.setTorchThreads(1);
        }
        return new Choice() {
            @Override
            public DecoderSession open() {
                return bundle.llm().newSession();
            }

            @Override
            public String description() {
                return bundle.device() + " (DJL/PyTorch)";
            }

            @Override
            public void close() {
                // the DJL model belongs to the bundle
            }
        };
    }
}
