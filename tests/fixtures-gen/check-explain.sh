#!/usr/bin/env bash
# check-explain.sh - run `explain -J` on every line of tests/explain-cases.txt and compare verdicts.
# Usage: tests/fixtures-gen/check-explain.sh [path/to/virtio-doctor]   (default: ./virtio-doctor)
# Prints one line per case (ok / DIFF with the verdict and summary found); exit 1 on any DIFF.
set -u
export LC_ALL=C
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${1:-$ROOT/virtio-doctor}
CASES=$ROOT/tests/explain-cases.txt
command -v jq >/dev/null || { echo "check-explain: needs jq" >&2; exit 2; }
[ -x "$BIN" ] || { echo "check-explain: no $BIN (run make)" >&2; exit 2; }
fail=0
while IFS='|' read -r fx dev want intent; do
    fx=$(echo "$fx" | xargs); dev=$(echo "$dev" | xargs); want=$(echo "$want" | xargs)
    case $fx in ''|'#'*) continue;; esac
    out=$("$BIN" --sysroot "$ROOT/tests/fixtures/$fx" explain -J "$dev" 2>/dev/null)
    got=$(printf '%s' "$out" | jq -r '.devices[0].verdict // "?"' 2>/dev/null || echo '?')
    if [ "$got" = "$want" ]; then
        printf 'ok    %-30s %-14s %s\n' "$fx" "$dev" "$got"
    else
        printf 'DIFF  %-30s %-14s want %s, got %s: %s\n' "$fx" "$dev" "$want" "$got" \
            "$(printf '%s' "$out" | jq -r '.devices[0].summary // ""' 2>/dev/null)"
        fail=1
    fi
done < "$CASES"
exit $fail
