package io.rayscribe.train.phantom;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes a reference report (FINDINGS and IMPRESSION) for a phantom's ground truth from varied
 * sentence templates, stating the usual negatives the way radiologists do ("No pneumothorax.")
 * and shuffling sentence order. Sentences are kept short and formulaic on purpose: the demo model
 * is a 260K-parameter LLM with a 512-token vocabulary.
 */
public final class ReportWriter {
    private ReportWriter() {
    }

    /** The report text: "FINDINGS: ...\nIMPRESSION: ...". */
    public static String write(List<Finding> findings, SplittableRandom rnd) {
        List<String> devices = new ArrayList<>();
        List<String> body = new ArrayList<>();
        List<String> impression = new ArrayList<>();
        Finding heart = find(findings, Finding.CARDIOMEGALY);
        Finding eff = find(findings, Finding.EFFUSION);
        Finding ptx = find(findings, Finding.PNEUMOTHORAX);
        Finding nod = find(findings, Finding.NODULE);
        Finding mass = find(findings, Finding.MASS);
        Finding cons = find(findings, Finding.CONSOLIDATION);

        if (find(findings, Finding.ET_TUBE) != null) {
            devices.add(pick(rnd, "Endotracheal tube in place.", "An endotracheal tube is in place.",
                    "The endotracheal tube tip is above the carina."));
            impression.add("Endotracheal tube in place.");
        }
        Finding line = find(findings, Finding.CENTRAL_LINE);
        if (line != null) {
            devices.add(pick(rnd, "A " + line.side() + " central line is in place.",
                    "The " + line.side() + " central line tip is in the SVC.",
                    capital(line.side()) + " central venous catheter in place."));
            impression.add(capital(line.side()) + " central line in place.");
        }

        if (heart != null) {
            body.add(pick(rnd, "The heart is enlarged.", "Cardiomegaly.", "The heart size is enlarged."));
            impression.add("Cardiomegaly.");
        } else {
            body.add(pick(rnd, "The heart size is normal.", "Heart size is normal.", "Normal heart size."));
        }

        List<String> lung = new ArrayList<>();
        if (cons != null) {
            String where = cons.side() + " " + cons.zone() + " lobe";
            lung.add(pick(rnd, "Consolidation in the " + where + ".", "There is " + where + " consolidation.",
                    capital(where) + " consolidation."));
            impression.add(capital(where) + " consolidation.");
        }
        Finding focal = nod != null ? nod : mass;
        if (focal != null) {
            String kind = focal.label().equals(Finding.MASS) ? "mass" : "nodule";
            String where = focal.side() + " " + focal.zone() + " zone";
            lung.add(pick(rnd, "There is a " + focal.size() + " " + kind + " in the " + where + ".",
                    "A " + kind + " is seen in the " + where + ".",
                    capital(where) + " " + kind + "."));
            impression.add(capital(where) + " " + kind + ".");
        }
        if (lung.isEmpty()) {
            body.add(pick(rnd, "The lungs are clear.", "No focal consolidation.", "Lungs are clear."));
        } else {
            body.addAll(lung);
            if (cons == null) {
                body.add(pick(rnd, "No consolidation.", "No focal consolidation."));
            }
        }

        if (eff != null) {
            String sideWords = eff.side().equals("bilateral") ? "bilateral" : eff.side();
            String plural = eff.side().equals("bilateral") ? "effusions" : "effusion";
            body.add(pick(rnd, capital(eff.size()) + " " + sideWords + " pleural " + plural + ".",
                    "There is a " + eff.size() + " " + sideWords + " pleural " + plural + ".",
                    capital(sideWords) + " pleural " + plural + "."));
            impression.add(capital(sideWords) + " pleural " + plural + ".");
        } else {
            body.add(pick(rnd, "No pleural effusion.", "No effusion.", "There is no pleural effusion."));
        }
        if (ptx != null) {
            body.add(pick(rnd, capital(ptx.size()) + " " + ptx.side() + " pneumothorax.",
                    "There is a " + ptx.side() + " pneumothorax.", capital(ptx.side()) + " pneumothorax."));
            impression.add(capital(ptx.side()) + " pneumothorax.");
        } else {
            body.add(pick(rnd, "No pneumothorax.", "There is no pneumothorax."));
        }

        shuffle(body, rnd);
        List<String> findingsText = new ArrayList<>(devices);
        findingsText.addAll(body);
        String imp;
        if (impression.isEmpty()) {
            imp = pick(rnd, "No acute cardiopulmonary abnormality.", "No acute disease.", "Normal chest.");
        } else {
            List<String> devicesImp = new ArrayList<>();
            List<String> rest = new ArrayList<>();
            for (String s : impression) {
                (s.contains("tube") || s.contains("line") ? devicesImp : rest).add(s);
            }
            shuffle(rest, rnd);
            rest.addAll(devicesImp);
            imp = String.join(" ", rest);
        }
        return "FINDINGS: " + String.join(" ", findingsText) + "\nIMPRESSION: " + imp;
    }

    private static Finding find(List<Finding> findings, String label) {
        for (Finding f : findings) {
            if (f.label().equals(label)) {
                return f;
            }
        }
        return null;
    }

    private static String pick(SplittableRandom rnd, String... options) {
        return options[rnd.nextInt(options.length)];
    }

    private static String capital(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static <T> void shuffle(List<T> list, SplittableRandom rnd) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            T t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }
}
