package io.rayscribe.ui;

import io.rayscribe.dicom.Instance;
import io.rayscribe.dicom.LoadError;
import io.rayscribe.dicom.LoadResult;
import io.rayscribe.dicom.Patient;
import io.rayscribe.dicom.Series;
import io.rayscribe.dicom.Study;
import io.rayscribe.dicom.StudyLoader;
import io.rayscribe.report.StudyInfo;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The window's top-level state: the loaded study tree and its load errors, which study is current
 * (it owns the report), status messages, and the open/select actions wired to the other view-models.
 */
public final class MainViewModel {
    private final UiTaskExecutor executor;
    private final ViewerViewModel viewer;
    private final ReportViewModel reports;
    private final ObservableList<Patient> patients = FXCollections.observableArrayList();
    private final ObservableList<LoadError> loadErrors = FXCollections.observableArrayList();
    private final ObjectProperty<Study> currentStudy = new SimpleObjectProperty<>();
    private final StringProperty status = new SimpleStringProperty("Ready");
    private final List<Consumer<LoadResult>> loadListeners = new ArrayList<>();
    private Runnable beforeStudyChange = () -> { };
    private long openedAtNanos;
    private long studyShownNanos;

    public MainViewModel(UiTaskExecutor executor, ViewerViewModel viewer, ReportViewModel reports) {
        this.executor = executor;
        this.viewer = viewer;
        this.reports = reports;
    }

    /** Opens files, folders or a DICOMDIR in the background; the first image is shown when done. */
    public void open(List<Path> paths) {
        if (paths.isEmpty()) {
            return;
        }
        openedAtNanos = System.nanoTime();
        status.set("Opening " + (paths.size() == 1 ? paths.get(0) : paths.size() + " items") + " …");
        var preloaded = StudyPreloader.take(paths);
        executor.execute(BackgroundTask.of("open", () -> preloaded != null ? preloaded.get() : StudyLoader.open(paths))
                .onSuccess(this::loaded)
                .onFailure(e -> status.set("Cannot open " + paths.get(0) + ": " + e.getMessage())));
    }

    private void loaded(LoadResult result) {
        loadErrors.setAll(result.errors());
        int images = 0;
        for (Patient p : result.patients()) {
            for (Study s : p.studies()) {
                for (Series se : s.series()) {
                    images += (int) se.instances().stream().filter(Instance::hasPixels).count();
                }
            }
        }
        status.set("Loaded " + result.patients().size() + " patient(s), " + images + " image(s)"
                + (result.errors().isEmpty() ? "" : "; " + result.errors().size() + " file(s) could not be read"));
        // The first image's decode is queued before the browser's thumbnails, so it reaches the screen first.
        selectFirstImage(result.patients());
        patients.setAll(result.patients());
        for (Consumer<LoadResult> l : loadListeners) {
            l.accept(result);
        }
    }

    private void selectFirstImage(List<Patient> patients) {
        for (Patient p : patients) {
            for (Study s : p.studies()) {
                for (Series se : s.series()) {
                    for (Instance i : se.instances()) {
                        if (i.hasPixels()) {
                            select(p, s, se, i);
                            return;
                        }
                    }
                }
            }
        }
        if (!patients.isEmpty() && !patients.get(0).studies().isEmpty()) {
            Patient p = patients.get(0);
            select(p, p.studies().get(0), null, null);
        }
    }

    /** Shows an instance (or just a study) and opens that study's report. */
    public void select(Patient p, Study s, Series se, Instance i) {
        if (s != null && (currentStudy.get() == null || !currentStudy.get().uid().equals(s.uid()))) {
            beforeStudyChange.run(); // e.g. a running draft is stopped and kept with its own study
            currentStudy.set(s);
            reports.open(studyInfo(p, s));
        }
        viewer.show(p, s, se, i);
    }

    static StudyInfo studyInfo(Patient p, Study s) {
        List<StudyInfo.Reference> refs = new ArrayList<>();
        for (Series se : s.series()) {
            for (Instance i : se.instances()) {
                if (i.hasPixels()) {
                    refs.add(new StudyInfo.Reference(se.uid(), i.sopClassUid(), i.sopInstanceUid()));
                }
            }
        }
        return new StudyInfo(p.id(), p.name(), p.birthDate(), p.sex(), s.uid(), s.date(), s.time(), s.description(),
                s.accession(), s.referringPhysician(), refs);
    }

    /** Runs on the FX thread just before another study (and its report) becomes current. */
    public void setBeforeStudyChange(Runnable action) {
        beforeStudyChange = action;
    }

    public void addLoadListener(Consumer<LoadResult> l) {
        loadListeners.add(l);
    }

    /** Marks the moment the first image of an opened study reached the screen (for the benchmark). */
    public void imageShown() {
        if (openedAtNanos != 0 && studyShownNanos == 0) {
            studyShownNanos = System.nanoTime();
        }
    }

    public double openToImageMillis() {
        return studyShownNanos == 0 ? -1 : (studyShownNanos - openedAtNanos) / 1e6;
    }

    public ObservableList<Patient> patients() {
        return patients;
    }

    public ObservableList<LoadError> loadErrors() {
        return loadErrors;
    }

    public ObjectProperty<Study> currentStudyProperty() {
        return currentStudy;
    }

    public StringProperty statusProperty() {
        return status;
    }
}
