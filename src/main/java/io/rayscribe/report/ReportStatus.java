package io.rayscribe.report;

/** Lifecycle of a report; it only moves forward, and only by an explicit action of the radiologist. */
public enum ReportStatus {
    DRAFT, PRELIMINARY, FINAL
}
