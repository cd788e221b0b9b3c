#!/usr/bin/env bash
# End-to-end tests of the kilang CLI: exit codes, messages and records for bad and good input.
# usage: tests/run_cli_tests.sh path/to/kilang
# Prints "N passed, M failed" and exits non-zero on any failure.
set -u
KILANG="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
T="$(mktemp -d)"
trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
pass=0; fail=0
check() {  # check NAME CONDITION...
  local name="$1"; shift
  if "$@"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $name" >&2; fi
}
run() {  # run ARGS... -> sets rc, out, err
  "$KILANG" "$@" >"$T/out" 2>"$T/err"; rc=$?
  out="$(cat "$T/out")"; err="$(cat "$T/err")"
}
has() { grep -q -- "$2" <<<"$1"; }
py() { /usr/bin/python3 -c "$@"; }

good="$T/good.txt"
printf 'Judul Berita\n\nIni adalah paragraf pertama yang cukup panjang untuk dianggap sebagai isi artikel berita.\n' >"$good"

# --- usage errors: exit 2 ---
run extract; check "no files is a usage error" test $rc -eq 2
run extract --format pdf "$good"; check "bad --format is a usage error" test $rc -eq 2
check "bad --format names the value" has "$err" "pdf"
run extract --now yesterday "$good"; check "bad --now is a usage error" test $rc -eq 2
run bogus; check "unknown command is a usage error" test $rc -eq 2

# --- bad inputs: clear message naming the file, others still processed, exit 1 ---
: >"$T/empty.txt"
run extract "$T/empty.txt"; check "empty file is processed" test $rc -eq 0
check "empty file gives an empty text" py "import json,sys; r=json.loads(sys.argv[1]); assert r['text']=='' and r['id']=='empty'" "$out"

printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10' >"$T/image.txt"
run extract "$T/image.txt" "$good"; check "binary file makes exit 1" test $rc -eq 1
check "binary file is named with the reason" has "$err" "image.txt: unsupported input: binary"
check "other input still processed after binary" test "$(wc -l <"$T/out")" -eq 1

run extract "$T/missing.txt" "$good"; check "missing file makes exit 1" test $rc -eq 1
check "missing file is named" has "$err" "missing.txt: not found"
check "other input still processed after missing" test "$(wc -l <"$T/out")" -eq 1

mkdir "$T/adir"
run extract "$T/adir" "$good"; check "directory makes exit 1" test $rc -eq 1
check "directory is named with the reason" has "$err" "adir: I/O error: is a directory"

cp "$good" "$T/secret.txt"; chmod 000 "$T/secret.txt"
if [ "$(id -u)" -ne 0 ]; then
  run extract "$T/secret.txt" "$good"; check "unreadable file makes exit 1" test $rc -eq 1
  check "unreadable file is named" has "$err" "secret.txt: permission denied"
else
  # root reads anything; simulate with a file that cannot be opened: a dangling symlink
  ln -s "$T/nowhere" "$T/dangling.txt"
  run extract "$T/dangling.txt" "$good"; check "dangling link makes exit 1" test $rc -eq 1
  check "dangling link is named" has "$err" "dangling.txt: not found"
fi

printf 'Judul\n\nKalimat pertama dengan byte rusak \xff\xfe di tengah paragraf yang cukup panjang ini ya.\n' >"$T/bad8.txt"
run extract "$T/bad8.txt"; check "invalid UTF-8 is processed" test $rc -eq 0
check "invalid UTF-8 is counted on stderr" has "$err" "2 invalid UTF-8"
check "invalid UTF-8 repaired to U+FFFD" py "import json,sys; r=json.loads(sys.argv[1]); assert '\ufffd' in r['text'], r" "$out"

py "open('$T/u16.txt','wb').write('\ufeffJudul\n\nIni adalah kalimat dalam UTF-16 yang cukup panjang untuk menjadi isi artikel.\n'.encode('utf-16-le'))"
run extract "$T/u16.txt"; check "UTF-16 with BOM is processed" test $rc -eq 0
check "UTF-16 text is decoded" has "$out" "kalimat dalam UTF-16"

printf 'Judul\r\n\r\nIni adalah kalimat dengan akhir baris CRLF yang cukup panjang untuk isi artikel.\r\n' >"$T/crlf.txt"
run extract "$T/crlf.txt"; check "CRLF is processed" test $rc -eq 0
check "CRLF leaves no carriage return" py "import json,sys; r=json.loads(sys.argv[1]); assert '\r' not in r['text'] and r['text'], r" "$out"

py "open('$T/big.txt','w').write('kata ' * 10_000_000)"
run extract "$T/big.txt"; check "50 MB single line is processed" test $rc -eq 0

run extract - <"$good"; check "stdin is read with -" test $rc -eq 0
check "stdin record has id stdin" has "$out" '"id":"stdin"'

# --- the seed page ---
SEED="$ROOT/../shared/data/seed/000_5c6d80f55d24bf65.txt"
if [ -f "$SEED" ]; then
  run extract "$SEED"; check "seed page extracts" test $rc -eq 0
  check "seed record id is the file stem" has "$out" '"id":"000_5c6d80f55d24bf65"'
fi

# --- examples shipped with the project ---
for f in "$ROOT"/examples/*.txt "$ROOT"/examples/*.html; do
  [ -f "$f" ] || continue
  run extract "$f"; check "example $(basename "$f") extracts" test $rc -eq 0
  check "example $(basename "$f") has text" py "import json,sys; r=json.loads(sys.argv[1]); assert len(r['text'])>100, r" "$out"
done

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
