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

# --- bad and odd HTML: charsets, binary, NUL, deep nesting, empty and script-less pages ---
# Each page must give one record (exit 0), or a clear per-file error (binary: exit 1).
html_page() {  # html_page FILE HEAD_MARKUP BODY_TEXT (UTF-8; re-encoded by the caller if needed)
  py "import sys
head, body = sys.argv[2], sys.argv[3]
para = '<p>' + body + ' ' + body + '</p>'
page = ('<!DOCTYPE html><html><head>' + head + '<title>' + body[:40] + '</title></head><body>'
        '<article><h1>' + body[:40] + '</h1>' + para * 3 + '</article></body></html>')
open(sys.argv[1], 'w', encoding='utf-8').write(page)" "$@"
}
reencode() { py "import sys; p=sys.argv[1]; s=open(p,encoding='utf-8').read(); open(p,'wb').write(s.encode(sys.argv[2]))" "$@"; }
one_record() { py "import json,sys; lines=sys.argv[1].splitlines(); assert len(lines)==1, lines; json.loads(lines[0])" "$1"; }
fr_text="Le ministre a annoncé à l'hôtel de ville une série de mesures très attendues pour l'été, « déjà » réclamées par les élèves et leurs familles depuis des années."

html_page "$T/wrongcs.html" '<meta charset="windows-1252">' "$fr_text"
run extract "$T/wrongcs.html"; check "UTF-8 HTML declaring windows-1252 is processed" test $rc -eq 0
check "UTF-8 HTML declaring windows-1252 decodes as UTF-8" py "import sys; o=sys.argv[1]; assert 'hôtel' in o and 'Ã' not in o, o" "$out"

html_page "$T/wrongutf8.html" '<meta charset="utf-8">' "$fr_text"; reencode "$T/wrongutf8.html" cp1252
run extract "$T/wrongutf8.html"; check "windows-1252 HTML declaring UTF-8 is processed" test $rc -eq 0
check "windows-1252 HTML declaring UTF-8 is readable" py "import sys; o=sys.argv[1]; assert 'hôtel' in o and '\ufffd' not in o, o" "$out"
check "windows-1252 HTML declaring UTF-8 reports no invalid UTF-8" test -z "$err"

html_page "$T/cp1252.html" '' "$fr_text"; reencode "$T/cp1252.html" cp1252
run extract "$T/cp1252.html"; check "undeclared windows-1252 HTML is processed" test $rc -eq 0
check "undeclared windows-1252 HTML is detected" py "import sys; o=sys.argv[1]; assert 'hôtel' in o and 'élèves' in o and '\ufffd' not in o, o" "$out"

ja_text="東京都は二十二日、新しい防災計画を発表した。計画では、大規模な地震に備えて避難所の数を増やし、住民への情報提供を強化する。知事は記者会見で「都民の安全を守るため全力を尽くす」と述べた。"
html_page "$T/sjis.html" '<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">' "$ja_text"
reencode "$T/sjis.html" shift_jis
run extract "$T/sjis.html"; check "Shift_JIS HTML with meta charset is processed" test $rc -eq 0
check "Shift_JIS HTML is decoded" py "import sys; o=sys.argv[1]; assert '防災計画' in o and '\ufffd' not in o, o" "$out"

printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0' >"$T/photo.html"
run extract "$T/photo.html" "$good"; check "binary .html makes exit 1" test $rc -eq 1
check "binary .html is named with the reason" has "$err" "photo.html: unsupported input: binary"
check "other input still processed after binary .html" test "$(wc -l <"$T/out")" -eq 1
run extract --format html "$T/photo.html"; check "binary .html with --format html makes exit 1" test $rc -eq 1
check "binary .html with --format html is named" has "$err" "photo.html: unsupported input: binary"

py "open('$T/nul.html','wb').write(b'<html><head><title>Judul</title></head><body><article><p>Ini adalah\x00 paragraf pertama\x00 yang cukup panjang untuk dianggap sebagai isi artikel berita hari ini.</p></article></body></html>')"
run extract "$T/nul.html"; check "HTML with NUL bytes is processed" test $rc -eq 0
check "HTML with NUL bytes gives one record" one_record "$out"
check "HTML with NUL bytes keeps its text" py "import json,sys; r=json.loads(sys.argv[1]); assert 'paragraf pertama' in r['text'] and '\x00' not in r['text'], r" "$out"

py "open('$T/deep.html','w').write('<html><body>' + '<div>' * 100000 + '<p>Teks yang sangat dalam di dalam banyak sekali elemen div bersarang untuk menguji batas.</p>' + '</div>' * 100000 + '</body></html>')"
"$KILANG" extract "$T/deep.html" >"$T/out" 2>"$T/err" & kpid=$!
( sleep 60; kill -9 $kpid 2>/dev/null ) & wpid=$!
wait $kpid; rc=$?; kill $wpid 2>/dev/null; wait $wpid 2>/dev/null
out="$(cat "$T/out")"
check "100,000-deep nesting is processed in time" test $rc -eq 0
check "100,000-deep nesting gives one record" one_record "$out"

printf '<!DOCTYPE html><html><head><title>Kosong</title></head><body></body></html>' >"$T/emptybody.html"
run extract "$T/emptybody.html"; check "empty <body> is processed" test $rc -eq 0
check "empty <body> gives an empty text" py "import json,sys; r=json.loads(sys.argv[1]); assert r['text']=='', r" "$out"

printf '<html><head><title>Bingkai</title></head><frameset cols="30%%,70%%"><frame src="menu.html"><frame src="isi.html"><noframes><p>Browser Anda tidak mendukung bingkai.</p></noframes></frameset></html>' >"$T/frameset.html"
run extract "$T/frameset.html"; check "frameset page is processed" test $rc -eq 0
check "frameset page gives one record" one_record "$out"

printf '<html><head><title>Skrip</title><script>document.write("x")</script></head><body><noscript><p>Aktifkan JavaScript untuk membaca berita ini.</p></noscript></body></html>' >"$T/noscript.html"
run extract "$T/noscript.html"; check "<noscript>-only page is processed" test $rc -eq 0
check "<noscript>-only page gives one record" one_record "$out"

# --- relative dates: --now anchors them; without it the current time does ---
printf 'Judul Berita Singkat\n\n2 jam yang lalu\n\nIni adalah paragraf pertama yang cukup panjang untuk dianggap sebagai isi artikel berita hari ini.\n' >"$T/rel.txt"
run extract --now 2024-10-22T15:00:00+07:00 "$T/rel.txt"
check "--now anchors a relative date" has "$out" '"date":"2024-10-22T13:00:00+07:00"'
run extract "$T/rel.txt"
check "without --now a relative date is anchored to the current time" py "
import json,sys,datetime
d=datetime.datetime.fromisoformat(json.loads(sys.argv[1])['metadata']['date'])
age=datetime.datetime.now(datetime.timezone.utc)-d
assert datetime.timedelta(hours=1, minutes=55) < age < datetime.timedelta(hours=2, minutes=5), age" "$out"

# --- --url: written to metadata.url, and names the site when the page does not ---
run extract --url https://www.kabar.example.co.id/berita/1 "$good"
check "--url is metadata.url" has "$out" '"url":"https://www.kabar.example.co.id/berita/1"'
check "--url host is the site when the page names none" has "$out" '"site":"kabar.example.co.id"'

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
