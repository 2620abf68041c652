package io.rayscribe.train.phantom;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A synthetic PA chest radiograph: samples anatomy (body, lungs, mediastinum, heart, diaphragm,
 * spine, ribs, clavicles, lung vessels) with positioning, contrast and noise variation, adds the
 * requested findings, and renders an attenuation map in 0..~1.6 (higher = denser = whiter on
 * MONOCHROME2). Anatomy is described in normalised "patient" coordinates (u to the image right,
 * v down, 0..1) and mapped to pixels through a random rotation, scale and shift, so every
 * finding's pixel box is measured from where it was actually drawn.
 *
 * <p>The patient's right is on the image left: "right" structures have u &lt; 0.5.
 */
final class ChestPhantom {
    /** What a study should contain; built by {@link PhantomGenerator}. */
    record Request(boolean cardiomegaly, String effusionSide, String pneumothoraxSide, String nodule,
                   String noduleSide, String noduleZone, String consolidationSide, String consolidationLobe,
                   boolean etTube, String centralLineSide) {
    }

    private final int size;
    private final SplittableRandom rnd;

    // Positioning: pixel -> patient coordinates.
    private final double cosT;
    private final double sinT;
    private final double scale;
    private final double shiftX;
    private final double shiftY;

    // Anatomy parameters.
    private final double lungCx;        // distance of each lung centre from the midline
    private final double lungRx;
    private final double lungCy;
    private final double apexV;
    private final double domeRight;
    private final double domeLeft;
    private final double domeCurve;
    private final double heartCx;
    private final double heartCy;
    private final double heartRx;
    private final double heartRy;
    private final double bodyHalfWidth;
    private final double ribStart;
    private final double ribGap;
    private final double[][] vessels;   // {x0,y0,x1,y1,width}
    private final double[] shading;     // low-frequency exposure variation coefficients

    // Findings (null/NaN when absent).
    private final Request request;
    private final double[] nodule;      // {u, v, radius, lobulation phase}
    private final double effusionHeight;
    private final double effusionHeight2;
    private final double ptxFactor;
    private final double[][] linePath;  // central line polyline in patient coordinates
    private final double etTip;

    private final List<Finding> findings = new ArrayList<>();
    private final int[][] boxes = new int[8][];
    private final String[] sizes = new String[8];

    private static final int BOX_HEART = 0;
    private static final int BOX_EFF_R = 1;
    private static final int BOX_EFF_L = 2;
    private static final int BOX_PTX = 3;
    private static final int BOX_NODULE = 4;
    private static final int BOX_CONS = 5;
    private static final int BOX_ETT = 6;
    private static final int BOX_LINE = 7;

    ChestPhantom(int size, SplittableRandom rnd, Request request, double mmPerPixel) {
        this.size = size;
        this.rnd = rnd;
        this.request = request;
        double theta = Math.toRadians(uniform(-4, 4));
        cosT = Math.cos(theta);
        sinT = Math.sin(theta);
        scale = uniform(0.93, 1.04);
        shiftX = uniform(-0.03, 0.03);
        shiftY = uniform(-0.025, 0.025);

        lungCx = uniform(0.19, 0.22);
        lungRx = uniform(0.155, 0.175);
        lungCy = uniform(0.44, 0.47);
        apexV = uniform(0.11, 0.15);
        domeRight = uniform(0.66, 0.70);
        domeLeft = domeRight + uniform(0.015, 0.04);
        domeCurve = uniform(0.08, 0.11);
        double ctr = request.cardiomegaly() ? uniform(0.58, 0.66) : uniform(0.38, 0.46);
        double thoraxWidth = 2 * (lungCx + lungRx);
        heartRx = ctr * thoraxWidth / 2;
        heartRy = uniform(0.105, 0.125) * (request.cardiomegaly() ? 1.15 : 1.0);
        heartCx = 0.5 + uniform(0.02, 0.04);
        heartCy = domeRight - heartRy * 0.35;
        bodyHalfWidth = uniform(0.43, 0.47);
        ribStart = uniform(0.13, 0.16);
        ribGap = uniform(0.062, 0.07);
        vessels = sampleVessels();
        shading = new double[] {uniform(-0.08, 0.08), uniform(-0.08, 0.08), uniform(0, Math.PI * 2)};

        if (request.nodule() != null) {
            boolean mass = request.nodule().equals(Finding.MASS);
            double mm = mass ? uniform(25, 35) : uniform(11, 15);   // radius
            double r = mm / (mmPerPixel * size) / scale;
            double[] c = pointInLung(request.noduleSide(), request.noduleZone(), r);
            nodule = new double[] {c[0], c[1], r, uniform(0, Math.PI * 2)};
            sizes[BOX_NODULE] = String.format(java.util.Locale.ROOT, "%.1f cm", 2 * mm / 10.0);
        } else {
            nodule = null;
        }
        effusionHeight = uniform(0.06, 0.18);
        effusionHeight2 = uniform(0.06, 0.18);
        ptxFactor = uniform(0.6, 0.75);
        etTip = uniform(0.2, 0.26);
        linePath = request.centralLineSide() == null ? null : centralLine(request.centralLineSide());
    }

    private double uniform(double a, double b) {
        return a + (b - a) * rnd.nextDouble();
    }

    // ---------------------------------------------------------------- geometry

    /** Returns the patient-coordinate side sign: -1 for the patient's right (image left), +1 for left. */
    private static int sign(String side) {
        return "right".equals(side) ? -1 : 1;
    }

    private double dome(double u) {
        boolean right = u < 0.5;
        double cx = 0.5 + (right ? -lungCx : lungCx);
        double d = (u - cx) / lungRx;
        return (right ? domeRight : domeLeft) + domeCurve * d * d;
    }

    /** Superellipse value of the lung on side sgn: &lt; 1 inside (before cutting by diaphragm/heart). */
    private double lungShape(double u, double v, int sgn) {
        double cx = 0.5 + sgn * lungCx;
        double dx = Math.abs(u - cx) / lungRx;
        if (v < lungCy) {
            double dy = (lungCy - v) / (lungCy - apexV);
            return dx * dx + dy * dy;
        }
        double d2 = dx * dx;
        return d2 * d2;
    }

    private boolean inHeart(double u, double v) {
        double dx = (u - heartCx) / heartRx;
        double dy = (v - heartCy) / heartRy;
        return dx * dx + dy * dy < 1 && v < dome(u) + 0.015;
    }

    private boolean inMediastinum(double u, double v) {
        double half = v < 0.3 ? 0.055 : 0.055 + (v - 0.3) * 0.12;
        return Math.abs(u - 0.5) < half;
    }

    /** Lung membership on side sgn: inside shape, above diaphragm, outside heart and mediastinum. */
    private boolean inLung(double u, double v, int sgn) {
        if ((u - 0.5) * sgn <= 0) {
            return false;
        }
        return lungShape(u, v, sgn) < 1 && v < dome(u) && !inHeart(u, v) && !inMediastinum(u, v);
    }

    private double[] pointInLung(String side, String zone, double margin) {
        int sgn = sign(side);
        double v0;
        double v1;
        switch (zone) {
            case "upper" -> { v0 = apexV + 0.07; v1 = 0.33; }
            case "middle" -> { v0 = 0.36; v1 = 0.5; }
            default -> { v0 = 0.53; v1 = Math.min(domeRight, domeLeft) - 0.04; }
        }
        for (int attempt = 0; attempt < 200; attempt++) {
            double u = 0.5 + sgn * uniform(lungCx - lungRx * 0.55, lungCx + lungRx * 0.55);
            double v = uniform(v0, v1);
            if (inLung(u, v, sgn) && inLung(u + margin * 0.6, v, sgn) && inLung(u - margin * 0.6, v, sgn)
                    && inLung(u, v - margin * 0.6, sgn) && inLung(u, v + margin * 0.6, sgn)) {
                return new double[] {u, v};
            }
        }
        return new double[] {0.5 + sgn * lungCx, (v0 + v1) / 2};
    }

    private double[][] sampleVessels() {
        List<double[]> list = new ArrayList<>();
        for (int sgn = -1; sgn <= 1; sgn += 2) {
            double hx = 0.5 + sgn * uniform(0.08, 0.1);
            double hy = uniform(0.42, 0.47);
            int n = 14;
            for (int i = 0; i < n; i++) {
                double angle = Math.toRadians(uniform(-70, 80));   // 0 = lateral
                double len = uniform(0.1, 0.22);
                double x1 = hx + sgn * Math.cos(angle) * len;
                double y1 = hy - Math.sin(angle) * len * 1.1;
                list.add(new double[] {hx, hy, x1, y1, uniform(0.004, 0.007)});
                // one branch from the middle of each vessel
                double mx = (hx + x1) / 2;
                double my = (hy + y1) / 2;
                double a2 = angle + Math.toRadians(uniform(-35, 35));
                double l2 = len * uniform(0.3, 0.5);
                list.add(new double[] {mx, my, mx + sgn * Math.cos(a2) * l2, my - Math.sin(a2) * l2 * 1.1,
                        uniform(0.0025, 0.004)});
            }
        }
        return list.toArray(new double[0][]);
    }

    /** A subclavian line: from under the clavicle, across the lung apex, down the SVC. */
    private double[][] centralLine(String side) {
        int sgn = sign(side);
        double x0 = 0.5 + sgn * uniform(0.26, 0.32);
        double y0 = uniform(0.13, 0.17);
        double tipV = uniform(0.3, 0.36);
        return new double[][] {
            {x0, y0}, {0.5 + sgn * 0.14, y0 + 0.04}, {0.5 + sgn * 0.05, y0 + 0.08},
            {0.5 - 0.04, y0 + 0.11}, {0.5 - 0.045, tipV}};
    }

    // ---------------------------------------------------------------- rendering

    /** Renders the attenuation map (row-major, size x size) and fills the finding list. */
    float[] render() {
        float[] out = new float[size * size];
        double phase = shading[2];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double px = (x + 0.5) / size - 0.5 - shiftX;
                double py = (y + 0.5) / size - 0.5 - shiftY;
                double u = 0.5 + (cosT * px + sinT * py) / scale;
                double v = 0.5 + (-sinT * px + cosT * py) / scale;
                double a = attenuation(u, v, x, y);
                // low-frequency exposure variation (heel effect, scatter)
                a *= 1 + shading[0] * ((double) x / size - 0.5) + shading[1] * Math.sin(Math.PI * y / size + phase) * 0.5;
                out[y * size + x] = (float) a;
            }
        }
        collectFindings();
        return out;
    }

    private double attenuation(double u, double v, int x, int y) {
        double bodyHalf = v < 0.06 ? 0.11 : v < 0.2 ? 0.11 + (bodyHalfWidth - 0.11) * smooth((v - 0.06) / 0.14) : bodyHalfWidth;
        double du = Math.abs(u - 0.5) / bodyHalf;
        if (du >= 1 || v < -0.05 || v > 1.05) {
            return 0.02;
        }
        double a = 0.55 + 0.45 * Math.sqrt(1 - du * du);   // soft-tissue thickness profile
        boolean rightLung = inLung(u, v, -1);
        boolean leftLung = !rightLung && inLung(u, v, 1);
        boolean lung = rightLung || leftLung;
        int sgn = rightLung ? -1 : 1;

        if (v > dome(u)) {
            a += 0.12;   // abdomen below the diaphragm
        }
        boolean heart = inHeart(u, v);
        if (inMediastinum(u, v) && v < dome(u) && !heart) {
            a += 0.22;
        }
        if (Math.abs(u - 0.5) < 0.035) {
            a += 0.18 * (1 - 0.3 * Math.abs(Math.sin(v * 55)));   // spine with vertebral rhythm
        }
        if (Math.abs(u - 0.5) < 0.024 && v < 0.31) {
            a -= 0.3 * smooth((0.31 - v) / 0.03);   // tracheal air column down to the carina
        }
        if (heart) {
            a += 0.24;
            if (request.cardiomegaly()) {
                mark(BOX_HEART, x, y);
            }
        }
        boolean ptxSpace = false;
        if (lung) {
            double edge = 1 - lungShape(u, v, sgn);
            double depth = smooth(Math.min(1, edge * 6)) * smooth(Math.min(1, (dome(u) - v) * 25));
            a -= 0.62 * depth;
            ptxSpace = request.pneumothoraxSide() != null && sign(request.pneumothoraxSide()) == sgn
                    && !collapsedLung(u, v, sgn);
            if (ptxSpace) {
                a -= 0.2;
                mark(BOX_PTX, x, y);
            } else {
                a += vesselDensity(u, v);
                if (request.pneumothoraxSide() != null && sign(request.pneumothoraxSide()) == sgn
                        && !collapsedLung(u + 0.006, v, sgn) | !collapsedLung(u - 0.006, v, sgn)
                        | !collapsedLung(u, v - 0.006, sgn)) {
                    a += 0.16;   // visceral pleural line
                }
            }
            a += consolidation(u, v, sgn, x, y, ptxSpace);
        }
        a += ribs(u, v);
        a += clavicles(u, v);
        a += effusion(u, v, x, y);
        a += noduleDensity(u, v, x, y);
        a += devices(u, v, x, y);
        return a;
    }

    private static double smooth(double t) {
        t = Math.max(0, Math.min(1, t));
        return t * t * (3 - 2 * t);
    }

    private void mark(int box, int x, int y) {
        int[] b = boxes[box];
        if (b == null) {
            boxes[box] = new int[] {x, y, x + 1, y + 1};
            return;
        }
        b[0] = Math.min(b[0], x);
        b[1] = Math.min(b[1], y);
        b[2] = Math.max(b[2], x + 1);
        b[3] = Math.max(b[3], y + 1);
    }

    /** The pneumothorax lung collapses towards its medial base: a gap opens apically and laterally. */
    private boolean collapsedLung(double u, double v, int sgn) {
        double hx = 0.5 + sgn * (lungCx - lungRx * 0.6);
        double hy = dome(hx) - 0.02;
        double su = hx + (u - hx) / ptxFactor;
        double sv = hy + (v - hy) / ptxFactor;
        return inLung(su, sv, sgn) || (sv > dome(su) && Math.abs(su - (0.5 + sgn * lungCx)) < lungRx);
    }

    private double vesselDensity(double u, double v) {
        double sum = 0;
        for (double[] s : vessels) {
            double d = segmentDistance(u, v, s[0], s[1], s[2], s[3]);
            if (d < s[4]) {
                sum += 0.07 * (1 - d / s[4]);
            }
        }
        return Math.min(sum, 0.12);
    }

    private static double segmentDistance(double px, double py, double x0, double y0, double x1, double y1) {
        double dx = x1 - x0;
        double dy = y1 - y0;
        double len2 = dx * dx + dy * dy;
        double t = len2 == 0 ? 0 : Math.max(0, Math.min(1, ((px - x0) * dx + (py - y0) * dy) / len2));
        double ex = px - (x0 + t * dx);
        double ey = py - (y0 + t * dy);
        return Math.sqrt(ex * ex + ey * ey);
    }

    private double ribs(double u, double v) {
        double d = Math.abs(u - 0.5);
        if (d < 0.04 || d > lungCx + lungRx + 0.03 || v < 0.08 || v > dome(u) + 0.04) {
            return 0;
        }
        // posterior ribs: arcs rising laterally from the spine then curving down
        double curve = -0.3 * (d - 0.04) + 1.6 * (d - 0.04) * (d - 0.04);
        double w = v - curve - ribStart;
        double idx = Math.rint(w / ribGap);
        if (idx < 0 || idx > 9) {
            return 0;
        }
        double off = Math.abs(w - idx * ribGap);
        double half = 0.011;
        if (off > half) {
            return 0;
        }
        double t = off / half;
        return 0.12 * (0.6 + 0.4 * t * t);   // cortical edges a little brighter than the middle
    }

    private double clavicles(double u, double v) {
        double sum = 0;
        for (int sgn = -1; sgn <= 1; sgn += 2) {
            double d = segmentDistance(u, v, 0.5 + sgn * 0.04, 0.19, 0.5 + sgn * 0.3, 0.12);
            if (d < 0.014) {
                sum += 0.3 * (1 - 0.4 * d / 0.014);
            }
        }
        return sum;
    }

    private double effusion(double u, double v, int x, int y) {
        String side = request.effusionSide();
        if (side == null) {
            return 0;
        }
        boolean right = u < 0.5;
        if (!side.equals("bilateral") && right != side.equals("right")) {
            return 0;
        }
        int sgn = right ? -1 : 1;
        double cx = 0.5 + sgn * lungCx;
        if (Math.abs(u - cx) > lungRx * 1.02 || lungShape(u, Math.min(v, lungCy), sgn) >= 1 || inMediastinum(u, v)
                || inHeart(u, v)) {
            return 0;
        }
        double h = right ? effusionHeight : effusionHeight2;
        double lateral = Math.abs(u - cx) / lungRx * Math.signum((u - cx) * sgn);   // +1 lateral, -1 medial
        double domeTop = dome(cx);
        double top = domeTop - h - 0.05 * (lateral + 1) / 2 * (1 + h * 3);   // meniscus climbs laterally
        if (v < top || v > dome(u)) {
            return 0;
        }
        mark(right ? BOX_EFF_R : BOX_EFF_L, x, y);
        return 0.62 * smooth((v - top) / 0.03);
    }

    private double noduleDensity(double u, double v, int x, int y) {
        if (nodule == null) {
            return 0;
        }
        double dx = u - nodule[0];
        double dy = v - nodule[1];
        double angle = Math.atan2(dy, dx);
        double r = nodule[2] * (request.nodule().equals(Finding.MASS) ? 1 + 0.12 * Math.sin(3 * angle + nodule[3]) : 1);
        double d = Math.sqrt(dx * dx + dy * dy) / r;
        if (d >= 1) {
            return 0;
        }
        mark(BOX_NODULE, x, y);
        return 0.5 * Math.sqrt(1 - d * d) + 0.08;
    }

    private double consolidation(double u, double v, int sgn, int x, int y, boolean ptxSpace) {
        String side = request.consolidationSide();
        if (side == null || sign(side) != sgn || ptxSpace) {
            return 0;
        }
        String lobe = request.consolidationLobe();
        double cx = 0.5 + sgn * lungCx;
        double lateral = (u - cx) * sgn / lungRx;   // -1 medial .. +1 lateral
        boolean inLobe = switch (lobe) {
            case "upper" -> v < 0.34 + 0.04 * lateral;
            case "middle" -> v > 0.47 && v < dome(u) - 0.01 && lateral < 0.35;
            default -> v > 0.5 + 0.05 * (1 - lateral) && (sgn > 0 || lateral >= 0.35 || v > 0.6);
        };
        if (!inLobe) {
            return 0;
        }
        mark(BOX_CONS, x, y);
        double texture = 0.75 + 0.25 * Math.sin(u * 91 + 3 * Math.sin(v * 37)) * Math.sin(v * 83 + u * 29);
        return 0.42 * texture;
    }

    private double devices(double u, double v, int x, int y) {
        double sum = 0;
        if (request.etTube() && v < etTip && v > -0.05) {
            double d = Math.abs(u - 0.5);
            if (d < 0.014) {
                // radio-opaque walls with a lucent lumen, over the dark tracheal air column
                sum += d > 0.006 ? 0.6 : 0.3;
                mark(BOX_ETT, x, y);
            }
        }
        if (linePath != null) {
            for (int i = 0; i + 1 < linePath.length; i++) {
                double d = segmentDistance(u, v, linePath[i][0], linePath[i][1], linePath[i + 1][0], linePath[i + 1][1]);
                if (d < 0.007) {
                    sum += 0.6;
                    mark(BOX_LINE, x, y);
                    break;
                }
            }
        }
        return sum;
    }

    // ---------------------------------------------------------------- findings

    private void collectFindings() {
        findings.clear();
        if (request.cardiomegaly()) {
            add(Finding.CARDIOMEGALY, null, null, "", BOX_HEART);
        }
        String eff = request.effusionSide();
        if (eff != null) {
            String size = effusionSize(eff.equals("left") ? effusionHeight2 : effusionHeight);
            if (eff.equals("bilateral")) {
                boxes[BOX_EFF_R] = union(boxes[BOX_EFF_R], boxes[BOX_EFF_L]);
                add(Finding.EFFUSION, "bilateral", "lower", size, BOX_EFF_R);
            } else {
                add(Finding.EFFUSION, eff, "lower", size, eff.equals("right") ? BOX_EFF_R : BOX_EFF_L);
            }
        }
        if (request.pneumothoraxSide() != null) {
            add(Finding.PNEUMOTHORAX, request.pneumothoraxSide(), "upper", ptxFactor < 0.67 ? "moderate" : "small", BOX_PTX);
        }
        if (request.nodule() != null) {
            add(request.nodule(), request.noduleSide(), request.noduleZone(), sizes[BOX_NODULE], BOX_NODULE);
        }
        if (request.consolidationSide() != null) {
            add(Finding.CONSOLIDATION, request.consolidationSide(), request.consolidationLobe(), "", BOX_CONS);
        }
        if (request.etTube()) {
            add(Finding.ET_TUBE, null, null, "", BOX_ETT);
        }
        if (request.centralLineSide() != null) {
            add(Finding.CENTRAL_LINE, request.centralLineSide(), null, "", BOX_LINE);
        }
    }

    private static String effusionSize(double height) {
        return height < 0.11 ? "small" : "moderate";
    }

    private static int[] union(int[] a, int[] b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return new int[] {Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])};
    }

    private void add(String label, String side, String zone, String sizeWord, int box) {
        int[] b = boxes[box];
        if (b == null) {
            // Drawn nowhere (e.g. fully hidden): the finding is not in the image, so not in the truth.
            return;
        }
        findings.add(new Finding(label, side, zone, sizeWord, b.clone()));
    }

    List<Finding> findings() {
        return findings;
    }
}
