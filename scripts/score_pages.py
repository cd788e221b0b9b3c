#!/usr/bin/python3
"""Per-page precision/recall/F1 of kilang records against gold, using the benchmark's own scorer
(../shared/tools/score.py, imported, not copied), worst pages first, then the overall means.

usage: score_pages.py PRED.jsonl GOLD_DIR [--worst N | --top N]
"""
import importlib.util, json, os, sys

here = os.path.dirname(os.path.abspath(__file__))
scorer_path = os.environ.get("KILANG_SCORER", os.path.join(here, "..", "..", "shared", "tools", "score.py"))
spec = importlib.util.spec_from_file_location("score", scorer_path)
score = importlib.util.module_from_spec(spec)
spec.loader.exec_module(score)


def main():
    pred_path, gold_dir = sys.argv[1], sys.argv[2]
    worst = 10**9
    for flag in ("--worst", "--top"):  # the N worst pages
        if flag in sys.argv:
            worst = int(sys.argv[sys.argv.index(flag) + 1])
    gold = score.load_gold(gold_dir)
    pred = {}
    for line in open(pred_path, encoding="utf-8"):
        if line.strip():
            r = json.loads(line)
            pred[score.page_id(r.get("id", ""))] = r.get("text") or ""
    rows = []
    for k in sorted(gold):
        t = score.tp_fp_fn(gold[k], pred.get(k, ""))
        p, r = score.prec(*t), score.rec(*t)
        f = 2 * p * r / (p + r) if p + r else 0.0
        rows.append((f, p, r, k, t))
    rows.sort()
    print(f"{'f1':>6} {'prec':>6} {'rec':>6}  page")
    for f, p, r, k, _ in rows[:worst]:
        print(f"{f:6.3f} {p:6.3f} {r:6.3f}  {k}")
    # Averaged exactly as score.py does: pages with nothing to judge are left out of a mean.
    ps = [p for f, p, r, k, t in rows if t[0] + t[1] > 0] or [0]
    rs = [r for f, p, r, k, t in rows if t[0] + t[2] > 0] or [0]
    mp, mr = sum(ps) / len(ps), sum(rs) / len(rs)
    f1 = 2 * mp * mr / (mp + mr) if mp + mr else 0.0
    print(f"mean: f1={f1:.3f} precision={mp:.3f} recall={mr:.3f} pages={len(rows)}")


if __name__ == "__main__":
    main()
