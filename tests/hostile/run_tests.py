#!/usr/bin/env python3
"""Runs `kilang run` on the attack corpus of issue 12 (make_corpus.py) and checks every case.

usage: run_tests.py path/to/kilang [CASE-SUBSTRING...]

For each case: the run's stats.json must hold read = kept + removed + unreadable, the unreadable
items named by the case (file offset and words of the reason, nothing else), and, against a run
on the clean input the case was made from (its "baseline"), the documents lost or gained and the
same skipped records. Prints "N passed, M failed"; exits 1 on any failure. Standard library only.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = os.path.join(ROOT, "..", "shared", "data")


class Runner:
    def __init__(self, kilang, tmp):
        self.kilang = kilang
        self.tmp = tmp
        self.n = 0
        self.passed = 0
        self.failed = []
        self.xo = os.path.join(tmp, "extract-only.yaml")
        with open(self.xo, "w") as f:
            f.write("pipeline: [extract]\ndedup: {enabled: false}\n")
        # Permission cases run kilang as user nobody when this runs as root; that needs a
        # kilang binary nobody can reach (not one under a private home folder).
        self.nobody = os.geteuid() != 0 or subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", kilang, "--version"],
            capture_output=True).returncode == 0
        self.configs = {"extract-only": self.xo, "extract-dedup": os.path.join(tmp, "xd.yaml")}
        with open(self.configs["extract-dedup"], "w") as f:
            f.write("pipeline: [extract]\n")

    def out_dir(self, name):
        self.n += 1
        return os.path.join(self.tmp, "out", "%03d-%s" % (self.n, name))

    def run(self, args, name="run", config=True, stdin=None, env=None, timeout=300,
            as_nobody=False, out=None):
        """Runs `kilang run [XO] ARGS --output DIR`; returns (rc, stderr, dir, stats or None).
        `as_nobody`: as user nobody when running as root (permissions do not stop root).
        `out`: the output folder (default: a new one)."""
        out = out or self.out_dir(name)
        if config is True:
            config = self.xo
        cmd = [self.kilang, "run"] + ([config] if config else []) + list(args) + [
            "--output", out, "--progress", "none"]
        if as_nobody and os.geteuid() == 0:
            cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + cmd
        p = subprocess.run(cmd, stdin=stdin, capture_output=True, env=env, timeout=timeout)
        stats = None
        sp = os.path.join(out, "stats.json")
        if os.path.exists(sp):
            with open(sp) as f:
                stats = json.load(f)
        return p.returncode, p.stderr.decode("utf-8", "replace"), out, stats

    def check(self, name, cond, detail=""):
        if cond:
            self.passed += 1
        else:
            self.failed.append(name)
            print("FAIL: %s %s" % (name, detail), file=sys.stderr)


def invariant(s):
    return (s is not None and s["read"] == s["kept"] + s["removed"] + s["unreadable"])


def check_case(r, name, case, baselines):
    exp = case["expect"]
    if exp.get("as_nobody") and not r.nobody:
        print("note: %s skipped: user nobody cannot run %s" % (name, r.kilang))
        return
    rc, err, out, s = r.run(["--input"] + case["inputs"] + case["args"], name,
                            as_nobody=exp.get("as_nobody", False),
                            config=r.configs[exp.get("config", "extract-only")])
    r.check(name + ": stats.json written", s is not None, err[-2000:])
    if s is None:
        return
    r.check(name + ": read = kept + removed + unreadable", invariant(s), str(s))
    if "exit" in exp:
        r.check(name + ": exit %d" % exp["exit"], rc == exp["exit"], "rc=%d %s" % (rc, err[-500:]))
    if "unreadable" in exp:
        got = s["unreadable_inputs"]
        r.check(name + ": unreadable count %d" % len(exp["unreadable"]),
                s["unreadable"] == len(exp["unreadable"]) and len(got) == len(exp["unreadable"]),
                json.dumps(got, indent=1))
        for want, have in zip(exp["unreadable"], got):
            r.check(name + ": unreadable offset %d" % want["offset"],
                    have["offset"] == want["offset"], json.dumps(have))
            if "file" in want:
                r.check(name + ": unreadable file %s" % want["file"], have["file"] == want["file"],
                        json.dumps(have))
            for word in want.get("reason", []):
                r.check(name + ": reason names '%s'" % word, word in have["reason"],
                        json.dumps(have))
    if "warnings" in exp:
        got = s["warnings"]
        r.check(name + ": %d warning(s)" % len(exp["warnings"]), len(got) == len(exp["warnings"]),
                json.dumps(got, indent=1))
        for want, have in zip(exp["warnings"], got):
            r.check(name + ": warning at offset %d" % want["offset"],
                    have["offset"] == want["offset"], json.dumps(have))
            if "file" in want:
                r.check(name + ": warning file %s" % want["file"], have["file"] == want["file"],
                        json.dumps(have))
            for word in want.get("reason", []):
                r.check(name + ": warning names '%s'" % word, word in have["reason"],
                        json.dumps(have))
    if "unreadable_bytes" in exp:
        r.check(name + ": unreadable_bytes %d" % exp["unreadable_bytes"],
                s.get("unreadable_bytes") == exp["unreadable_bytes"],
                str(s.get("unreadable_bytes")))
    if "unreadable_total" in exp:
        r.check(name + ": %d unreadable" % exp["unreadable_total"],
                s["unreadable"] == exp["unreadable_total"], str(s["unreadable"]))
        r.check(name + ": %d listed in stats.json" % exp["unreadable_listed"],
                len(s["unreadable_inputs"]) == exp["unreadable_listed"],
                str(len(s["unreadable_inputs"])))
    if "unreadable_by_reason" in exp:
        r.check(name + ": unreadable by reason", s.get("unreadable_by_reason") ==
                exp["unreadable_by_reason"], str(s.get("unreadable_by_reason")))
    if "unreadable_file_offsets" in exp:
        f = os.path.join(out, s.get("unreadable_file", "unreadable.jsonl.zst"))
        items = [json.loads(l) for l in subprocess.run(["zstdcat", f], capture_output=True,
                                                       text=True).stdout.splitlines()]
        r.check(name + ": every item in unreadable.jsonl.zst",
                [i["offset"] for i in items] == exp["unreadable_file_offsets"],
                "%d items" % len(items))
        r.check(name + ": stats.json lists the first ones",
                s["unreadable_inputs"] == items[:len(s["unreadable_inputs"])])
    if "stderr_max_lines" in exp:
        n = len(err.splitlines())
        r.check(name + ": at most %d stderr lines" % exp["stderr_max_lines"],
                n <= exp["stderr_max_lines"], "%d lines" % n)
    if "records" in exp:
        got = {}
        for f in sorted(os.listdir(out)):
            if f.startswith("part-"):
                for line in subprocess.run(["zstdcat", os.path.join(out, f)], capture_output=True,
                                           text=True).stdout.splitlines():
                    rec = json.loads(line)
                    got[rec["id"]] = rec
        for rid, want in exp["records"].items():
            have = got.get(rid)
            r.check(name + ": record %s kept" % rid, have is not None, str(sorted(got)))
            if have is None:
                continue
            if "text" in want:
                r.check(name + ": record %s text" % rid, have["text"] == want["text"],
                        have["text"])
            if "text_contains" in want:
                r.check(name + ": record %s text holds '%s'" % (rid, want["text_contains"]),
                        want["text_contains"] in have["text"], have["text"][:300])
            for k, v in want["metadata"].items():
                r.check(name + ": record %s metadata.%s" % (rid, k),
                        have["metadata"].get(k) == v, json.dumps(have["metadata"]))
    if "removed_by_stage" in exp:
        r.check(name + ": removed by stage", s["removed_by_stage"] == exp["removed_by_stage"],
                str(s["removed_by_stage"]))
    if "docs" in exp:
        r.check(name + ": %d documents" % exp["docs"], s["kept"] + s["removed"] == exp["docs"],
                str(s))
    if "baseline" in exp:
        key = json.dumps([exp["baseline"]["inputs"], case["args"]])
        if key not in baselines:
            baselines[key] = r.run(["--input"] + exp["baseline"]["inputs"] + case["args"],
                                   name + "-clean")[3]
        b = baselines[key]
        docs, bdocs = s["kept"] + s["removed"], b["kept"] + b["removed"]
        r.check(name + ": documents %+d against the clean input" % exp["docs_delta"],
                docs - bdocs == exp["docs_delta"], "clean %d, damaged %d" % (bdocs, docs))
        r.check(name + ": same skipped records as the clean input",
                s["skipped_by_reason"] == b["skipped_by_reason"],
                "%s vs %s" % (s["skipped_by_reason"], b["skipped_by_reason"]))


# ---- scenarios: several runs over inputs changed in between ----

def scenario_changed_input(r, tmp):
    """Item 5: an input changed between a run and its rerun is noticed, not 'resumed'."""
    d = os.path.join(tmp, "changed")
    os.makedirs(d)
    f = os.path.join(d, "a.jsonl")
    with open(f, "w") as fh:
        for i in range(50):
            fh.write(json.dumps({"id": "a%d" % i, "text": "Dokumen nomor %d." % i}) + "\n")
    rc, err, out, s = r.run(["--input", f], "changed")
    r.check("changed input: first run", rc == 0 and s and s["kept"] == 50, err)
    rc, err, _, s2 = r.run(["--input", f], "changed", out=out)
    r.check("changed input: unchanged rerun resumes", rc == 0 and "(1 resumed)" in err, err)
    with open(f, "a") as fh:  # appended
        fh.write(json.dumps({"id": "new", "text": "Dokumen baru."}) + "\n")
    rc, err, _, _ = r.run(["--input", f], "changed", out=out)
    r.check("changed input: appended file refused (exit 2)", rc == 2, "rc=%d %s" % (rc, err))
    r.check("changed input: the message names the file and its sizes",
            "a.jsonl: size 1500 -> 1545" in err or ("a.jsonl: size" in err and "->" in err), err)
    # Same size, other bytes: noticed by the head/tail digest.
    rc, err, out, _ = r.run(["--input", f], "changed2")
    data = open(f, "rb").read()
    with open(f, "wb") as fh:
        fh.write(data.replace(b"Dokumen nomor 49.", b"Dokumen nomor 94."))
    st = os.stat(f)
    rc, err, _, _ = r.run(["--input", f], "changed2", out=out)
    r.check("changed input: same size, new bytes refused", rc == 2 and "content changed" in err,
            err)
    # Same bytes, new time (touch): refused too (the middle of a big file is not hashed).
    rc, err, out, _ = r.run(["--input", f], "changed3")
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 5 * 10**9))
    rc, err, _, _ = r.run(["--input", f], "changed3", out=out)
    r.check("changed input: new modification time refused", rc == 2 and "modified" in err, err)


def scenario_lock(r, tmp):
    """Item 6: one run at a time in an output folder; the second names the first one's PID."""
    import fcntl
    import time
    d = os.path.join(tmp, "lock")
    os.makedirs(d)
    f = os.path.join(d, "a.jsonl")
    with open(f, "w") as fh:
        for i in range(20):
            fh.write(json.dumps({"id": "a%d" % i, "text": "Dokumen nomor %d." % i}) + "\n")
    # A holder we control: this process, with its PID in the lock file.
    out = r.out_dir("lock")
    os.makedirs(os.path.join(out, ".kilang"))
    with open(os.path.join(out, ".kilang", "lock"), "w") as lk:
        fcntl.flock(lk, fcntl.LOCK_EX)
        lk.write("%d\n" % os.getpid())
        lk.flush()
        rc, err, _, s = r.run(["--input", f], "lock", out=out)
        r.check("lock: a second run is refused (exit 2)", rc == 2, "rc=%d %s" % (rc, err))
        r.check("lock: the refusal names the holder's PID",
                "held by process %d" % os.getpid() in err, err)
        r.check("lock: the refused run wrote nothing", s is None and not os.path.exists(
            os.path.join(out, ".kilang", "run.json")), err)
    rc, err, _, s = r.run(["--input", f], "lock", out=out)
    r.check("lock: runs once the holder is gone", rc == 0 and s and s["kept"] == 20, err)
    # Two real runs: the second starts while the first is busy on a big input.
    big = os.path.join(d, "big.jsonl")
    with open(big, "w") as fh:
        for i in range(400000):
            fh.write('{"id":"b%d","text":"Dokumen panjang nomor %d dari korpus besar."}\n' % (i, i))
    out2 = r.out_dir("lock2")
    first = subprocess.Popen([r.kilang, "run", r.xo, "--input", big, "--output", out2,
                              "--progress", "none", "--workers", "1"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lockfile = os.path.join(out2, ".kilang", "lock")
    for _ in range(500):
        if os.path.exists(lockfile) and open(lockfile).read().strip() == str(first.pid):
            break
        time.sleep(0.01)
    rc, err, _, _ = r.run(["--input", big, "--workers", "1"], "lock2", out=out2)
    busy = first.poll() is None
    first.wait()
    if busy:
        r.check("lock: concurrent run refused, naming the first run's PID",
                rc == 2 and "held by process %d" % first.pid in err, err)
    else:
        print("note: the first run ended before the second started; concurrency not checked")
    rc, err, _, s = r.run(["--input", big, "--workers", "1"], "lock2", out=out2)
    r.check("lock: the folder is usable after the first run", rc == 0 and "(1 resumed)" in err,
            err)


def scenario_output_inside_input(r, tmp):
    """Item 7: an output folder inside the input folder is not read as input; the run resumes."""
    for case, relative in (("nested-abs", False), ("nested-rel", True)):
        d = os.path.join(tmp, case, "in")
        os.makedirs(d)
        with open(os.path.join(d, "a.jsonl"), "w") as fh:
            for i in range(30):
                fh.write(json.dumps({"id": "a%d" % i, "text": "Dokumen nomor %d." % i}) + "\n")
        args = [".", "out"] if relative else [d, os.path.join(d, "out")]
        cmd = [r.kilang, "run", r.xo, "--input", args[0], "--output", args[1], "--progress", "none"]
        for attempt in ("first run", "rerun"):
            p = subprocess.run(cmd, cwd=d, capture_output=True, text=True)
            r.check("output inside input (%s): %s" % (case, attempt), p.returncode == 0 and
                    (attempt == "first run" or "(1 resumed)" in p.stderr), p.stderr)
        s2 = json.load(open(os.path.join(d, "out", "stats.json")))
        r.check("output inside input (%s): its shards are not inputs" % case,
                s2["read"] == 30 and s2["ignored_files"] == [] and s2["tasks"] == 1, str(s2))


def scenario_inputs(r, tmp):
    """Item 9: glob patterns, '-' (standard input), remote URLs refused before any folder is
    made, and a mistyped first command does not block the corrected one."""
    d = os.path.join(tmp, "inputs")
    for sub, n in (("a", 3), ("b/c", 4)):
        os.makedirs(os.path.join(d, sub))
        with open(os.path.join(d, sub, "x.jsonl"), "w") as fh:
            for i in range(n):
                fh.write(json.dumps({"id": "%s%d" % (sub, i), "text": "Teks %s %d." % (sub, i)})
                         + "\n")
    rc, err, _, s = r.run(["--input", os.path.join(d, "*", "x.jsonl")], "glob")
    r.check("inputs: a quoted glob is expanded", rc == 0 and s and s["kept"] == 3, err)
    rc, err, _, s = r.run(["--input", os.path.join(d, "**", "*.jsonl")], "glob2")
    r.check("inputs: '**' crosses folders (and matches none)", rc == 0 and s and s["kept"] == 7,
            err)
    rc, err, _, s = r.run(["--input", os.path.join(d, "*.nothing")], "glob3")
    r.check("inputs: a pattern matching nothing is named unreadable",
            rc == 1 and s and s["unreadable_inputs"][0]["reason"] == "no file matches this pattern",
            err)
    # Standard input.
    text = "".join(json.dumps({"id": "s%d" % i, "text": "Dari stdin %d." % i}) + "\n"
                   for i in range(5))
    out = r.out_dir("stdin")
    p = subprocess.run([r.kilang, "run", r.xo, "--input", "-", "--output", out, "--progress",
                        "none"], input=text, capture_output=True, text=True)
    s = json.load(open(os.path.join(out, "stats.json"))) if p.returncode == 0 else None
    r.check("inputs: '-' reads JSONL from standard input", s and s["kept"] == 5, p.stderr)
    p = subprocess.run([r.kilang, "run", r.xo, "--input", "-", "--output", out, "--progress",
                        "none"], input=text, capture_output=True, text=True)
    r.check("inputs: the same standard input again resumes", p.returncode == 0 and
            "(1 resumed)" in p.stderr, p.stderr)
    p = subprocess.run([r.kilang, "run", r.xo, "--input", "-", "--output", out, "--progress",
                        "none"], input=text + text, capture_output=True, text=True)
    r.check("inputs: other standard input is a changed input", p.returncode == 2 and
            "inputs changed" in p.stderr, p.stderr)
    # Remote URLs: a usage error, and no output folder.
    for url in ("s3://bucket/crawl/x.warc.gz", "hf://datasets/org/name", "https://x.id/a.jsonl"):
        out = r.out_dir("remote")
        rc, err, _, _ = r.run(["--input", url], "remote", out=out)
        r.check("inputs: %s is a usage error (exit 2)" % url.split(":")[0], rc == 2, err)
        r.check("inputs: %s: clear message" % url.split(":")[0],
                "remote inputs are not supported" in err, err)
        r.check("inputs: %s: no output folder made" % url.split(":")[0],
                not os.path.exists(out), out)
    # A mistyped first command, then the corrected one into the same folder.
    out = r.out_dir("typo")
    rc, err, _, _ = r.run(["--input", os.path.join(d, "a", "typo.jsonl")], "typo", out=out)
    r.check("inputs: a mistyped input is unreadable (exit 1)", rc == 1, err)
    rc, err, _, s = r.run(["--input", os.path.join(d, "a", "x.jsonl")], "typo", out=out)
    r.check("inputs: the corrected command runs in the same folder", rc == 0 and s and
            s["kept"] == 3 and s["unreadable"] == 0, err)


def scenario_set_stage_options(r, tmp):
    """Item 10: --set STAGE.KEY=VALUE reaches the filter stages, as docs/pipeline.md says."""
    d = os.path.join(tmp, "setopts")
    os.makedirs(d)
    sentence = "Pemerintah daerah itu akan membangun jalan dan jembatan baru di kota tersebut. "
    f = os.path.join(d, "docs.jsonl")
    with open(f, "w") as fh:  # 40-word documents: below gopher_quality's default 50
        for i in range(6):
            fh.write(json.dumps({"id": "d%d" % i, "text": (sentence * 4).strip()}) + "\n")
    cfg = os.path.join(d, "gq.yaml")
    with open(cfg, "w") as fh:
        fh.write("pipeline: [gopher_quality]\ndedup: {enabled: false}\n")
    rc, err, _, s = r.run(["--input", f], "setopts", config=cfg)
    r.check("--set: 40-word documents are short by default", rc == 0 and s and
            s["removed_by_stage"] == {"gopher_quality": {"gopher_short_doc": 6}}, err + str(s))
    rc, err, _, s = r.run(["--input", f, "--set", "gopher_quality.min_doc_words=30",
                           "--set", "gopher_quality.default_language=id"], "setopts", config=cfg)
    r.check("--set gopher_quality.min_doc_words=30 keeps them", rc == 0 and s and s["kept"] == 6,
            err + str(s))
    cfg2 = os.path.join(d, "lid.yaml")
    with open(cfg2, "w") as fh:
        fh.write("pipeline: [langid]\ndedup: {enabled: false}\n")
    rc, err, _, s = r.run(["--input", f, "--set", "langid.languages=[en]"], "setopts",
                          config=cfg2)
    r.check("--set langid.languages=[en] removes Indonesian", rc == 0 and s and
            s["removed_by_stage"] == {"langid": {"lang_not_allowed": 6}}, err + str(s))
    rc, err, _, s = r.run(["--input", f, "--set", "langid.threshold=0.9"], "setopts",
                          config=cfg2)
    r.check("--set langid.threshold=0.9 runs", rc == 0 and s and s["read"] == 6, err + str(s))
    rc, err, out, s = r.run(["--input", f, "--set", "langid.treshold=0.9"], "setopts",
                            config=cfg2)
    r.check("--set with an unknown stage option: exit 2 listing the known ones",
            rc == 2 and "unknown option 'treshold'" in err and "known: " in err, err)
    r.check("--set with an unknown stage option: no output folder", not os.path.exists(out), out)


def scenario_inspection(r, tmp):
    """Item 11: --limit, --dry-run, kilang config --print, kilang stages."""
    warc = os.path.join(SHARED, "warc")
    outs = []
    for attempt in range(2):
        rc, err, out, s = r.run(["--input", warc, "--limit", "7", "--workers", "2"], "limit")
        outs.append(out)
        r.check("--limit 7: seven documents read", rc in (0, 1) and s and
                s["kept"] + s["removed"] == 7 and s["limited"] is True and s["limit"] == 7,
                err + str(s))
    same = subprocess.run(["diff", "-r", "-x", "run.json", "-x", "facts.json", "-x", "report.html", outs[0], outs[1]],
                          capture_output=True).returncode == 0
    r.check("--limit: the same documents every time (workers 2)", same)
    rc, err, out, s = r.run(["--input", warc, "--limit", "7"], "limit", out=outs[0])
    r.check("--limit: a rerun resumes", rc in (0, 1) and "resumed" in err and s["kept"] == 7, err)
    # --dry-run: the plan, and nothing written.
    out = r.out_dir("dry")
    p = subprocess.run([r.kilang, "run", r.xo, "--input", warc, os.path.join(tmp, "nope.jsonl"),
                        "--output", out, "--dry-run"], capture_output=True, text=True)
    r.check("--dry-run: exit 0", p.returncode == 0, p.stderr)
    r.check("--dry-run: no output folder", not os.path.exists(out))
    r.check("--dry-run: lists the tasks and inputs",
            "tasks: 9" in p.stdout and "dolma-sample-0000.warc.gz" in p.stdout and
            "nope.jsonl: not found" in p.stdout, p.stdout[:2000])
    r.check("--dry-run: prints the effective config", "effective config:" in p.stdout and
            "pipeline:\n  - extract:" in p.stdout, p.stdout[-2000:])
    p = subprocess.run([r.kilang, "run", "--input", "s3://b/x", "--output", out, "--dry-run"],
                       capture_output=True, text=True)
    r.check("--dry-run: the same usage errors", p.returncode == 2, p.stderr)
    # config --print: every option, and it reads back to the same text.
    cfg1 = os.path.join(tmp, "printed.yaml")
    p = subprocess.run([r.kilang, "config", "--print", "--set", "langid.threshold=0.8",
                        "--set", "run.limit=3"], capture_output=True, text=True)
    open(cfg1, "w").write(p.stdout)
    p2 = subprocess.run([r.kilang, "config", cfg1, "--print"], capture_output=True, text=True)
    r.check("config --print: exit 0 and reads back to the same config",
            p.returncode == 0 and p2.returncode == 0 and p.stdout == p2.stdout, p2.stderr)
    r.check("config --print: the --set values and the defaults",
            "threshold: 0.8 " in p.stdout and "limit: 3 " in p.stdout and
            "min_doc_words: 50 " in p.stdout and "jsonl_text_key: text,raw_content,content" in
            p.stdout, p.stdout)
    # kilang stages: every stage, and every option config --print shows.
    p = subprocess.run([r.kilang, "stages"], capture_output=True, text=True)
    r.check("stages: exit 0", p.returncode == 0, p.stderr)
    for stage in ("extract", "langid", "gopher_quality", "gopher_repetition", "c4",
                  "fineweb_quality", "pii"):
        r.check("stages: lists %s" % stage, ("\n%s  (" % stage) in p.stdout, p.stdout[:300])
    import re
    keys = re.findall(r"^      (\w+):", open(cfg1).read(), re.M)
    missing = [k for k in keys if ("    %s " % k) not in p.stdout]
    r.check("stages: every stage option with type and default", keys and not missing and
            "min_doc_words              int, default 50" in p.stdout, str(missing))


def scenario_pipeline_sanity(r, tmp):
    """Item 12: stage orders that cannot work are usage errors, found before any folder is made;
    pages with no extract stage are an error (page files) or a named warning (WARC)."""
    d = os.path.join(tmp, "sanity")
    os.makedirs(os.path.join(d, "pages"))
    with open(os.path.join(d, "pages", "a.html"), "w") as fh:
        fh.write("<html><body><p>Sebuah halaman.</p></body></html>")
    warc = os.path.join(SHARED, "warc", "dolma-sample-0000.warc.gz")
    cases = [
        ("[langid, extract]", "pipeline: [langid, extract]\n", warc, "'langid' comes before 'extract'"),
        ("[extract, gopher_quality, langid]", "pipeline: [extract, gopher_quality, langid]\n",
         warc, "'gopher_quality' picks its rules by metadata.lang"),
        ("page files without extract", "pipeline: [langid]\n", os.path.join(d, "pages"),
         "no 'extract' stage"),
    ]
    for i, (label, yaml, inp, words) in enumerate(cases):
        cfg = os.path.join(d, "c%d.yaml" % i)
        open(cfg, "w").write(yaml)
        rc, err, out, _ = r.run(["--input", inp], "sanity", config=cfg)
        r.check("pipeline %s: usage error (exit 2)" % label, rc == 2, "rc=%d %s" % (rc, err))
        r.check("pipeline %s: says why" % label, words in err, err)
        r.check("pipeline %s: no output folder left" % label, not os.path.exists(out), out)
    cfg = os.path.join(d, "none.yaml")
    open(cfg, "w").write("pipeline: []\ndedup: {enabled: false}\n")
    rc, err, _, s = r.run(["--input", warc], "sanity", config=cfg)
    r.check("pipeline []: WARC pages are read, with a warning naming the missing extract stage",
            rc == 0 and s and s["kept"] == 22 and any(
                "22 page(s) were not extracted" in w["reason"] for w in s["warnings"]), err)


def scenario_within_file_parallelism(r, tmp):
    """Item 13: one big file uses every worker (its documents go in batches to idle workers),
    and the output is the same as with one worker."""
    import re
    d = os.path.join(tmp, "bigfile")
    os.makedirs(d)
    subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "scripts", "make_run_corpus.py"),
                    "--src", os.path.join(SHARED, "aeb", "html"), "--out", d, "--files", "1",
                    "--mb-per-file", "30", "--level", "1"], check=True, capture_output=True)
    warc = os.path.join(d, "corpus-00000.warc.gz")
    lines = []
    for i in range(20000):
        lines.append(json.dumps({"id": "j%d" % i, "text": "Kalimat nomor %d dalam berkas besar. "
                                 "Isinya cukup panjang untuk diperiksa oleh semua filter." % i}))
    jl = os.path.join(d, "big.jsonl")
    open(jl, "w").write("\n".join(lines) + "\n")
    subprocess.run(["zstd", "-q", "-f", jl, "-o", jl + ".zst"], check=True)
    for label, inp in (("per-record gzip WARC", warc), ("plain JSONL", jl),
                       ("zstd JSONL", jl + ".zst")):
        outs = []
        for workers in ("1", "2"):
            out = r.out_dir("bigfile")
            p = subprocess.run([r.kilang, "run", "--input", inp, "--output", out, "--workers",
                                workers, "--progress", "none"], capture_output=True, text=True)
            outs.append(out)
            ok = p.returncode == 0
            r.check("%s, --workers %s: runs" % (label, workers), ok, p.stderr[-1000:])
            if workers == "2" and ok:
                m = re.search(r"CPU seconds per worker: ([0-9.]+), ([0-9.]+)", p.stderr)
                a, b = (float(m.group(1)), float(m.group(2))) if m else (0, 0)
                r.check("%s, --workers 2: both workers processed documents (%.2f, %.2f CPU s)"
                        % (label, a, b), m and min(a, b) > 0.05 * (a + b), p.stderr[-1000:])
        same = subprocess.run(["diff", "-r", "-x", "run.json", "-x", "facts.json", "-x", "report.html", outs[0], outs[1]],
                              capture_output=True).returncode == 0
        r.check("%s: --workers 1 and 2 give the same output" % label, same)


def scenario_removed_modes(r, tmp):
    """Item 14: --removed full|meta|none: what removed/ holds; the counts never change."""
    warc = os.path.join(SHARED, "warc")
    shown = {}
    for mode in ("full", "meta", "none"):
        rc, err, out, s = r.run(["--input", warc, "--removed", mode], "removed", config=None)
        recs = []
        rd = os.path.join(out, "removed")
        for f in sorted(os.listdir(rd)) if os.path.isdir(rd) else []:
            recs += [json.loads(l) for l in subprocess.run(
                ["zstdcat", os.path.join(rd, f)], capture_output=True, text=True).stdout.splitlines()]
        shown[mode] = (s, recs)
        r.check("--removed %s: runs" % mode, rc in (0, 1) and s is not None, err[-500:])
    (sf, full), (sm, meta), (sn, none) = shown["full"], shown["meta"], shown["none"]
    r.check("--removed: the same counts in every mode", sf and sm and sn and
            sf["removed_by_stage"] == sm["removed_by_stage"] == sn["removed_by_stage"] and
            sf["removed"] > 0, str(sf and sf["removed_by_stage"]))
    r.check("--removed full: every removed document whole, with stage and reason",
            len(full) == sf["removed"] and all("text" in x and x["metadata"]["stage"] and
                                               x["metadata"]["reason"] for x in full))
    by_id = {x["id"]: x for x in full}
    ok = len(meta) == sm["removed"]
    for x in meta:
        f = by_id.get(x["id"])
        ok = ok and f is not None and "text" not in x and set(x["metadata"]) <= {
            "url", "source", "stage", "reason", "length"} and \
            x["metadata"]["stage"] == f["metadata"]["stage"] and \
            x["metadata"]["reason"] == f["metadata"]["reason"] and \
            x["metadata"]["length"] == len(f["text"].encode())
    r.check("--removed meta: id, url, source, stage, reason and length only", ok,
            json.dumps(meta[:2]))
    r.check("--removed none: no removed records written", none == [], str(len(none)))


def scenario_exit_codes_and_signals(r, tmp):
    """Item 15: exit 1 only for unreadable input, 3 for an output that cannot be written; Ctrl-C
    and SIGTERM stop cleanly (no temporary file, a resume hint) and the rerun resumes; the
    progress line shows kept and removed."""
    import signal
    import time
    d = os.path.join(tmp, "signals")
    os.makedirs(d)
    good = os.path.join(d, "a.jsonl")
    open(good, "w").write(json.dumps({"id": "a", "text": "Satu dokumen."}) + "\n")
    rc, err, _, _ = r.run(["--input", good], "exit")
    r.check("exit 0 when everything was read", rc == 0, err)
    rc, err, _, _ = r.run(["--input", good, os.path.join(d, "missing.jsonl")], "exit")
    r.check("exit 1 when some input is unreadable", rc == 1, err)
    blocker = os.path.join(d, "a-file")
    open(blocker, "w").write("x")
    rc, err, _, _ = r.run(["--input", good], "exit", out=os.path.join(blocker, "out"))
    r.check("exit 3 when the output folder cannot be created", rc == 3 and
            "cannot create the output folder" in err, "rc=%d %s" % (rc, err))
    if os.geteuid() == 0 and r.nobody:
        ro = os.path.join(d, "readonly")
        os.makedirs(ro)
        os.chmod(ro, 0o555)
        rc, err, _, _ = r.run(["--input", good], "exit", out=os.path.join(ro, "out"),
                              as_nobody=True)
        r.check("exit 3 when the output folder is not writable", rc == 3, "rc=%d %s" % (rc, err))
    # Signals, on a corpus that takes a few seconds.
    subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "scripts", "make_run_corpus.py"),
                    "--src", os.path.join(SHARED, "aeb", "html"), "--out", d, "--files", "2",
                    "--mb-per-file", "20", "--level", "1"], check=True, capture_output=True)
    inputs = [os.path.join(d, "corpus-0000%d.warc.gz" % i) for i in range(2)]
    ref = r.out_dir("signal-ref")
    p = subprocess.run([r.kilang, "run", "--input"] + inputs + ["--output", ref, "--progress",
                       "plain", "--set", "run.progress_interval=0.2", "--workers", "2"],
                       capture_output=True, text=True)
    r.check("the progress line shows kept and removed so far", p.returncode == 0 and
            "(kept " in p.stderr and ", removed " in p.stderr, p.stderr[-500:])
    for sig, code in ((signal.SIGINT, 130), (signal.SIGTERM, 143)):
        out = r.out_dir("signal")
        cmd = [r.kilang, "run", "--input"] + inputs + ["--output", out, "--progress", "none",
                                                       "--workers", "2"]
        p = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
        for _ in range(400):  # until the run is under way
            if os.path.isdir(os.path.join(out, ".kilang", "done")):
                break
            time.sleep(0.01)
        time.sleep(0.3)
        p.send_signal(sig)
        err = p.communicate()[1]
        name = signal.Signals(sig).name
        if p.returncode == 0:
            print("note: the run ended before %s arrived; not checked" % name)
            continue
        r.check("%s: exit %d" % (name, code), p.returncode == code, "rc=%d %s" % (p.returncode,
                                                                                 err))
        r.check("%s: says how to resume" % name,
                "run the same command again to resume" in err, err)
        tmps = [f for root, _, fs in os.walk(out) for f in fs if ".tmp." in f]
        r.check("%s: no temporary files left" % name, tmps == [], str(tmps))
        p2 = subprocess.run(cmd, capture_output=True, text=True)
        same = subprocess.run(["diff", "-r", "-x", "run.json", "-x", "facts.json", "-x", "report.html", ref, out],
                              capture_output=True).returncode == 0
        r.check("%s: the rerun completes the same output" % name, p2.returncode == 0 and same,
                p2.stderr[-500:])


SCENARIOS = {
    "exit_codes_and_signals": scenario_exit_codes_and_signals,
    "removed_modes": scenario_removed_modes,
    "within_file_parallelism": scenario_within_file_parallelism,
    "pipeline_sanity": scenario_pipeline_sanity,
    "inspection": scenario_inspection,
    "set_stage_options": scenario_set_stage_options,
    "inputs": scenario_inputs,
    "output_inside_input": scenario_output_inside_input,
    "lock": scenario_lock,
    "changed_input": scenario_changed_input,
}


def main():
    kilang = os.path.abspath(sys.argv[1])
    only = sys.argv[2:]
    tmp = tempfile.mkdtemp(prefix="kilang-hostile-")
    os.chmod(tmp, 0o755)  # cases run as user nobody read the corpus and write their output here
    os.makedirs(os.path.join(tmp, "out"))
    os.chmod(os.path.join(tmp, "out"), 0o777)
    try:
        corpus = os.path.join(tmp, "corpus")
        subprocess.run([sys.executable, os.path.join(HERE, "make_corpus.py"), SHARED, corpus],
                       check=True)
        with open(os.path.join(corpus, "cases.json")) as f:
            cases = json.load(f)
        r = Runner(kilang, tmp)
        baselines = {}
        for name in sorted(cases):
            if only and not any(o in name for o in only):
                continue
            check_case(r, name, cases[name], baselines)
        for name, fn in sorted(SCENARIOS.items()):
            if only and not any(o in name for o in only):
                continue
            fn(r, tmp)
        print("hostile: %d passed, %d failed" % (r.passed, len(r.failed)))
        return 1 if r.failed else 0
    finally:
        subprocess.run(["chmod", "-R", "u+rwx", tmp])
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
