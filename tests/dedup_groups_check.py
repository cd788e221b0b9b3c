#!/usr/bin/env python3
"""End-to-end check of `kilang run`'s dedup on real article texts (issue 11).

Builds a corpus from the gold texts of ../shared/data (aeb and wceb-dev): every base text forms
a group with exact copies and edited copies at several edit rates; unrelated bases stay alone.
The documents are shuffled (a copy often comes before its original), written as JSONL, and run
through the default pipeline. Then it asserts:

  1. no group (a document and its copies, two or more reaching dedup) is wiped out unless a
     kept document has word-5-gram Jaccard >= 0.5 with one of its members; a document in no
     group may only be dropped by repeated-line removal with fewer than 100 bytes left;
  2. every removed document's `duplicate_of` (and `dedup_cluster_id`) is the id of a kept
     document, and a MinHash-removed document resembles the one it names (J >= 0.5);
  3. recall: of the pairs (in one group, both reaching dedup) with J >= 0.9, at least 0.99 are
     caught (not both kept); with 0.8 <= J < 0.9, at least 0.90.

Usage: dedup_groups_check.py KILANG_BINARY [--shared DIR] [--work DIR] [--bases N] [--seed S]
Exit 0 when every assertion holds, 1 otherwise (the failures are printed).
"""
import argparse
import glob
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

WORD = re.compile(r"\w+", re.UNICODE)


def words(text):
    return WORD.findall(text.lower())


def shingles(ws, n=5):
    if len(ws) < n:
        return {" ".join(ws)} if ws else set()
    return {" ".join(ws[i:i + n]) for i in range(len(ws) - n + 1)}


def jaccard(a, b):
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def load_bases(shared):
    texts = []
    for path in sorted(glob.glob(os.path.join(shared, "data/aeb/gold/*.json"))):
        with open(path, encoding="utf-8") as f:
            texts.append(json.load(f).get("articleBody", ""))
    for path in sorted(glob.glob(os.path.join(shared, "data/wceb-dev/*/gold/*.txt"))):
        with open(path, encoding="utf-8", errors="replace") as f:
            texts.append(f.read())
    # Documents with fewer than 60 words are mostly dropped by the quality filters; keep them
    # (they are input too) but do not build groups from them.
    return [t.strip() for t in texts if t.strip()]


def edit(text, rate, rng):
    """Word-level edits: substitute, delete or insert about `rate` of the words, keeping lines."""
    out_lines = []
    for line in text.split("\n"):
        toks = line.split(" ")
        res = []
        for t in toks:
            r = rng.random()
            if r < rate / 3:
                res.append(rng.choice(["lorem", "ipsum", "varia", "kilang", "data", "nova"]))
            elif r < 2 * rate / 3:
                continue
            elif r < rate:
                res.append(t)
                res.append(rng.choice(["sic", "etiam", "tamen", "quoque"]))
            else:
                res.append(t)
        out_lines.append(" ".join(res))
    return "\n".join(out_lines)


def paragraph_edit(text, share, other, rng):
    """Replaces about `share` of the paragraphs with paragraphs of another text: the copy keeps
    the other paragraphs verbatim (their lines stay identical) at a lower Jaccard."""
    paras = [p for p in text.split("\n") if p.strip()]
    donor = [p for p in other.split("\n") if p.strip()] or ["..."]
    out = [rng.choice(donor) if rng.random() < share else p for p in paras]
    return "\n".join(out)


def build_corpus(bases, seed):
    """Groups of copies of real texts, shuffled. Copies: exact (or equal once normalised), word
    edits at several rates, paragraph replacements (identical lines at a low Jaccard), and site
    chrome lines shared by the groups of one synthetic site, so that repeated-line removal has
    work to do; some groups are large (syndication)."""
    rng = random.Random(seed)
    sites = [["Copyright %d Site %d. All rights reserved." % (2020 + i % 5, i),
              "Follow Site %d on social media for the latest news and updates" % i,
              "Read more stories from Site %d in our archive of articles" % i]
             for i in range(40)]
    docs = []  # (id, text, group)
    group_of = {}
    kinds_all = ["exact", "exact2", "e01", "e03", "e05", "e08", "e12", "e20", "e35",
                 "p15", "p30", "p50"]
    for gi, text in enumerate(bases):
        n_words = len(words(text))
        gid = "g%05d" % gi
        site = sites[rng.randrange(len(sites))] if rng.random() < 0.5 else None

        def chrome(t):
            if site is None:
                return t
            return t + "\n" + "\n".join(site[: rng.randint(1, 3)])

        docs.append((gid + "-orig", chrome(text), gid))
        if n_words < 60 or rng.random() < 0.45:
            continue  # a unique document
        n_copies = rng.randint(1, 4) if rng.random() < 0.9 else rng.randint(6, 10)
        for c in range(n_copies):
            k = rng.choice(kinds_all)
            if k.startswith("exact"):
                t = text
                if k == "exact2":  # same normalised text: case and punctuation only
                    t = text.upper() if rng.random() < 0.5 else text.replace(".", " .")
            elif k.startswith("p"):
                t = paragraph_edit(text, int(k[1:]) / 100.0, rng.choice(bases), rng)
            else:
                t = edit(text, int(k[1:]) / 100.0, rng)
            docs.append(("%s-%s-%d" % (gid, k, c), chrome(t), gid))
    rng.shuffle(docs)
    for d in docs:
        group_of[d[0]] = d[2]
    return docs, group_of


def read_records(folder):
    """Records of every shard under `folder` (recursively)."""
    recs = []
    for path in sorted(glob.glob(os.path.join(folder, "**", "*.jsonl*"), recursive=True)):
        recs.extend(read_records_file(path))
    return recs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kilang")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--shared", default=os.path.join(here, "..", "..", "shared"))
    ap.add_argument("--work", default=None)
    ap.add_argument("--bases", type=int, default=0, help="use only the first N bases (0 = all)")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    ap.add_argument("--dedup-only", action="store_true",
                    help="run only the dedup stages (every document reaches dedup)")
    args = ap.parse_args()

    if not os.path.isdir(os.path.join(args.shared, "data")):
        print("FAIL: ../shared/data not found at %s" % args.shared)
        return 1
    bases = load_bases(args.shared)
    if args.bases:
        bases = bases[: args.bases]
    docs, group_of = build_corpus(bases, args.seed)
    work = args.work or tempfile.mkdtemp(prefix="kilang-dedup-groups-")
    os.makedirs(work, exist_ok=True)
    inp = os.path.join(work, "corpus.jsonl")
    with open(inp, "w", encoding="utf-8") as f:
        for did, text, _ in docs:
            f.write(json.dumps({"id": did, "text": text}, ensure_ascii=False) + "\n")
    out = os.path.join(work, "out")
    shutil.rmtree(out, ignore_errors=True)
    cmd = [args.kilang, "run"]
    if args.dedup_only:
        cfg = os.path.join(work, "dedup_only.yaml")
        with open(cfg, "w") as f:
            f.write("pipeline: []\n")
        cmd.append(cfg)
    cmd += ["--input", inp, "--output", out, "--workers", str(args.workers), "--progress", "none",
            "--compression", "none"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        print("FAIL: kilang run exited %d\n%s" % (r.returncode, r.stderr[-2000:]))
        return 1

    kept_recs = read_records_top(out)
    removed_recs = read_records(os.path.join(out, "removed"))
    kept = {d["id"]: d for d in kept_recs}
    removed = {d["id"]: d for d in removed_recs}
    text_of = {did: t for did, t, _ in docs}
    sh = {did: shingles(words(t)) for did, t, _ in docs}
    failures = []

    # Accounting.
    with open(os.path.join(out, "stats.json"), encoding="utf-8") as f:
        stats = json.load(f)
    if len(kept) + len(removed) != len(docs):
        failures.append("kept %d + removed %d != input %d" % (len(kept), len(removed), len(docs)))

    dedup_stages = {"exact_dedup", "minhash_dedup", "line_dedup"}
    reached_dedup = set(kept) | {i for i, d in removed.items()
                                 if d["metadata"].get("stage") in dedup_stages}

    # 2. duplicate_of names a kept document that resembles the removed one.
    bad_refs = 0
    for did, d in removed.items():
        md = d["metadata"]
        for key in ("duplicate_of", "dedup_cluster_id"):
            ref = md.get(key)
            if ref is None:
                continue
            if ref not in kept:
                bad_refs += 1
                if bad_refs <= 5:
                    failures.append("%s: %s=%s is not a kept id (%s)" %
                                    (did, key, ref, md.get("reason")))
            elif md.get("reason") == "minhash_duplicate" and key == "duplicate_of":
                j = jaccard(sh[did], sh[ref])
                if j < 0.5:
                    failures.append("%s: minhash duplicate_of %s but J=%.2f" % (did, ref, j))
        if md.get("stage") in ("exact_dedup", "minhash_dedup") and "duplicate_of" not in md:
            failures.append("%s: removed by %s without duplicate_of" % (did, md.get("stage")))
    if bad_refs > 5:
        failures.append("... %d references to non-kept ids in all" % bad_refs)

    # 1. no group wiped out unless a kept document resembles it.
    groups = {}
    for did, _, gid in docs:
        groups.setdefault(gid, []).append(did)
    index = {}
    for did in kept:
        for s in sh[did]:
            index.setdefault(s, []).append(did)
    wiped = 0
    singles_short = 0
    for gid, members in groups.items():
        in_dedup = [m for m in members if m in reached_dedup]
        if not in_dedup or any(m in kept for m in in_dedup):
            continue
        if not all(removed[m]["metadata"].get("stage") in dedup_stages for m in in_dedup):
            continue
        if len(in_dedup) == 1 and removed[in_dedup[0]]["metadata"].get("reason") == \
                "line_dedup_too_short":
            # A document in no duplicate group whose text was nearly all repeated lines: it is
            # dropped when fewer than line_min_doc_chars (100) bytes remain (CCNet's rule).
            if len(removed[in_dedup[0]]["text"].encode("utf-8")) >= 100:
                failures.append("%s: dropped as too short with %d bytes left" % (
                    in_dedup[0], len(removed[in_dedup[0]]["text"].encode("utf-8"))))
            singles_short += 1
            continue
        best = 0.0
        for m in in_dedup:
            cand = {}
            for s in sh[m]:
                for k in index.get(s, ()):
                    cand[k] = cand.get(k, 0) + 1
            for k in cand:
                best = max(best, jaccard(sh[m], sh[k]))
        if best < 0.5:
            wiped += 1
            if wiped <= 5:
                failures.append("group %s wiped (%s); best kept J=%.2f" % (
                    gid, ", ".join("%s:%s" % (m, removed[m]["metadata"].get("reason"))
                                   for m in in_dedup), best))
    if wiped > 5:
        failures.append("... %d groups wiped in all" % wiped)

    # 3. recall by similarity band.
    bands = {"J>=0.9": [0, 0], "0.8<=J<0.9": [0, 0]}
    for gid, members in groups.items():
        ms = [m for m in members if m in reached_dedup]
        for i in range(len(ms)):
            for j in range(i + 1, len(ms)):
                jv = jaccard(sh[ms[i]], sh[ms[j]])
                band = "J>=0.9" if jv >= 0.9 else ("0.8<=J<0.9" if jv >= 0.8 else None)
                if band is None:
                    continue
                bands[band][1] += 1
                if not (ms[i] in kept and ms[j] in kept):
                    bands[band][0] += 1
    need = {"J>=0.9": 0.99, "0.8<=J<0.9": 0.90}
    for band, (caught, total) in bands.items():
        rec = caught / total if total else 1.0
        print("recall %-11s %.4f (%d/%d pairs)" % (band, rec, caught, total))
        if total and rec < need[band]:
            failures.append("recall %s %.4f < %.2f" % (band, rec, need[band]))

    by_reason = {}
    for d in removed.values():
        k = d["metadata"].get("reason")
        by_reason[k] = by_reason.get(k, 0) + 1
    print("documents %d (%d groups), kept %d, removed %s" %
          (len(docs), len(groups), len(kept), json.dumps(by_reason, sort_keys=True)))
    print("groups wiped with no similar kept document: %d" % wiped)
    print("single documents dropped by line dedup with < 100 bytes left: %d" % singles_short)
    if not args.keep and args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        for f in failures:
            print("FAIL:", f)
        return 1
    print("OK")
    return 0


def read_records_top(folder):
    """Records of the kept shards (DIR/part-*), not of removed/."""
    recs = []
    for path in sorted(glob.glob(os.path.join(folder, "part-*"))):
        recs.extend(read_records_file(path))
    return recs


def read_records_file(path):
    if path.endswith(".zst"):
        data = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout
    elif path.endswith(".gz"):
        import gzip
        with gzip.open(path, "rb") as f:
            data = f.read()
    else:
        with open(path, "rb") as f:
            data = f.read()
    return [json.loads(l) for l in data.decode("utf-8").split("\n") if l.strip()]


if __name__ == "__main__":
    sys.exit(main())
