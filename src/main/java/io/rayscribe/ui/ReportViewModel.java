package io.rayscribe.ui;

import io.rayscribe.core.DisplayText;
import io.rayscribe.core.RayScribeException;
import io.rayscribe.report.AiStatus;
import io.rayscribe.report.Autosaver;
import io.rayscribe.report.PdfExporter;
import io.rayscribe.report.Report;
import io.rayscribe.report.ReportStatus;
import io.rayscribe.report.ReportStore;
import io.rayscribe.report.Section;
import io.rayscribe.report.SrExporter;
import io.rayscribe.report.StudyInfo;
import io.rayscribe.report.TextExporter;
import javafx.application.Platform;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The report of the open study: loads the autosaved one (or starts a new one), applies the
 * radiologist's edits and the model's tokens to the {@link Report}, and exposes its state as
 * properties. Autosave snapshots on the FX thread and writes on a background thread.
 */
public final class ReportViewModel implements AutoCloseable {
    public enum ExportKind { TEXT, PDF, SR }

    private final ReportStore store;
    private final Autosaver autosaver;
    private final ObjectProperty<Report> report = new SimpleObjectProperty<>();
    private final LongProperty revision = new SimpleLongProperty();
    private final BooleanProperty unreviewedAi = new SimpleBooleanProperty();
    private final BooleanProperty canSign = new SimpleBooleanProperty();
    private final BooleanProperty editable = new SimpleBooleanProperty(true);
    private final BooleanProperty generating = new SimpleBooleanProperty();
    private final StringProperty statusText = new SimpleStringProperty("DRAFT");
    private final BooleanProperty signed = new SimpleBooleanProperty();
    private final StringProperty message = new SimpleStringProperty("");
    private final StringProperty radiologist = new SimpleStringProperty(System.getProperty("user.name", ""));
    private final Runnable onChange = this::reportChanged;
    /** Changes not yet snapshotted for autosave; a timer takes at most a few snapshots a second. */
    private boolean dirty;
    private final javafx.animation.Timeline snapshotTimer;

    public ReportViewModel(ReportStore store) {
        this.store = store;
        this.autosaver = new Autosaver(store, 250, e -> Platform.runLater(() -> message.set("Autosave failed: " + e.getMessage())));
        generating.addListener((o, a, b) -> {
            refresh();
            snapshotIfDirty(); // the end of a draft is saved at once
        });
        snapshotTimer = new javafx.animation.Timeline(new javafx.animation.KeyFrame(javafx.util.Duration.millis(500), e -> snapshotIfDirty()));
        snapshotTimer.setCycleCount(javafx.animation.Animation.INDEFINITE);
        snapshotTimer.play();
    }

    private void snapshotIfDirty() {
        if (dirty && report.get() != null) {
            dirty = false;
            autosaver.changed(report.get());
        }
    }

    /** Opens the saved report of the study, or a new one; a damaged file is moved aside and named. */
    public void open(StudyInfo study) {
        Report old = report.get();
        if (old != null) {
            old.removeChangeListener(onChange);
            snapshotIfDirty();
            autosaver.flush();
        }
        Report r;
        try {
            r = store.load(study.studyUid()).orElse(null);
            message.set(r == null ? "" : "Restored the saved report (last saved " + DisplayText.dateTime(r.updatedAt()) + ")");
        } catch (RayScribeException e) {
            Path aside = store.quarantine(study.studyUid());
            message.set("The saved report was damaged and was moved to " + aside + "; starting a new one. (" + e.getMessage() + ")");
            r = null;
        }
        if (r == null) {
            r = new Report(study);
        }
        r.addChangeListener(onChange);
        report.set(r);
        refresh();
    }

    private void reportChanged() {
        dirty = true; // a streamed token must not serialise the whole report: snapshots are coalesced
        refresh();
    }

    private void refresh() {
        Report r = report.get();
        if (r == null) {
            return;
        }
        revision.set(r.revision());
        unreviewedAi.set(r.hasUnreviewedAi());
        canSign.set(r.canSignFinal());
        signed.set(r.status() == ReportStatus.FINAL);
        editable.set(!signed.get() && !generating.get());
        statusText.set(switch (r.status()) {
            case DRAFT -> "DRAFT";
            case PRELIMINARY -> "PRELIMINARY";
            case FINAL -> "FINAL — " + r.signedBy();
        });
    }

    // ---- edits ----

    public void userEdit(Section s, int start, int end, String inserted) {
        report.get().edit(s, start, end, inserted);
    }

    public void acceptAll() {
        run(() -> report.get().acceptAllAi(), "Accepted all AI-drafted text as reviewed");
    }

    public void acceptRange(Section s, int start, int end) {
        run(() -> report.get().acceptAi(s, start, end), "Accepted the selected AI-drafted text as reviewed");
    }

    public void markPreliminary() {
        run(() -> report.get().markPreliminary(radiologist.get()), "Marked preliminary");
    }

    public void signFinal() {
        run(() -> report.get().signFinal(radiologist.get()), "Signed final");
    }

    private void run(Runnable action, String done) {
        try {
            action.run();
            message.set(done);
        } catch (RayScribeException e) {
            message.set(e.getMessage());
        }
        refresh();
    }

    /** Writes the report in the given format (on the caller's thread: call from a background task). */
    public static void export(Report snapshot, ExportKind kind, Path out) {
        switch (kind) {
            case TEXT -> TextExporter.write(snapshot, out);
            case PDF -> PdfExporter.write(snapshot, out);
            case SR -> SrExporter.write(snapshot, out);
        }
    }

    public static String suggestedFileName(Report r, ExportKind kind) {
        String base = "report-" + (r.study().accession().isBlank() ? r.study().studyUid() : r.study().accession());
        return base + switch (kind) {
            case TEXT -> ".txt";
            case PDF -> ".pdf";
            case SR -> "-sr.dcm";
        };
    }

    public String aiStatusLine() {
        Report r = report.get();
        return r == null ? "" : AiStatus.line(r);
    }

    public void flush() {
        snapshotIfDirty();
        autosaver.flush();
    }

    @Override
    public void close() {
        snapshotTimer.stop();
        snapshotIfDirty();
        autosaver.close();
    }

    // ---- properties ----

    public ObjectProperty<Report> reportProperty() {
        return report;
    }

    public Report report() {
        return report.get();
    }

    public LongProperty revisionProperty() {
        return revision;
    }

    public BooleanProperty unreviewedAiProperty() {
        return unreviewedAi;
    }

    public BooleanProperty canSignProperty() {
        return canSign;
    }

    public BooleanProperty editableProperty() {
        return editable;
    }

    public BooleanProperty generatingProperty() {
        return generating;
    }

    /** Whether the report is signed final (and so fixed). */
    public BooleanProperty signedProperty() {
        return signed;
    }

    public StringProperty statusTextProperty() {
        return statusText;
    }

    public StringProperty messageProperty() {
        return message;
    }

    public StringProperty radiologistProperty() {
        return radiologist;
    }

    public String statusStyleClass() {
        Report r = report.get();
        return r == null ? "draft" : r.status().name().toLowerCase(Locale.ROOT);
    }
}
