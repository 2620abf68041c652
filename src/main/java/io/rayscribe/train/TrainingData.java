package io.rayscribe.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.rayscribe.core.Json;
import io.rayscribe.core.RayScribeException;
import io.rayscribe.dicom.DisplayImage;
import io.rayscribe.dicom.FrameDecoder;
import io.rayscribe.train.phantom.Finding;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Examples for training and evaluation, read from a manifest: a folder holding {@code manifest.jsonl}
 * (what {@code phantom} writes), a {@code .jsonl} file (one object per line: {@code image},
 * {@code report}, optional {@code ground_truth} and {@code id}), or a {@code .tsv} file with a header
 * naming the columns {@code image} and {@code report}. Paths are relative to the manifest's folder.
 * Images are DICOM (any transfer syntax the DICOM layer decodes, rendered with the file's default
 * window) or PNG/JPEG. A row whose image is missing or unreadable is skipped and counted; an empty
 * report or a malformed row is an error naming the manifest line.
 */
public final class TrainingData {
    /** One manifest row before any image is read. */
    public record Row(int line, String id, Path image, String report, Path groundTruth) {
    }

    /** A ground-truth finding with its box in normalised image coordinates {x0, y0, x1, y1}. */
    public record Truth(String label, String side, String zone, double[] box) {
        public String key() {
            return Finding.key(label, side);
        }
    }

    /** A loaded example: the model-ready pixels, the report, and the ground truth when there is one. */
    public record Example(String id, Path image, float[] pixels, String report, List<Truth> truth) {
        public boolean hasTruth() {
            return truth != null;
        }
    }

    /** The loaded set and what was skipped. */
    public record Loaded(List<Example> examples, List<String> skipped) {
    }

    private TrainingData() {
    }

    /** The manifest file for a dataset path (a folder means its manifest.jsonl). */
    public static Path manifestOf(Path path) {
        if (Files.isDirectory(path)) {
            Path m = path.resolve("manifest.jsonl");
            if (!Files.isRegularFile(m)) {
                throw RayScribeException.forFile(path, "no manifest.jsonl in this folder (make one with "
                        + "'rayscribe phantom --out DIR ...' or give a .jsonl/.tsv manifest)");
            }
            return m;
        }
        if (!Files.isRegularFile(path)) {
            throw RayScribeException.forFile(path, "dataset not found");
        }
        return path;
    }

    /** Reads and checks every row (no images yet). {@code limit} > 0 keeps the first rows only. */
    public static List<Row> readManifest(Path path, int limit) {
        Path manifest = manifestOf(path);
        Path base = manifest.toAbsolutePath().getParent();
        List<String> lines;
        try {
            lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw RayScribeException.forFile(manifest, "cannot read: " + e.getMessage(), e);
        }
        boolean tsv = manifest.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".tsv");
        List<Row> rows = new ArrayList<>();
        int imageCol = -1;
        int reportCol = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            int lineNo = i + 1;
            if (tsv && imageCol < 0) {
                List<String> header = List.of(line.split("\t", -1));
                imageCol = header.indexOf("image");
                reportCol = header.indexOf("report");
                if (imageCol < 0 || reportCol < 0) {
                    throw RayScribeException.forFile(manifest, "line 1: the TSV header must name the columns 'image' and 'report'");
                }
                continue;
            }
            Row row = tsv ? tsvRow(manifest, base, line, lineNo, imageCol, reportCol) : jsonRow(manifest, base, line, lineNo);
            if (row.report().isBlank()) {
                throw RayScribeException.forFile(manifest, "line " + lineNo + ": empty report for " + row.image());
            }
            rows.add(row);
            if (limit > 0 && rows.size() >= limit) {
                break;
            }
        }
        if (rows.isEmpty()) {
            throw RayScribeException.forFile(manifest, "no examples in the manifest");
        }
        return rows;
    }

    private static Row tsvRow(Path manifest, Path base, String line, int lineNo, int imageCol, int reportCol) {
        String[] cells = line.split("\t", -1);
        if (cells.length <= Math.max(imageCol, reportCol)) {
            throw RayScribeException.forFile(manifest, "line " + lineNo + ": expected at least "
                    + (Math.max(imageCol, reportCol) + 1) + " tab-separated columns");
        }
        Path image = base.resolve(cells[imageCol].trim());
        return new Row(lineNo, image.getFileName().toString(), image, cells[reportCol].trim(), null);
    }

    private static Row jsonRow(Path manifest, Path base, String line, int lineNo) {
        JsonObject o;
        try {
            o = JsonParser.parseString(line).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw RayScribeException.forFile(manifest, "line " + lineNo + ": not a JSON object");
        }
        JsonElement img = o.get("image");
        JsonElement rep = o.get("report");
        if (img == null || !img.isJsonPrimitive() || rep == null || !rep.isJsonPrimitive()) {
            throw RayScribeException.forFile(manifest, "line " + lineNo + ": needs string keys 'image' and 'report'");
        }
        Path image = base.resolve(img.getAsString());
        Path gt = o.has("ground_truth") ? base.resolve(o.get("ground_truth").getAsString()) : null;
        String id = o.has("id") ? o.get("id").getAsString() : image.getFileName().toString();
        return new Row(lineNo, id, image, rep.getAsString().trim(), gt);
    }

    /**
     * Loads the images of {@code rows} through {@code preprocess} (rendered image → model pixels),
     * with {@code threads} workers. Missing or unreadable images are skipped and listed.
     */
    public static Loaded load(List<Row> rows, Function<DisplayImage, float[]> preprocess, int threads) {
        Example[] out = new Example[rows.size()];
        List<String> skipped = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            for (int i = next.getAndIncrement(); i < rows.size(); i = next.getAndIncrement()) {
                Row r = rows.get(i);
                try {
                    DisplayImage image = readImage(r.image());
                    List<Truth> truth = r.groundTruth() != null ? readTruth(r.groundTruth()) : null;
                    out[i] = new Example(r.id(), r.image(), preprocess.apply(image), r.report(), truth);
                } catch (RayScribeException e) {
                    skipped.add("line " + r.line() + ": " + e.getMessage());
                }
            }
        };
        List<Thread> pool = new ArrayList<>();
        for (int t = 1; t < Math.max(1, threads); t++) {
            Thread th = new Thread(worker, "data-loader-" + t);
            th.start();
            pool.add(th);
        }
        worker.run();
        for (Thread th : pool) {
            try {
                th.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RayScribeException("interrupted while loading images");
            }
        }
        List<Example> examples = new ArrayList<>();
        for (Example e : out) {
            if (e != null) {
                examples.add(e);
            }
        }
        List<String> sortedSkips = new ArrayList<>(skipped);
        Collections.sort(sortedSkips);
        return new Loaded(examples, sortedSkips);
    }

    /** A DICOM file (default window) or a PNG/JPEG image as display pixels. */
    public static DisplayImage readImage(Path file) {
        if (!Files.isRegularFile(file)) {
            throw RayScribeException.forFile(file, "image not found");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg")) {
            try {
                BufferedImage img = ImageIO.read(file.toFile());
                if (img == null) {
                    throw RayScribeException.forFile(file, "not a readable image");
                }
                int w = img.getWidth();
                int h = img.getHeight();
                byte[] grey = new byte[w * h];
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int c = img.getRGB(x, y);
                        double l = 0.299 * ((c >> 16) & 0xff) + 0.587 * ((c >> 8) & 0xff) + 0.114 * (c & 0xff);
                        grey[y * w + x] = (byte) Math.round(l);
                    }
                }
                return new DisplayImage(w, h, grey, null);
            } catch (IOException e) {
                throw RayScribeException.forFile(file, "cannot read image: " + e.getMessage(), e);
            }
        }
        try {
            return FrameDecoder.shared().decode(file, 0).render();
        } catch (RayScribeException e) {
            throw e;
        } catch (RuntimeException e) {
            throw RayScribeException.forFile(file, "cannot decode: " + e.getMessage(), e);
        }
    }

    /** Reads a phantom ground-truth JSON: findings with boxes normalised by the image size. */
    public static List<Truth> readTruth(Path file) {
        JsonObject o = Json.readObject(file, "ground truth");
        try {
            double w = o.get("width").getAsDouble();
            double h = o.get("height").getAsDouble();
            List<Truth> out = new ArrayList<>();
            for (JsonElement e : o.getAsJsonArray("findings")) {
                JsonObject f = e.getAsJsonObject();
                JsonArray b = f.getAsJsonArray("bbox");
                double[] box = {b.get(0).getAsDouble() / w, b.get(1).getAsDouble() / h, b.get(2).getAsDouble() / w,
                    b.get(3).getAsDouble() / h};
                String label = f.get("label").getAsString();
                if (!Finding.LABELS.contains(label)) {
                    throw RayScribeException.forFile(file, "unknown finding label '" + label + "'");
                }
                out.add(new Truth(label, f.has("side") ? f.get("side").getAsString() : null,
                        f.has("zone") ? f.get("zone").getAsString() : null, box));
            }
            return out;
        } catch (RuntimeException e) {
            if (e instanceof RayScribeException r) {
                throw r;
            }
            throw RayScribeException.forFile(file, "malformed ground truth (" + e.getMessage() + ")");
        }
    }

    /** The report as the model learns to write it: single spaces, sections on their own lines. */
    public static String targetText(String report) {
        return report.replace("\r\n", "\n").replaceAll("[ \t]+", " ").replaceAll(" ?\n+ ?", "\n").trim();
    }
}
