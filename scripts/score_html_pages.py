#!/usr/bin/python3
"""Per-page P/R/F1 of HTML extraction against the aeb gold, worst first, plus the means.

usage: score_html_pages.py PRED.jsonl GOLD_DIR [--top N]
Uses the scorer functions of ../shared/tools/score.py (imported, not copied).
"""
import importlib.util, json, os, statistics, sys

here = os.path.dirname(os.path.abspath(__file__))
scorer_path = os.environ.get(
    "KILANG_SCORER", os.path.join(here, "..", "..", "shared", "tools", "score.py"))
if not os.path.exists(scorer_path):
    scorer_path = "/work/shared/tools/score.py"
spec = importlib.util.spec_from_file_location("aeb_score", scorer_path)
score = importlib.util.module_from_spec(spec)
spec.loader.exec_module(score)


def main():
    pred_path, gold_dir = sys.argv[1], sys.argv[2]
    top = int(sys.argv[sys.argv.index("--top") + 1]) if "--top" in sys.argv else None
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
    for f, p, r, k, _ in rows[:top] if top is not None else rows:
        print(f"{f:.3f}  P={p:.3f}  R={r:.3f}  {k}")
    ps = [score.prec(*t) for *_, t in rows if t[0] + t[1] > 0] or [0]
    rs = [score.rec(*t) for *_, t in rows if t[0] + t[2] > 0] or [0]
    mp, mr = statistics.mean(ps), statistics.mean(rs)
    f1 = 2 * mp * mr / (mp + mr) if mp + mr else 0.0
    print(f"mean: f1={f1:.3f} precision={mp:.3f} recall={mr:.3f} pages={len(gold)}")


if __name__ == "__main__":
    main()
