package io.rayscribe.report;

import io.rayscribe.core.DisplayText;

/** How much of a report the model wrote and whether a radiologist reviewed it; recorded in every export. */
public enum AiStatus {
    NONE("No AI assistance"),
    UNREVIEWED("Contains AI-drafted text NOT yet reviewed by a radiologist"),
    REVIEWED("AI-drafted text reviewed and accepted or edited by a radiologist");

    private final String description;

    AiStatus(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    public static AiStatus of(Report r) {
        if (r.hasUnreviewedAi()) {
            return UNREVIEWED;
        }
        return r.hasAiContent() ? REVIEWED : NONE;
    }

    /** One line for exports: the status, and which model drafted on which device. */
    public static String line(Report r) {
        AiStatus s = of(r);
        if (s == NONE) {
            return s.description();
        }
        return s.description() + " (model " + r.modelName() + (r.modelDevice().isEmpty() ? "" : " on " + r.modelDevice())
                + (r.generatedAt().isEmpty() ? "" : ", drafted " + DisplayText.dateTime(r.generatedAt())) + ")";
    }
}
