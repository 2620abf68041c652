package io.rayscribe.train.phantom;

import java.util.List;

/**
 * One ground-truth finding of a phantom study. {@code label} is one of {@link #LABELS};
 * {@code side} is "left", "right", "bilateral" (patient sides: the patient's right is on the image's
 * left in a PA view) or null when the label has no side; {@code zone} is "upper", "middle", "lower" or
 * null; {@code size} is a wording hint ("small", "moderate", "large", or "1.4 cm"); {@code bbox} is the
 * pixel region {x0, y0, x1, y1} (inclusive-exclusive) where the finding was drawn.
 */
public record Finding(String label, String side, String zone, String size, int[] bbox) {
    public static final String CARDIOMEGALY = "cardiomegaly";
    public static final String EFFUSION = "pleural_effusion";
    public static final String PNEUMOTHORAX = "pneumothorax";
    public static final String NODULE = "nodule";
    public static final String MASS = "mass";
    public static final String CONSOLIDATION = "consolidation";
    public static final String ET_TUBE = "endotracheal_tube";
    public static final String CENTRAL_LINE = "central_line";

    /** Every label the phantoms draw and the finding extractor recognises, in a fixed order. */
    public static final List<String> LABELS = List.of(CARDIOMEGALY, EFFUSION, PNEUMOTHORAX, NODULE, MASS,
            CONSOLIDATION, ET_TUBE, CENTRAL_LINE);

    /** Labels whose key includes the side (devices and cardiomegaly do not). */
    public static boolean lateralised(String label) {
        return label.equals(EFFUSION) || label.equals(PNEUMOTHORAX) || label.equals(NODULE) || label.equals(MASS)
                || label.equals(CONSOLIDATION);
    }

    /** The key findings are matched on when scoring: "label" or "label:side". */
    public String key() {
        return key(label, side);
    }

    public static String key(String label, String side) {
        return lateralised(label) && side != null ? label + ":" + side : label;
    }
}
