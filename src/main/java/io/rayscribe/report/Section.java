package io.rayscribe.report;

/** The two sections of a chest radiograph report, in document order. */
public enum Section {
    FINDINGS("Findings"), IMPRESSION("Impression");

    private final String title;

    Section(String title) {
        this.title = title;
    }

    public String title() {
        return title;
    }
}
