#!/usr/bin/env python3
"""Runs every YAML example of the docs (README.md, docs/*.md) through kilang, so the docs stay in
step with the code (issue 12, item 16).

usage: docs_yaml_test.py path/to/kilang

Each ```yaml block must be a `kilang run` config: `kilang config FILE --print` must accept it,
and `kilang run FILE --dry-run` (on a small JSONL input) must too, which also builds its stages
and checks the pipeline's order. A block that is not a run config must be preceded by the line
<!-- yaml: not a run config -->. Prints "N passed, M failed"; exits 1 on any failure.
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def blocks(path):
    text = open(path, encoding="utf-8").read()
    for m in re.finditer(r"(?m)^```yaml\n(.*?)^```", text, re.S):
        before = text[:m.start()].rstrip().splitlines()
        skip = bool(before) and before[-1].strip() == "<!-- yaml: not a run config -->"
        line = text[:m.start()].count("\n") + 1
        yield line, m.group(1), skip


def main():
    kilang = os.path.abspath(sys.argv[1])
    files = [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))
    passed, failed = 0, []
    with tempfile.TemporaryDirectory(prefix="kilang-docs-") as tmp:
        jsonl = os.path.join(tmp, "in.jsonl")
        open(jsonl, "w").write('{"id": "a", "text": "Satu dokumen pendek."}\n')
        n = 0
        for path in files:
            for line, yaml, skip in blocks(path):
                if skip:
                    continue
                n += 1
                name = "%s:%d" % (os.path.relpath(path, ROOT), line)
                cfg = os.path.join(tmp, "c%d.yaml" % n)
                open(cfg, "w").write(yaml)
                for cmd in ([kilang, "config", cfg, "--print"],
                            [kilang, "run", cfg, "--input", jsonl, "--output",
                             os.path.join(tmp, "out%d" % n), "--dry-run"]):
                    p = subprocess.run(cmd, capture_output=True, text=True)
                    if p.returncode == 0:
                        passed += 1
                    else:
                        failed.append(name)
                        print("FAIL: %s: %s: %s" % (name, " ".join(cmd[1:3]), p.stderr.strip()),
                              file=sys.stderr)
        if n == 0:
            failed.append("no yaml block found")
    print("docs yaml: %d passed, %d failed" % (passed, len(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
