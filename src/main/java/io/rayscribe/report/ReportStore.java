package io.rayscribe.report;

import io.rayscribe.core.RayScribeException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * One JSON file per study under a per-user folder ({@code ~/.rayscribe/reports/<StudyInstanceUID>.json}
 * unless the system property {@code rayscribe.reports} says otherwise). Writes are atomic (temp file,
 * fsync, rename), so a report survives the app being killed at any moment.
 */
public final class ReportStore {
    private final Path dir;

    public ReportStore(Path dir) {
        this.dir = dir;
    }

    /** The folder from {@code -Drayscribe.reports=DIR}, else {@code ~/.rayscribe/reports}. */
    public static ReportStore forUser() {
        String configured = System.getProperty("rayscribe.reports");
        Path dir = configured != null ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".rayscribe", "reports");
        return new ReportStore(dir);
    }

    public Path dir() {
        return dir;
    }

    public Path fileFor(String studyUid) {
        if (studyUid == null || studyUid.isBlank()) {
            throw new IllegalArgumentException("a report needs a StudyInstanceUID");
        }
        return dir.resolve(studyUid.replaceAll("[^0-9A-Za-z._-]", "_") + ".json");
    }

    public void save(Report report) {
        saveJson(report.study().studyUid(), report.toJson());
    }

    /** Atomically replaces the study's file with {@code json}. */
    public void saveJson(String studyUid, String json) {
        Path target = fileFor(studyUid);
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".tmp-", ".json");
            try {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                    ch.write(java.nio.ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)));
                    ch.force(true);
                }
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw RayScribeException.forFile(target, "cannot save the report (" + e.getMessage() + ")", e);
        }
    }

    /** The saved report of a study, if any; a damaged file is reported, never silently replaced. */
    public Optional<Report> load(String studyUid) {
        Path file = fileFor(studyUid);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Report.fromJson(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw RayScribeException.forFile(file, "cannot read the saved report (" + e.getMessage() + ")", e);
        } catch (RayScribeException e) {
            throw RayScribeException.forFile(file, e.getMessage(), e);
        }
    }

    /** Moves a damaged file aside (…json.damaged) so a fresh report can be started without losing it. */
    public Path quarantine(String studyUid) {
        Path file = fileFor(studyUid);
        Path aside = file.resolveSibling(file.getFileName() + ".damaged");
        try {
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw RayScribeException.forFile(file, "cannot move the damaged report aside (" + e.getMessage() + ")", e);
        }
        return aside;
    }
}
