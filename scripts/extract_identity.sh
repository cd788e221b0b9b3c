#!/usr/bin/env bash
# Extraction identity of two kilang builds: runs `kilang extract --format html` of both binaries
# over every HTML page of ../shared/data (aeb/html, wceb-dev/*/html, dates-dev/html) and compares
# the JSONL records byte for byte, per set. For parser and speed work that must not change any
# extraction (e.g. a new tree or parser under the extractor).
#
#   scripts/extract_identity.sh OLD_KILANG NEW_KILANG
#
# Prints one line per set (pages compared, records differing) and IDENTICAL, exiting 0; or the
# differing page names and exits 1. --now is pinned so relative dates cannot differ between the
# two runs. Both binaries must find the language-ID model (else "lang" is missing from every
# record): set KILANG_MODEL_DIR for a build without third_party/models. Env: SHARED (default ../shared beside the repository), KEEP_TMP=1 keeps the folder.
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
tmp="$(mktemp -d /tmp/kilang-extract-identity.XXXXXX)"
[[ -n "${KEEP_TMP:-}" ]] || trap 'rm -rf "$tmp"' EXIT
now="2026-01-01T00:00:00Z"

total=0
bad=0
for dir in "$shared"/data/aeb/html "$shared"/data/wceb-dev/*/html "$shared"/data/dates-dev/html; do
  [[ -d "$dir" ]] || continue
  set_name="${dir#"$shared"/data/}"
  set_name="${set_name%/html}"
  key="${set_name//\//_}"
  mapfile -t files < <(find "$dir" -maxdepth 1 -type f | LC_ALL=C sort)
  [[ ${#files[@]} -gt 0 ]] || continue
  # One record per input file, in input order; a failing page still yields a record.
  "$old" extract --format html --now "$now" "${files[@]}" > "$tmp/$key.old" 2> "$tmp/$key.old.err" || true
  "$new" extract --format html --now "$now" "${files[@]}" > "$tmp/$key.new" 2> "$tmp/$key.new.err" || true
  n_old=$(wc -l < "$tmp/$key.old")
  n_new=$(wc -l < "$tmp/$key.new")
  differing=0
  if ! cmp -s "$tmp/$key.old" "$tmp/$key.new"; then
    differing=$(paste -d '\n' "$tmp/$key.old" "$tmp/$key.new" | awk 'NR % 2 == 1 { a = $0; next }
                 $0 != a { n++ } END { print n + 0 }')
    [[ $differing -gt 0 || $n_old -ne $n_new ]] || differing=1
    echo "  $set_name: differing pages:" >&2
    paste -d '\n' <(printf '%s\n' "${files[@]}") "$tmp/$key.old" "$tmp/$key.new" |
      awk 'NR % 3 == 1 { f = $0; next } NR % 3 == 2 { a = $0; next } $0 != a { print "    " f }' >&2
  fi
  if ! cmp -s "$tmp/$key.old.err" "$tmp/$key.new.err"; then
    echo "  $set_name: stderr differs" >&2
    differing=$((differing > 0 ? differing : 1))
  fi
  printf '%-28s pages %4d  records old %4d new %4d  differing %d\n' "$set_name" \
    "${#files[@]}" "$n_old" "$n_new" "$differing"
  total=$((total + ${#files[@]}))
  bad=$((bad + differing))
done
if [[ $bad -eq 0 ]]; then
  echo "IDENTICAL ($total pages)"
  exit 0
fi
echo "DIFFERENT: $bad records differ ($total pages)"
exit 1
