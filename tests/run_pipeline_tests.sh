#!/usr/bin/env bash
# End-to-end tests of `kilang run`: a run over the real WARC samples, the stats invariant,
# byte-identical output across --workers 1/2, resume after kill -9 mid-run, bad inputs, usage
# errors. usage: tests/run_pipeline_tests.sh path/to/kilang
# Prints "N passed, M failed" and exits non-zero on any failure.
set -u
KILANG="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="$ROOT/../shared/data"
T="$(mktemp -d)"
trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
pass=0; fail=0
check() {  # check NAME CONDITION...
  local name="$1"; shift
  if "$@"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $name" >&2; fi
}
run() {  # run ARGS... -> sets rc, err
  "$KILANG" "$@" >"$T/out" 2>"$T/err"; rc=$?
  err="$(cat "$T/err")"
}
has() { grep -q -- "$2" <<<"$1"; }
py() { /usr/bin/python3 -c "$@"; }
invariant() {  # invariant DIR: stats.json has read = kept + removed + unreadable, lists match
  py "import json,sys; s=json.load(open(sys.argv[1]+'/stats.json'))
assert all(isinstance(s[k],int) for k in ('read','kept','removed','unreadable')), s
assert s['read']==s['kept']+s['removed']+s['unreadable'], s
assert len(s['unreadable_inputs'])==s['unreadable'], s
assert all('file' in u and 'offset' in u for u in s['unreadable_inputs'])" "$1"
}
same_output() {  # same_output A B: identical files, except those holding times: the run manifest
  # (start time), the run's facts and the report (timings; docs/report.md)
  diff -r -x run.json -x facts.json -x report.html "$1" "$2" >/dev/null
}
count_docs() {  # count_docs DIR: kept documents in the shards
  local n=0; for f in "$1"/part-*; do [ -f "$f" ] && n=$((n + $(zstdcat "$f" | wc -l))); done; echo $n
}

# The I/O and accounting checks below count documents, so they run extraction alone (and no
# corpus dedup); the default pipeline (with its filters and dedup) is checked after them.
printf 'pipeline: [extract]\ndedup: {enabled: false}\n' >"$T/extract-only.yaml"
XO="$T/extract-only.yaml"

# --- the real WARC samples ---
run run "$XO" --input "$SHARED/warc" --output "$T/w1" --workers 1
check "warc samples: exit 1 (the clipped file has an unreadable record)" test $rc -eq 1
check "warc samples: stats invariant" invariant "$T/w1"
check "warc samples: clipped file named with offset on stderr" has "$err" "resiliparse-clipped.warc.gz#0: corrupt input: truncated"
check "warc samples: 98 documents kept" test "$(count_docs "$T/w1")" -eq 98
check "warc samples: records carry url, source and warc_date" py "
import json,subprocess,sys
for line in subprocess.run(['zstdcat',sys.argv[1]+'/part-00000.jsonl.zst'],capture_output=True,text=True).stdout.splitlines():
    m=json.loads(line)['metadata']
    assert m['url'].startswith('http') and '#' in m['source'] and m['warc_date'], m" "$T/w1"
check "warc samples: skipped records counted by reason" py "
import json,sys; s=json.load(open(sys.argv[1]+'/stats.json'))
assert s['skipped_by_reason']['warc_type:request']==71 and s['skipped']==sum(s['skipped_by_reason'].values()), s" "$T/w1"
run run "$XO" --input "$SHARED/warc" --output "$T/w2" --workers 2
check "workers 1 and 2 give identical output" same_output "$T/w1" "$T/w2"
run run "$XO" --input "$SHARED/warc" --output "$T/w2" --workers 2
check "rerun of a finished run redoes nothing" has "$err" "(8 resumed)"
check "rerun of a finished run keeps the output" same_output "$T/w1" "$T/w2"
run run "$XO" --input "$SHARED/warc" --output "$T/w3" --compression gzip --workers 2
check "gzip shards on request" test -f "$T/w3/part-00000.jsonl.gz"

# --- the default pipeline: extract, language ID, quality filters, PII ---
run run --input "$SHARED/warc" --output "$T/d1" --workers 1
check "default pipeline: stats invariant" invariant "$T/d1"
check "default pipeline: filters remove with stage and reason" py "
import json,subprocess,sys
s=json.load(open(sys.argv[1]+'/stats.json'))
assert s['removed']>0 and set(s['removed_by_stage'])<={'langid','gopher_quality','gopher_repetition','fineweb_quality','pii','exact_dedup','minhash_dedup','line_dedup'}, s
for line in subprocess.run(['zstdcat']+[sys.argv[1]+'/removed/'+f for f in __import__('os').listdir(sys.argv[1]+'/removed')],capture_output=True,text=True).stdout.splitlines():
    m=json.loads(line)['metadata']; assert m['stage'] and m['reason'], m
for line in subprocess.run(['zstdcat',sys.argv[1]+'/part-00000.jsonl.zst'],capture_output=True,text=True).stdout.splitlines():
    m=json.loads(line)['metadata']; assert m['lang'] and m['lang_score']>0, m" "$T/d1"
run run --input "$SHARED/warc" --output "$T/d2" --workers 2
check "default pipeline: workers 1 and 2 give identical output" same_output "$T/d1" "$T/d2"

# --- resume after kill -9 ---
/usr/bin/python3 "$ROOT/scripts/make_run_corpus.py" --src "$SHARED/aeb/html" --out "$T/corpus" \
  --files 16 --mb-per-file 2.5 --level 1 >/dev/null
"$KILANG" run --input "$T/corpus" --output "$T/ref" --workers 2 --progress none 2>/dev/null
check "reference run succeeds" invariant "$T/ref"
killed_mid=0
for attempt in 1 2 3; do
  rm -rf "$T/killed"
  "$KILANG" run --input "$T/corpus" --output "$T/killed" --workers 1 --progress none 2>/dev/null &
  pid=$!
  for _ in $(seq 1 400); do  # wait for the first finished task, then kill
    [ "$(ls "$T/killed/.kilang/done" 2>/dev/null | grep -c '\.json$')" -ge 1 ] && break
    sleep 0.02
  done
  kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
  done_n=$(ls "$T/killed/.kilang/done" 2>/dev/null | grep -c '\.json$')
  if [ "$done_n" -ge 1 ] && [ "$done_n" -lt 16 ]; then killed_mid=1; break; fi
done
check "kill -9 landed mid-run" test $killed_mid -eq 1
check "no stats.json after a killed run" test ! -f "$T/killed/stats.json"
check "visible shards of a killed run are complete" bash -c 'for f in "$1"/part-*.jsonl.zst; do [ -f "$f" ] || continue; zstd -tq "$f" || exit 1; done' _ "$T/killed"
# Kill the resumed run too, once it has finished one more task.
"$KILANG" run --input "$T/corpus" --output "$T/killed" --workers 1 --progress none 2>/dev/null &
pid=$!
for _ in $(seq 1 400); do
  [ "$(ls "$T/killed/.kilang/done" | grep -c '\.json$')" -gt "$done_n" ] && break
  sleep 0.02
done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
done_n=$(ls "$T/killed/.kilang/done" | grep -c '\.json$')
"$KILANG" run --input "$T/corpus" --output "$T/killed" --workers 2 --progress none 2>"$T/err"
check "resumed run skips finished tasks" grep -q "($done_n resumed)" "$T/err"
check "resumed run equals the uninterrupted one" same_output "$T/ref" "$T/killed"
check "resumed run leaves no temporary files" test -z "$(find "$T/killed" -name '*.tmp.*')"

# --- bad inputs: counted with file and offset, the run goes on ---
B="$T/bad"; mkdir -p "$B"
: >"$B/empty.warc.gz"
printf 'this is not a WARC file at all\n' >"$B/garbage.warc"
printf '{"id":"a","text":"satu"}\nnot json\n{"id":"c"}\n{"id":"d","text":"bad \xff utf8"}\n{"id":"e","text":"lima"}\n' >"$B/lines.jsonl"
head -c 100000 "$T/corpus/corpus-00000.warc.gz" >"$B/cut.warc.gz"
ln -s "$B/nowhere.warc.gz" "$B/dangling.warc.gz"
run run "$XO" --input "$B" "$T/missing.jsonl" --output "$T/b1" --workers 2
check "bad inputs: exit 1" test $rc -eq 1
check "bad inputs: stats invariant" invariant "$T/b1"
check "bad inputs: each one listed" py "
import json,sys; s=json.load(open(sys.argv[1]+'/stats.json'))
why={(u['file'].split('/')[-1],u['offset']):u['reason'] for u in s['unreadable_inputs']}
assert any(f=='garbage.warc' and 'no WARC/ version line' in r for (f,o),r in why.items()), why
assert ('lines.jsonl',25) in why and 'not JSON' in why[('lines.jsonl',25)], why
assert any(f=='lines.jsonl' and 'no \"text\" key' in r for (f,o),r in why.items()), why
assert any(f=='lines.jsonl' and 'invalid UTF-8' in r for (f,o),r in why.items()), why
assert any(f=='cut.warc.gz' and 'truncated' in r for (f,o),r in why.items()), why
assert any(f=='missing.jsonl' and 'not found' in r for (f,o),r in why.items()), why
assert any(f=='dangling.warc.gz' for (f,o),r in why.items()), why
assert any(w['file'].endswith('empty.warc.gz') for w in s['warnings']), s['warnings']
assert s['kept']==2, s" "$T/b1"
check "bad inputs: reasons on stderr" has "$err" "lines.jsonl#25: corrupt input: not JSON"

# --- usage errors: exit 2 ---
run run --input "$SHARED/warc"; check "missing --output is a usage error" test $rc -eq 2
run run --input "$SHARED/warc" --output "$T/u1" --executor slurm
check "slurm executor: exit 2" test $rc -eq 2
check "slurm executor: says not implemented" has "$err" "not implemented yet"
printf 'run:\n  workers: 2\npipeline:\n  - extract:\n      fromat: html\n' >"$T/bad.yaml"
run run "$T/bad.yaml" --input "$SHARED/warc" --output "$T/u2"
check "unknown config key: exit 2" test $rc -eq 2
check "unknown config key: named with its line" has "$err" "bad.yaml:5: unknown key 'fromat'"
printf 'run:\n  workers: lots\n' >"$T/bad2.yaml"
run run "$T/bad2.yaml" --input "$SHARED/warc" --output "$T/u3"
check "bad config value: named with its line" has "$err" "bad2.yaml:2: run.'workers': bad value 'lots'"
run run --input "$SHARED/warc/dolma-sample-0000.warc.gz" --output "$T/w1"
check "another run into a used folder is refused" test $rc -eq 2
printf 'pipeline:\n  - extract: {format: html}\ninput:\n  jsonl_text_key: body\n' >"$T/good.yaml"
printf '{"id":"x","body":"<html><body><p>Halo dunia ini adalah paragraf.</p></body></html>"}\n' >"$T/h.jsonl"
run run "$T/good.yaml" --input "$T/h.jsonl" --output "$T/c1" --set input.jsonl_extract=true
check "config + --set: runs" test $rc -eq 0
check "config + --set: JSONL text extracted as HTML" py "
import json,subprocess,sys
r=json.loads(subprocess.run(['zstdcat',sys.argv[1]+'/part-00000.jsonl.zst'],capture_output=True,text=True).stdout)
assert '<' not in r['text'] and 'Halo' in r['text'], r" "$T/c1"

# --- corpus dedup (exact, MinHash, repeated lines) after the per-document stages ---
# Two JSONL files of aeb gold article texts: 6 originals, then 2 exact copies, 2 lightly edited
# copies (one word in 100 replaced) and 2 more originals.
py "
import glob,json,sys
docs=[json.load(open(f))['articleBody'] for f in sorted(glob.glob(sys.argv[1]+'/*.json'))]
docs=[d for d in docs if len(d.split())>400][:8]
def edit(t):
    w=t.split(' ')
    return ' '.join('zzyzx' if i%100==50 else x for i,x in enumerate(w))
with open(sys.argv[2]+'/dd-a.jsonl','w') as a:
    for i in range(6): a.write(json.dumps({'id':'orig%d'%i,'text':docs[i]})+'\n')
with open(sys.argv[2]+'/dd-b.jsonl','w') as b:
    for i in range(2): b.write(json.dumps({'id':'copy%d'%i,'text':docs[i]})+'\n')
    for i in range(2,4): b.write(json.dumps({'id':'near%d'%i,'text':edit(docs[i])})+'\n')
    for i in range(6,8): b.write(json.dumps({'id':'orig%d'%i,'text':docs[i]})+'\n')
" "$SHARED/aeb/gold" "$T"
DDIN=("$T/dd-a.jsonl" "$T/dd-b.jsonl")
printf 'pipeline: [extract]\n' >"$T/dd.yaml"  # extraction alone, dedup on (the default)
DX="$T/dd.yaml"
# dd1/dd2 keep the intermediate files (as they exist while the phase runs), so that state lost
# "as a kill would" below can be rebuilt; dd3 checks the default removal.
KEEP=(--keep-intermediate)
run run "$DX" --input "${DDIN[@]}" --output "$T/dd1" --workers 1 "${KEEP[@]}"
check "dedup: run succeeds" test $rc -eq 0
check "dedup: stats invariant" invariant "$T/dd1"
check "dedup: duplicates removed with stage and reason, one per cluster kept" py "
import json,subprocess,sys,glob
d=sys.argv[1]; s=json.load(open(d+'/stats.json'))
assert s['read']==12 and s['kept']==8 and s['removed']==4, s
assert s['removed_by_stage']=={'exact_dedup':{'exact_duplicate':2},'minhash_dedup':{'minhash_duplicate':2}}, s
assert s['dedup']['clusters']>=2 and s['dedup']['exact_duplicates']==2, s
kept=[json.loads(l) for f in sorted(glob.glob(d+'/part-*')) for l in subprocess.run(['zstdcat',f],capture_output=True,text=True).stdout.splitlines()]
assert sorted(r['id'] for r in kept)==sorted('orig%d'%i for i in range(8)), [r['id'] for r in kept]
rem=[json.loads(l) for f in glob.glob(d+'/removed/dedup-*') for l in subprocess.run(['zstdcat',f],capture_output=True,text=True).stdout.splitlines()]
st={r['id']:(r['metadata']['stage'],r['metadata']['reason']) for r in rem}
assert st=={'copy0':('exact_dedup','exact_duplicate'),'copy1':('exact_dedup','exact_duplicate'),'near2':('minhash_dedup','minhash_duplicate'),'near3':('minhash_dedup','minhash_duplicate')}, st
" "$T/dd1"
run run "$DX" --input "${DDIN[@]}" --output "$T/dd2" --workers 2 "${KEEP[@]}"
check "dedup: workers 1 and 2 give identical output" same_output "$T/dd1" "$T/dd2"
# Lose the dedup phase's work on one shard as a kill would (marker and final shard gone).
rm -f "$T/dd2/.kilang/dedup/done/part-00001.json" "$T/dd2/part-00001.jsonl.zst" "$T/dd2/stats.json"
run run "$DX" --input "${DDIN[@]}" --output "$T/dd2" --workers 2 "${KEEP[@]}"
check "dedup: resumed dedup phase equals the uninterrupted run" same_output "$T/dd1" "$T/dd2"
# Default: the stage-1 shards and dedup work files go once the run completes; the output is the
# same, and running the completed run again changes nothing.
run run "$DX" --input "${DDIN[@]}" --output "$T/dd5" --workers 2
check "dedup: intermediates removed after the run" test $rc -eq 0 -a ! -e "$T/dd5/.kilang/dedup/work" -a -z "$(ls -A "$T/dd5/.kilang/stage1" 2>/dev/null)"
check "dedup: stats.json says the intermediates were removed" grep -q '"intermediate": "removed"' "$T/dd5/stats.json"
same_but_intermediate() {  # the output of a run that kept its intermediates and one that did not
  diff -r -x run.json -x .kilang -x stats.json -x report.html "$1" "$2" >/dev/null &&
    diff <(sed 's/"intermediate": "[a-z]*"//' "$1/stats.json") \
         <(sed 's/"intermediate": "[a-z]*"//' "$2/stats.json") >/dev/null
}
check "dedup: same output without intermediates" same_but_intermediate "$T/dd1" "$T/dd5"
run run "$DX" --input "${DDIN[@]}" --output "$T/dd5" --workers 1
check "dedup: rerun of a completed run succeeds unchanged" same_but_intermediate "$T/dd1" "$T/dd5"
# A kill -9 during the dedup phase (if it lands there), then a rerun.
rm -rf "$T/dd3"
"$KILANG" run "$DX" --input "${DDIN[@]}" --output "$T/dd3" --workers 1 --progress none "${KEEP[@]}" 2>/dev/null &
pid=$!
for _ in $(seq 1 500); do [ -d "$T/dd3/.kilang/dedup" ] && break; sleep 0.01; done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
run run "$DX" --input "${DDIN[@]}" --output "$T/dd3" --workers 2 "${KEEP[@]}"
check "dedup: rerun after kill -9 equals the uninterrupted run" same_output "$T/dd1" "$T/dd3"
printf 'pipeline: [extract]\ndedup: {enabled: false}\n' >"$T/dd-off.yaml"
run run "$T/dd-off.yaml" --input "${DDIN[@]}" --output "$T/dd4" --workers 2
check "dedup: off on request" py "
import json,sys; s=json.load(open(sys.argv[1]+'/stats.json')); assert s['kept']==12 and 'dedup' not in s, s" "$T/dd4"

# --- PII redaction counts reach stats.json ---
printf 'pipeline: [pii]\ndedup: {enabled: false}\n' >"$T/pii.yaml"
printf '{"id":"p","text":"Hubungi redaksi@contoh.co.id atau +62 812-3456-7890, bukan 22/10/2024."}\n' >"$T/pii.jsonl"
run run "$T/pii.yaml" --input "$T/pii.jsonl" --output "$T/pii1"
check "pii: counts summed in stats.json" py "
import json,sys; s=json.load(open(sys.argv[1]+'/stats.json'))
assert s['counters']=={'pii_email':1,'pii_phone':1}, s['counters']" "$T/pii1"

echo "pipeline: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
