#!/usr/bin/env python3
"""Write a training manifest whose reports are canonical: one fixed sentence per finding slot, in a
fixed slot order (devices, heart, lungs, effusion, pneumothorax), built from each phantom's ground
truth with the same phrases as ReportWriter's first templates.

Why: the phantom generator varies wording and shuffles sentence order. For a 260K-parameter LLM
decoded greedily that variation makes the most frequent sentence ("No pneumothorax.") win at every
position, so rare findings (devices, nodules, masses) were never written. With a canonical report the
only uncertainty left in the text is what the image shows.

usage: canonical-reports.py PHANTOM_DIR [PHANTOM_DIR...] OUT.jsonl   (rows of the folders in the order
given; image and ground_truth paths are written relative to OUT's folder, as the trainer expects)
"""
import json
import os
import sys


def cap(s):
    return s[:1].upper() + s[1:]


def report(findings):
    by = {}
    for f in findings:
        by.setdefault(f["label"], []).append(f)
    one = lambda label: by.get(label, [None])[0]
    body, imp = [], []
    if one("endotracheal_tube"):
        body.append("Endotracheal tube in place.")
        imp.append("Endotracheal tube in place.")
    line = one("central_line")
    if line:
        body.append("A %s central line is in place." % line["side"])
        imp.append("%s central line in place." % cap(line["side"]))
    if one("cardiomegaly"):
        body.append("The heart is enlarged.")
        imp.append("Cardiomegaly.")
    else:
        body.append("Heart size is normal.")
    lung = []
    cons = one("consolidation")
    if cons:
        where = "%s %s lobe" % (cons["side"], cons["zone"])
        lung.append("Consolidation in the %s." % where)
        imp.append("%s consolidation." % cap(where))
    for kind in ("nodule", "mass"):
        f = one(kind)
        if f:
            where = "%s %s zone" % (f["side"], f["zone"])
            lung.append("A %s is seen in the %s." % (kind, where))
            imp.append("%s %s." % (cap(where), kind))
    body.extend(lung if lung else ["The lungs are clear."])
    eff = one("pleural_effusion")
    if eff:
        plural = "effusions" if eff["side"] == "bilateral" else "effusion"
        body.append("%s pleural %s." % (cap(eff["side"]), plural))
        imp.append("%s pleural %s." % (cap(eff["side"]), plural))
    else:
        body.append("No pleural effusion.")
    ptx = one("pneumothorax")
    if ptx:
        body.append("%s pneumothorax." % cap(ptx["side"]))
        imp.append("%s pneumothorax." % cap(ptx["side"]))
    else:
        body.append("No pneumothorax.")
    return "FINDINGS: " + " ".join(body) + "\nIMPRESSION: " + (" ".join(imp) if imp else "No acute cardiopulmonary abnormality.")


def main(sources, out):
    n = 0
    with open(out, "w") as fout:
        for src in sources:
            rel = os.path.relpath(os.path.abspath(src), os.path.dirname(os.path.abspath(out)))
            with open(os.path.join(src, "manifest.jsonl")) as fin:
                for line in fin:
                    row = json.loads(line)
                    with open(os.path.join(src, row["ground_truth"])) as g:
                        gt = json.load(g)
                    fout.write(json.dumps({"id": row["id"], "image": os.path.join(rel, row["image"]),
                                           "report": report(gt["findings"]),
                                           "ground_truth": os.path.join(rel, row["ground_truth"])}) + "\n")
                    n += 1
    print("%d rows -> %s" % (n, out))


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: canonical-reports.py PHANTOM_DIR [PHANTOM_DIR...] OUT.jsonl")
    main(sys.argv[1:-1], sys.argv[-1])
