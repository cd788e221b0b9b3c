#!/usr/bin/python3
"""Per-set extraction quality of a kilang build: shingle F1 / precision / recall (the benchmark's
own scorer, ../shared/tools/score.py, imported, not copied) and the number of pages with an empty
`text`, for HTML and page-text input, over AEB and the five wceb-dev sets.

usage: score_sets.py [--build build] [--modes html,text] [--sets aeb,cleaneval,...]
                     [--out DIR] [--markdown]
Every figure is per set; the mean of the five wceb-dev sets is printed beside them, never alone.
"""
import argparse, importlib.util, json, os, subprocess, sys

here = os.path.dirname(os.path.abspath(__file__))
shared = os.environ.get("KILANG_SHARED", os.path.join(here, "..", "..", "shared"))
spec = importlib.util.spec_from_file_location("score", os.path.join(shared, "tools", "score.py"))
score = importlib.util.module_from_spec(spec)
spec.loader.exec_module(score)

WCEB = ["cleaneval", "cleanportaleval", "dragnet", "l3s-gn1", "readability"]
ALL = ["aeb"] + WCEB


def set_dir(name):
    if name == "aeb":
        return os.path.join(shared, "data", "aeb")
    return os.path.join(shared, "data", "wceb-dev", name)


def inputs(name, mode):
    d = os.path.join(set_dir(name), "html" if mode == "html" else "pagetext")
    ext = ".html" if mode == "html" else ".txt"
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(ext))


def run_kilang(build, mode, files, out_path):
    with open(out_path, "w", encoding="utf-8") as out:
        # In chunks: the argument list of 669 paths is fine, but keep it bounded.
        for i in range(0, len(files), 400):
            subprocess.run([os.path.join(build, "kilang"), "extract", "--format", mode,
                            *files[i:i + 400]], stdout=out, check=True)


def score_file(pred_path, gold_dir):
    gold = score.load_gold(gold_dir)
    pred = {}
    for line in open(pred_path, encoding="utf-8"):
        if line.strip():
            r = json.loads(line)
            pred[score.page_id(r.get("id", ""))] = r.get("text") or ""
    rows = [score.tp_fp_fn(gold[k], pred.get(k, "")) for k in sorted(gold)]
    ps = [score.prec(*r) for r in rows if r[0] + r[1] > 0] or [0]
    rs = [score.rec(*r) for r in rows if r[0] + r[2] > 0] or [0]
    p, r = sum(ps) / len(ps), sum(rs) / len(rs)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    empty = sum(1 for k in gold if not pred.get(k, "").strip())
    return {"f1": f1, "precision": p, "recall": r, "pages": len(gold), "empty": empty}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(here, "..", "build"))
    ap.add_argument("--modes", default="html,text")
    ap.add_argument("--sets", default=",".join(ALL))
    ap.add_argument("--out", default="/tmp/kilang_score_sets")
    ap.add_argument("--json", help="also write the figures to this file")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    sets = a.sets.split(",")
    res = {}
    for mode in a.modes.split(","):
        for s in sets:
            pred = os.path.join(a.out, f"{s}.{mode}.jsonl")
            run_kilang(a.build, mode, inputs(s, mode), pred)
            res[(mode, s)] = score_file(pred, os.path.join(set_dir(s), "gold"))
    for mode in a.modes.split(","):
        print(f"\n{mode}:")
        print(f"| set | pages | F1 | precision | recall | empty |")
        print(f"|---|---|---|---|---|---|")
        for s in sets:
            r = res[(mode, s)]
            print(f"| {s} | {r['pages']} | {r['f1']:.3f} | {r['precision']:.3f} | {r['recall']:.3f} | {r['empty']} |")
        w = [res[(mode, s)]["f1"] for s in sets if s in WCEB]
        if len(w) == len(WCEB):
            print(f"| mean of the five wceb-dev sets | | {sum(w) / len(w):.3f} | | | |")
    if a.json:
        json.dump({f"{m}/{s}": v for (m, s), v in res.items()}, open(a.json, "w"), indent=1)


if __name__ == "__main__":
    main()
