package io.rayscribe.train.phantom;

import io.rayscribe.core.Json;
import io.rayscribe.core.RayScribeException;
import io.rayscribe.dicom.DicomWriter;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Generates synthetic chest radiograph studies: a DX DICOM file, a ground-truth JSON and a
 * reference report per study. Study {@code i} of seed {@code s} depends only on (s, i), so the
 * same seed always gives the same bytes and a prefix of a larger set equals a smaller set.
 *
 * <p>Folder layout: {@code OUT/phantom-SSSS-NNNNN/{image.dcm, ground_truth.json, report.txt}} and
 * {@code OUT/manifest.jsonl} (one JSON object per study: id, image, report, ground_truth; paths
 * relative to OUT), which is also the manifest format the trainer reads.
 */
public final class PhantomGenerator {
    public static final int DEFAULT_SIZE = 512;
    /** 0.7 mm at 512 px covers a 358 mm field, an adult chest. */
    private static final double FIELD_MM = 358.4;

    private static final String[] FAMILY = {"Phantom", "Mannequin", "Dummy", "Model", "Replica", "Synth"};
    private static final String[] GIVEN = {"Alex", "Sam", "Robin", "Kim", "Jordan", "Casey", "Taylor", "Morgan"};

    private final int size;

    public PhantomGenerator(int size) {
        if (size < 128 || size > 2048) {
            throw new RayScribeException("phantom size must be 128..2048 pixels, got " + size);
        }
        this.size = size;
    }

    /** One generated study, in memory. */
    public record Study(String id, byte[] dicom, List<Finding> findings, String report, Map<String, Object> groundTruth,
                        int size, byte[] preview) {
        /** The image as a people see it (window applied, white = dense), for previews and tests. */
        public java.awt.image.BufferedImage previewImage() {
            java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(size, size,
                    java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
            img.getRaster().setDataElements(0, 0, size, size, preview);
            return img;
        }
    }

    /** Generates study {@code index} of {@code seed}. */
    public Study generate(long seed, int index) {
        SplittableRandom rnd = new SplittableRandom(mix(seed, index));
        double mmPerPixel = FIELD_MM / size;
        ChestPhantom.Request request = sampleRequest(rnd);
        ChestPhantom phantom = new ChestPhantom(size, rnd.split(), request, mmPerPixel);
        float[] att = phantom.render();
        List<Finding> findings = List.copyOf(phantom.findings());
        String report = ReportWriter.write(findings, rnd.split());

        boolean mono1 = rnd.nextDouble() < 0.25;
        double gain = 2000 + 600 * rnd.nextDouble();
        double base = 120 + 200 * rnd.nextDouble();
        double gamma = 0.85 + 0.3 * rnd.nextDouble();
        double noise = 10 + 20 * rnd.nextDouble();
        SplittableRandom noiseRnd = rnd.split();
        short[] pixels = new short[size * size];
        for (int i = 0; i < pixels.length; i++) {
            double a = Math.max(0, att[i]);
            double value = base + gain * Math.pow(a / 1.6, gamma) * 1.6 + noise * gaussian(noiseRnd);
            int stored = (int) Math.max(0, Math.min(4095, Math.round(value)));
            pixels[i] = (short) (mono1 ? 4095 - stored : stored);
        }
        // Window from attenuation 0.15 (lung) to 1.55 (spine through heart), with some jitter.
        double lo = base + gain * Math.pow(0.15 / 1.6, gamma) * 1.6;
        double hi = base + gain * Math.pow(1.55 / 1.6, gamma) * 1.6;
        double center = (lo + hi) / 2 * (0.95 + 0.1 * rnd.nextDouble());
        double width = (hi - lo) * (0.9 + 0.2 * rnd.nextDouble());
        if (mono1) {
            center = 4095 - center;
        }

        String id = String.format(Locale.ROOT, "phantom-%d-%05d", seed, index);
        String patientId = String.format(Locale.ROOT, "PH%d-%05d", seed, index);
        String name = FAMILY[rnd.nextInt(FAMILY.length)] + "^" + GIVEN[rnd.nextInt(GIVEN.length)];
        int year = 1940 + rnd.nextInt(60);
        String birth = String.format(Locale.ROOT, "%04d%02d%02d", year, 1 + rnd.nextInt(12), 1 + rnd.nextInt(28));
        String sex = rnd.nextBoolean() ? "F" : "M";
        String date = String.format(Locale.ROOT, "2026%02d%02d", 1 + rnd.nextInt(12), 1 + rnd.nextInt(28));
        String time = String.format(Locale.ROOT, "%02d%02d%02d", 7 + rnd.nextInt(12), rnd.nextInt(60), rnd.nextInt(60));
        String view = "PA";
        DicomWriter.DxImage image = new DicomWriter.DxImage(size, size, pixels, 12, mono1,
                mmPerPixel, view, center, width, patientId, name, birth, sex,
                uid(seed, index, "study"), uid(seed, index, "series"), uid(seed, index, "sop"), date, time,
                String.format(Locale.ROOT, "A%d%05d", Math.floorMod(seed, 1000), index),
                "XR CHEST PA (phantom)", "PA chest phantom", "CHEST");
        byte[] dicom = DicomWriter.encode(image);
        byte[] preview = new byte[pixels.length];
        double low = center - width / 2;
        for (int i = 0; i < pixels.length; i++) {
            double t = ((pixels[i] & 0xffff) - low) / width;
            int g = (int) Math.max(0, Math.min(255, Math.round(t * 255)));
            preview[i] = (byte) (mono1 ? 255 - g : g);
        }

        Map<String, Object> gt = new LinkedHashMap<>();
        gt.put("id", id);
        gt.put("seed", seed);
        gt.put("index", index);
        gt.put("image", "image.dcm");
        gt.put("width", size);
        gt.put("height", size);
        gt.put("pixel_spacing_mm", mmPerPixel);
        gt.put("view_position", view);
        gt.put("photometric", mono1 ? "MONOCHROME1" : "MONOCHROME2");
        gt.put("normal", findings.isEmpty());
        List<Map<String, Object>> list = new ArrayList<>();
        for (Finding f : findings) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("label", f.label());
            m.put("key", f.key());
            if (f.side() != null) {
                m.put("side", f.side());
            }
            if (f.zone() != null) {
                m.put("zone", f.zone());
            }
            if (f.size() != null && !f.size().isEmpty()) {
                m.put("size", f.size());
            }
            m.put("bbox", f.bbox());
            list.add(m);
        }
        gt.put("findings", list);
        gt.put("report", report);
        return new Study(id, dicom, findings, report, gt, size, preview);
    }

    /** Writes {@code count} studies of {@code seed} under {@code out} plus {@code manifest.jsonl}. */
    public List<Path> writeAll(Path out, int count, long seed, boolean previews, java.util.function.IntConsumer progress) {
        if (count < 1) {
            throw new RayScribeException("--count must be at least 1, got " + count);
        }
        List<Path> dirs = new ArrayList<>();
        StringBuilder manifest = new StringBuilder();
        try {
            Files.createDirectories(out);
            for (int i = 0; i < count; i++) {
                Study s = generate(seed, i);
                Path dir = out.resolve(s.id());
                Files.createDirectories(dir);
                Files.write(dir.resolve("image.dcm"), s.dicom());
                Files.writeString(dir.resolve("ground_truth.json"), Json.PRETTY.toJson(s.groundTruth()) + "\n",
                        StandardCharsets.UTF_8);
                Files.writeString(dir.resolve("report.txt"), s.report() + "\n", StandardCharsets.UTF_8);
                if (previews) {
                    javax.imageio.ImageIO.write(s.previewImage(), "png", dir.resolve("preview.png").toFile());
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", s.id());
                row.put("image", s.id() + "/image.dcm");
                row.put("report", s.report());
                row.put("ground_truth", s.id() + "/ground_truth.json");
                manifest.append(Json.COMPACT.toJson(row)).append('\n');
                dirs.add(dir);
                if (progress != null) {
                    progress.accept(i + 1);
                }
            }
            Files.writeString(out.resolve("manifest.jsonl"), manifest.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw RayScribeException.forFile(out, "cannot write phantom studies (" + e.getMessage() + ")", e);
        }
        return dirs;
    }

    // ---------------------------------------------------------------- sampling

    private static ChestPhantom.Request sampleRequest(SplittableRandom rnd) {
        boolean cardio = false;
        String eff = null;
        String ptx = null;
        String nodule = null;
        String noduleSide = null;
        String noduleZone = null;
        String consSide = null;
        String consLobe = null;
        boolean ett = false;
        String line = null;
        if (rnd.nextDouble() >= 0.28) {
            double r = rnd.nextDouble();
            int k = r < 0.55 ? 1 : r < 0.9 ? 2 : 3;
            List<Integer> kinds = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5, 6));
            for (int n = 0; n < k; n++) {
                int kind = kinds.remove(rnd.nextInt(kinds.size()));
                switch (kind) {
                    case 0 -> cardio = true;
                    case 1 -> {
                        double s = rnd.nextDouble();
                        eff = s < 0.38 ? "left" : s < 0.76 ? "right" : "bilateral";
                    }
                    case 2 -> ptx = rnd.nextBoolean() ? "left" : "right";
                    case 3 -> {
                        nodule = rnd.nextDouble() < 0.6 ? Finding.NODULE : Finding.MASS;
                        noduleSide = rnd.nextBoolean() ? "left" : "right";
                        noduleZone = new String[] {"upper", "middle", "lower"}[rnd.nextInt(3)];
                    }
                    case 4 -> {
                        consSide = rnd.nextBoolean() ? "left" : "right";
                        consLobe = consSide.equals("right") ? new String[] {"upper", "middle", "lower"}[rnd.nextInt(3)]
                                : new String[] {"upper", "lower"}[rnd.nextInt(2)];
                    }
                    case 5 -> ett = true;
                    default -> line = rnd.nextBoolean() ? "left" : "right";
                }
            }
        }
        // Keep findings on one side from hiding each other: pneumothorax, effusion, focal lesion and
        // consolidation then stay visible and separately reportable.
        if (ptx != null && eff != null && (eff.equals("bilateral") || eff.equals(ptx))) {
            ptx = opposite(eff.equals("bilateral") ? ptx : eff);
            if (eff.equals("bilateral")) {
                ptx = null;
            }
        }
        if (consSide != null && (consSide.equals(eff) || "bilateral".equals(eff) || consSide.equals(ptx))) {
            consSide = null;
            consLobe = null;
        }
        if (noduleSide != null && (noduleSide.equals(ptx) || noduleSide.equals(consSide)
                || ("lower".equals(noduleZone) && (noduleSide.equals(eff) || "bilateral".equals(eff))))) {
            noduleSide = opposite(noduleSide);
            if (noduleSide.equals(ptx) || noduleSide.equals(consSide)) {
                nodule = null;
                noduleSide = null;
                noduleZone = null;
            } else if ("lower".equals(noduleZone) && (noduleSide.equals(eff) || "bilateral".equals(eff))) {
                noduleZone = "middle";
            }
        }
        return new ChestPhantom.Request(cardio, eff, ptx, nodule, noduleSide, noduleZone, consSide, consLobe, ett, line);
    }

    private static String opposite(String side) {
        return side.equals("left") ? "right" : "left";
    }

    private static double gaussian(SplittableRandom rnd) {
        // Box-Muller with our own generator, so the noise is part of the deterministic stream.
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    private static long mix(long seed, int index) {
        long z = seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A deterministic UID under the 2.25 (UUID-derived) root. */
    static String uid(long seed, int index, String kind) {
        UUID u = UUID.nameUUIDFromBytes(("rayscribe-phantom/" + seed + "/" + index + "/" + kind)
                .getBytes(StandardCharsets.UTF_8));
        BigInteger value = new BigInteger(1, toBytes(u));
        return "2.25." + value;
    }

    private static byte[] toBytes(UUID u) {
        byte[] b = new byte[16];
        long hi = u.getMostSignificantBits();
        long lo = u.getLeastSignificantBits();
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        return b;
    }
}
