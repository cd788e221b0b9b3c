#!/usr/bin/python3
"""Learns kilang's page-text line model from the labelled pages in ../shared/data and writes it to
data/models/pagetext_lines.yaml (embedded into the library at build time).

  /usr/bin/python3 scripts/train_extract.py [--build build] [--out data/models/pagetext_lines.yaml]
                                            [--cv] [--check]

1. Features: `kilang extract --dump-features --format text` over the page-text dumps of AEB and
   the five wceb-dev sets (one vector per line; the columns are named in src/extract/pagetext.cc).
2. Labels: a line is article text when at least half of its word 4-grams occur in the page's gold
   text (lines of 1-3 words: when the whole line occurs in the gold). Tokens as the official
   scorer splits them (../shared/tools/score.py).
3. Model: gradient-boosted trees (scikit-learn, Debian's python3-sklearn; fixed seed), trained on
   every page, each line weighted by its share of the page's words so that every page counts
   about equally, as in the benchmark's per-page mean; the keep threshold is the one that
   maximises the mean of the per-set F1 on the training pages.
4. --cv: leave-one-set-out cross-validation: for each wceb-dev set, train on the other four and
   AEB, choose the threshold there, and score the held-out set. Prints the per-set table.
--check: exits 1 if the model file differs from what this run produces (the test suite runs it).
Only Debian packages are needed: python3-sklearn, python3-numpy.
"""
import argparse, importlib.util, json, os, subprocess, sys

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.join(here, "..")
shared = os.environ.get("KILANG_SHARED", os.path.join(root, "..", "shared"))
spec = importlib.util.spec_from_file_location("score", os.path.join(shared, "tools", "score.py"))
score = importlib.util.module_from_spec(spec)
spec.loader.exec_module(score)

# kChrome in src/extract/pagetext.cc.
CHROME_FLAGS = ["f_boiler", "f_list_header", "f_ui", "f_copyright", "f_date", "f_rel_time",
                "f_byline", "f_teaser", "f_teaser_full", "f_initials", "f_end_marker"]
WCEB = ["cleaneval", "cleanportaleval", "dragnet", "l3s-gn1", "readability"]
SETS = ["aeb"] + WCEB
MODEL_VERSION = 1
SEED = 13
# Gradient-boosted trees (80 trees of depth 3 per pass): about 500 node visits per line.
HGB_PARAMS = dict(max_iter=80, max_depth=3, learning_rate=0.12, early_stopping=False,
                  random_state=SEED)
THRESHOLDS = [-0.5, -0.25, 0.0, 0.25, 0.5]


def set_dir(name):
    if name == "aeb":
        return os.path.join(shared, "data", "aeb")
    return os.path.join(shared, "data", "wceb-dev", name)


def dump_features(build, name):
    d = os.path.join(set_dir(name), "pagetext")
    files = sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".txt"))
    pages = []
    for i in range(0, len(files), 400):
        out = subprocess.run([os.path.join(build, "kilang"), "extract", "--format", "text",
                              "--now", "2025-01-01T00:00:00Z", "--dump-features",
                              *files[i:i + 400]], check=True, capture_output=True, text=True)
        for line in out.stdout.split("\n"):
            if line.strip():
                pages.append(json.loads(line))
    return pages


def ngrams(tokens, n):
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def label_lines(texts, gold):
    gt = score.TOKEN.findall(gold)
    g4 = ngrams(gt, 4)
    small = {n: ngrams(gt, n) for n in (1, 2, 3)}
    labels, ntok = [], []
    for t in texts:
        tok = score.TOKEN.findall(t)
        ntok.append(len(tok))
        if not tok:
            labels.append(0)
        elif len(tok) < 4:
            labels.append(int(tuple(tok) in small[len(tok)]))
        else:
            sh = [tuple(tok[i:i + 4]) for i in range(len(tok) - 3)]
            labels.append(int(sum(s in g4 for s in sh) * 2 >= len(sh)))
    return labels, ntok


class Data:
    """All lines of one set: X, y, weights, and the page each line belongs to."""

    def __init__(self, name, pages, gold):
        self.name = name
        self.pages = []  # (id, texts, row offset)
        X, y, w = [], [], []
        self.names = pages[0]["names"] if pages else []
        for p in pages:
            pid = score.page_id(p["id"])
            texts = [r["t"] for r in p["rows"]]
            labels, ntok = label_lines(texts, gold.get(pid, ""))
            total = max(1, sum(ntok))
            self.pages.append((pid, texts, len(y)))
            for r, lab, k in zip(p["rows"], labels, ntok):
                X.append(r["x"])
                y.append(lab)
                # Every page weighs about the same, as in the benchmark's per-page mean.
                w.append((k + 1) / (total + len(texts)))
        self.X = np.asarray(X, dtype=np.float32).reshape(-1, len(self.names))
        self.y = np.asarray(y)
        self.w = np.asarray(w)
        self.gold = gold
        self.is_title = self.X[:, self.names.index("is_title")] > 0.5 if len(self.names) else None
        self.veto = self.vetoed()

    def vetoed(self):
        """Lines the extractor drops whatever the model says (src/extract/pagetext.cc, step 5):
        the title, lexicon chrome, and short lines of menus or repeated on the page."""
        col = lambda n: self.X[:, self.names.index(n)] > 0.5
        v = self.is_title.copy()
        for f in CHROME_FLAGS:
            v |= col(f)
        units_lt6 = self.X[:, self.names.index("log_units")] < (np.log1p(5.5) + np.log1p(6)) / 2
        v |= (col("f_list_run") | col("f_duplicate")) & units_lt6
        return v

    def f1(self, keep):
        """The benchmark's F1 of this set when the lines where `keep` is true are the output."""
        rows = []
        for pid, texts, off in self.pages:
            sel = [t for k, t in enumerate(texts) if keep[off + k] and not self.veto[off + k]]
            rows.append(score.tp_fp_fn(self.gold.get(pid, ""), "\n".join(sel)))
        for pid in self.gold:
            if pid not in {p[0] for p in self.pages}:
                rows.append(score.tp_fp_fn(self.gold[pid], ""))
        ps = [score.prec(*r) for r in rows if r[0] + r[1] > 0] or [0]
        rs = [score.rec(*r) for r in rows if r[0] + r[2] > 0] or [0]
        p, r = sum(ps) / len(ps), sum(rs) / len(rs)
        return 2 * p * r / (p + r) if p + r else 0.0

    def empty(self, keep):
        return sum(1 for pid, texts, off in self.pages
                   if not any(keep[off + k] and not self.veto[off + k]
                              for k in range(len(texts))))


def context_columns(d, z):
    """Pass 2's extra columns from pass 1's log-odds `z`, page by page; the same definition as
    ContextColumns() in src/extract/pagetext.cc: means of z over the previous / next 1, 3 and
    10 lines (0 past the page's ends) and the page's share of lines with z > 0."""
    out = np.zeros((len(z), len(CONTEXT_NAMES)), dtype=np.float32)
    for _, texts, off in d.pages:
        n = len(texts)
        if not n:
            continue
        a = z[off:off + n].astype(np.float32).astype(np.float64)
        c = np.concatenate([[0.0], np.cumsum(a)])
        idx = np.arange(n)

        def mean(lo, hi):
            l, h = np.clip(idx + lo, 0, n), np.clip(idx + hi, 0, n)
            return (c[h] - c[l]) / np.maximum(h - l, 1)

        for j, (lo, hi) in enumerate([(-1, 0), (1, 2), (-3, 0), (1, 4), (-10, 0), (1, 11)]):
            out[off:off + n, j] = mean(lo, hi)
        out[off:off + n, 6] = np.float32(np.count_nonzero(a > 0)) / np.float32(n)
    return out


CONTEXT_NAMES = ["z_prev1", "z_next1", "z_prev3", "z_next3", "z_prev10", "z_next10",
                 "z_pos_frac"]


def fit_one(datas, Xs):
    from sklearn.ensemble import HistGradientBoostingClassifier
    X = np.concatenate(Xs)
    y = np.concatenate([d.y for d in datas])
    # Every set weighs the same, and within a set every page about the same.
    w = np.concatenate([d.w / max(1, len(d.pages)) for d in datas])
    m = HistGradientBoostingClassifier(**HGB_PARAMS)
    m.fit(X, y, sample_weight=w)
    return m


class TwoPass:
    """Pass 1 scores lines from their own features; pass 2 adds pass 1's log-odds around them."""

    def __init__(self, datas):
        self.m1 = fit_one(datas, [d.X for d in datas])
        self.m2 = fit_one(datas, [self.x2(d) for d in datas])
        self.threshold = 0.0
        self.threshold = choose_threshold(self, datas)

    def x2(self, d):
        return np.hstack([d.X, context_columns(d, self.m1.decision_function(d.X))])

    def log_odds(self, d):
        return self.m2.decision_function(self.x2(d))

    def keep(self, d):
        return self.log_odds(d) >= self.threshold


def choose_threshold(model, datas):
    """The keep threshold (log-odds) that maximises the mean per-set F1 over `datas`."""
    margins = [model.log_odds(d) for d in datas]
    best_t, best = 0.0, -1
    for t in THRESHOLDS:
        f = np.mean([d.f1(m >= t) for d, m in zip(datas, margins)])
        if f > best + 1e-9:
            best_t, best = float(t), f
    return best_t


def f32_down(v):
    """The largest float32 <= v: for float32 x, x <= v exactly when x <= f32_down(v)."""
    f = np.float32(v)
    if float(f) > v:
        f = np.nextafter(f, np.float32(-np.inf), dtype=np.float32)
    return float(f)


def tree_yaml(name, model, names, threshold):
    """A fitted HistGradientBoostingClassifier in kilang's data/models format (see
    src/extract/learned_model.h): node arrays per tree, children after their parent."""
    base = float(np.ravel(model._baseline_prediction)[0])
    out = ["# Generated by scripts/train_extract.py; do not edit by hand (a test checks that",
           "# this file is what the script produces).",
           f"model: {name}", f"version: {MODEL_VERSION}", "kind: trees",
           f"threshold: {threshold:.9g}", f"base: {base:.9g}",
           "features: [" + ", ".join(names) + "]", "trees:"]
    for (pred,) in model._predictors:
        nd = pred.nodes
        leaf = nd["is_leaf"].astype(bool)
        feat = [-1 if lf else int(f) for f, lf in zip(nd["feature_idx"], leaf)]
        thr = [0.0 if lf else f32_down(float(v)) for v, lf in zip(nd["num_threshold"], leaf)]
        left = [0 if lf else int(v) for v, lf in zip(nd["left"], leaf)]
        right = [0 if lf else int(v) for v, lf in zip(nd["right"], leaf)]
        val = [float(v) if lf else 0.0 for v, lf in zip(nd["value"], leaf)]
        out.append("  - feature: [" + ", ".join(map(str, feat)) + "]")
        out.append("    threshold: [" + ", ".join(f"{v:.9g}" for v in thr) + "]")
        out.append("    left: [" + ", ".join(map(str, left)) + "]")
        out.append("    right: [" + ", ".join(map(str, right)) + "]")
        out.append("    value: [" + ", ".join(f"{v:.9g}" for v in val) + "]")
    return "\n".join(out) + "\n"


def load(build):
    datas = {}
    for s in SETS:
        gold = score.load_gold(os.path.join(set_dir(s), "gold"))
        datas[s] = Data(s, dump_features(build, s), gold)
    return datas


def model_files(model, names):
    return {
        "pagetext_lines.yaml": tree_yaml("pagetext_lines", model.m1, names, 0.0),
        "pagetext_lines_ctx.yaml": tree_yaml("pagetext_lines_ctx", model.m2,
                                             names + CONTEXT_NAMES, model.threshold),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(root, "build"))
    ap.add_argument("--out", default=os.path.join(root, "data", "models"))
    ap.add_argument("--cv", action="store_true")
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    datas = load(a.build)
    all_sets = [datas[s] for s in SETS]
    names = all_sets[0].names
    model = TwoPass(all_sets)
    files = model_files(model, names)
    if a.check:
        bad = [f for f, text in files.items()
               if not os.path.exists(os.path.join(a.out, f))
               or open(os.path.join(a.out, f), encoding="utf-8").read() != text]
        for f in bad:
            print(f"{a.out}/{f} differs from what scripts/train_extract.py produces",
                  file=sys.stderr)
        if bad:
            sys.exit(1)
        print(f"{a.out}: {', '.join(files)} as the script produces them")
        return
    os.makedirs(a.out, exist_ok=True)
    for f, text in files.items():
        with open(os.path.join(a.out, f), "w", encoding="utf-8") as out:
            out.write(text)
    print(f"wrote {', '.join(files)} to {a.out} (threshold {model.threshold:g})")
    print("\n| set | segmentation only | learned, in-sample | empty (in-sample) |"
          + (" learned, leave-one-set-out | empty (CV) |" if a.cv else ""))
    print("|---|---|---|---|" + ("---|---|" if a.cv else ""))
    for s in SETS:
        d = datas[s]
        base_keep = d.X[:, names.index("seg_kept")] > 0.5
        keep = model.keep(d)
        row = f"| {s} | {d.f1(base_keep):.3f} | {d.f1(keep):.3f} | {d.empty(keep)} |"
        if a.cv and s != "aeb":
            held_out = TwoPass([datas[t] for t in SETS if t != s])
            k = held_out.keep(d)
            row += f" {d.f1(k):.3f} | {d.empty(k)} |"
        elif a.cv:
            row += " (always trained on) | |"
        print(row, flush=True)


if __name__ == "__main__":
    main()
