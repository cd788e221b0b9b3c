#!/usr/bin/env bash
# Verdict identity of two kilang builds: runs the default filter stages (langid, gopher_quality,
# gopher_repetition, fineweb_quality, pii; dedup off) of both binaries over the same documents and
# compares, per document, kept/removed, the removing stage and reason, the language and a hash of
# the kept text. For speed work that must not change any result.
#
#   scripts/verdict_check.sh OLD_KILANG NEW_KILANG
#
# Documents (built under a temporary folder, from ../shared/data): the AEB gold article bodies,
# the AEB page-text dumps (whole pages, boilerplate included) and the texts NEW_KILANG extracts
# from the shared WARC files. Prints IDENTICAL and exits 0, or prints the differing verdicts
# (old "<", new ">") and exits 1. Needs /usr/bin/python3 and zstdcat. Env: SHARED (default
# ../shared beside the repository), KEEP_TMP=1 keeps the folder.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ $# -ne 2 ]]; then
  echo "usage: $0 OLD_KILANG NEW_KILANG" >&2
  exit 2
fi
old="$(realpath "$1")"
new="$(realpath "$2")"
shared="${SHARED:-$here/../shared}"
for b in "$old" "$new"; do
  [[ -x "$b" ]] || { echo "$0: not an executable: $b" >&2; exit 2; }
done
[[ -d "$shared/data/aeb/gold" ]] || { echo "$0: no $shared/data/aeb/gold (set SHARED)" >&2; exit 2; }
tmp="$(mktemp -d /tmp/kilang-verdicts.XXXXXX)"
[[ -n "${KEEP_TMP:-}" ]] || trap 'rm -rf "$tmp"' EXIT

cat > "$tmp/extract.yaml" <<'YAML'
pipeline:
  - extract
dedup:
  enabled: false
YAML
cat > "$tmp/filters.yaml" <<'YAML'
pipeline:
  - langid
  - gopher_quality
  - gopher_repetition
  - fineweb_quality
  - pii
dedup:
  enabled: false
YAML

# Texts of the WARC records, extracted once (by the new build) so both builds filter the same.
"$new" run "$tmp/extract.yaml" --input "$shared/data/warc" --output "$tmp/warc" --progress none \
  --workers 1 > /dev/null 2>&1 || true
/usr/bin/python3 - "$shared" "$tmp" <<'PY'
import glob, json, os, subprocess, sys
shared, tmp = sys.argv[1], sys.argv[2]
out = open(os.path.join(tmp, "corpus.jsonl"), "w")
def put(i, text):
    if text:
        out.write(json.dumps({"id": i, "text": text}) + "\n")
for f in sorted(glob.glob(os.path.join(shared, "data/aeb/gold/*.json"))):
    put("gold-" + os.path.basename(f), json.load(open(f)).get("articleBody") or "")
for f in sorted(glob.glob(os.path.join(shared, "data/aeb/pagetext/*.txt"))):
    put("page-" + os.path.basename(f), open(f, encoding="utf-8", errors="replace").read())
n = 0
for f in sorted(glob.glob(os.path.join(tmp, "warc/part-*.jsonl.zst"))):
    for line in subprocess.run(["zstdcat", f], capture_output=True, text=True).stdout.splitlines():
        put("warc-%d" % n, json.loads(line).get("text") or "")
        n += 1
PY
docs=$(wc -l < "$tmp/corpus.jsonl")

verdicts() {  # BIN NAME -> $tmp/NAME.txt: "id KEEP lang md5" or "id stage reason"
  if ! "$1" run "$tmp/filters.yaml" --input "$tmp/corpus.jsonl" --output "$tmp/out-$2" \
    --progress none --workers 1 > "$tmp/$2.log" 2>&1; then
    echo "$0: $1 run failed:" >&2
    tail -5 "$tmp/$2.log" >&2
    exit 1
  fi
  { for f in "$tmp/out-$2"/part-*.jsonl.zst; do [[ -e "$f" ]] && zstdcat "$f"; done; } |
    /usr/bin/python3 -c '
import hashlib, json, sys
for l in sys.stdin:
    d = json.loads(l)
    print(d["id"], "KEEP", d["metadata"].get("lang"), hashlib.md5(d["text"].encode()).hexdigest()[:12])' \
    > "$tmp/$2.txt"
  { for f in "$tmp/out-$2"/removed/part-*.jsonl.zst; do [[ -e "$f" ]] && zstdcat "$f"; done; } |
    /usr/bin/python3 -c '
import json, sys
for l in sys.stdin:
    d = json.loads(l)
    m = d["metadata"]
    print(d["id"], m.get("stage"), m.get("reason"))' >> "$tmp/$2.txt"
  sort -o "$tmp/$2.txt" "$tmp/$2.txt"
}
verdicts "$old" old
verdicts "$new" new
n_old=$(wc -l < "$tmp/old.txt")
n_new=$(wc -l < "$tmp/new.txt")
echo "documents: $docs; verdicts: old $n_old, new $n_new"
if [[ "$n_old" -ne "$docs" || "$n_new" -ne "$docs" ]]; then
  echo "$0: a build did not give one verdict per document" >&2
  exit 1
fi
if diff "$tmp/old.txt" "$tmp/new.txt"; then
  echo IDENTICAL
  awk '{print $2, $3}' "$tmp/new.txt" | sed 's/^KEEP .*/kept/' | sort | uniq -c | sort -rn | head -12
else
  exit 1
fi
