#!/usr/bin/env bash
# Tempo benchmark on the real-music corpus (build_corpus.sh, run first when
# needed): StyleDNA's tempo_cli, `aubio tempo` and bpm-tools on every piece.
# Prints a per-file table, MIREX Accuracy1/Accuracy2, the 3:2 and 2:3 error
# counts and each tool's total time.
#
# Usage: bench/real_tempo/run_bench.sh [options] [path/to/tempo_cli]
#   --tools LIST      comma list of styledna,aubio,bpm-tools (default: all three)
#   --min-acc1 X      fail (exit 1) when StyleDNA's Accuracy1 is below X (0..1)
#   --min-acc2 X      fail when StyleDNA's Accuracy2 is below X
#   --max-3to2 N      fail when StyleDNA makes more than N 3:2 + 2:3 errors
#   --corpus DIR      corpus folder (default as build_corpus.sh)
# Needs: aubio-tools, bpm-tools, sox for the other two tools.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CLI=build/bin/tempo_cli
TOOLS=styledna,aubio,bpm-tools
MIN_ACC1=""; MIN_ACC2=""; MAX_32=""
DIR=${STYLEDNA_REALTEMPO_DIR:-${TMPDIR:-/tmp}/styledna_realtempo}
while [ $# -gt 0 ]; do
    case "$1" in
    --tools) TOOLS=$2; shift 2 ;;
    --min-acc1) MIN_ACC1=$2; shift 2 ;;
    --min-acc2) MIN_ACC2=$2; shift 2 ;;
    --max-3to2) MAX_32=$2; shift 2 ;;
    --corpus) DIR=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) CLI=$1; shift ;;
    esac
done
has_tool() { [[ ",$TOOLS," == *",$1,"* ]]; }
has_tool styledna && { [ -x "$CLI" ] || { echo "run_bench: tempo_cli not found at $CLI (build target tempo_cli)" >&2; exit 2; }; }
has_tool aubio && { command -v aubio >/dev/null || { echo "run_bench: aubio missing (apt-get install aubio-tools)" >&2; exit 2; }; }
has_tool bpm-tools && { command -v bpm >/dev/null && command -v sox >/dev/null || { echo "run_bench: bpm or sox missing (apt-get install bpm-tools sox)" >&2; exit 2; }; }

"$HERE/build_corpus.sh" "$DIR"
CORPUS="$DIR/corpus.tsv"
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
tail -n +2 "$CORPUS" | cut -f1 > "$WORK/wavs"
tail -n +2 "$CORPUS" | cut -f2 > "$WORK/truth"
now() { date +%s.%N; }

# Each tool writes one estimate per line, in corpus order (0 when it fails).
if has_tool styledna; then
    t0=$(now)
    while read -r wav; do "$CLI" "$wav" | cut -f2 | head -1 | grep . || echo 0; done < "$WORK/wavs" > "$WORK/styledna"
    echo "styledna $(awk -v a="$t0" -v b="$(now)" 'BEGIN { print b - a }')" >> "$WORK/times"
fi
if has_tool aubio; then
    t0=$(now)
    while read -r wav; do aubio tempo "$wav" 2>/dev/null | grep -o '[0-9.]*' | head -1 | grep . || echo 0; done < "$WORK/wavs" > "$WORK/aubio"
    echo "aubio $(awk -v a="$t0" -v b="$(now)" 'BEGIN { print b - a }')" >> "$WORK/times"
fi
if has_tool bpm-tools; then
    t0=$(now)
    while read -r wav; do sox "$wav" -t raw -r 44100 -e float -c 1 - 2>/dev/null | bpm 2>/dev/null | head -1 | grep . || echo 0; done < "$WORK/wavs" > "$WORK/bpm-tools"
    echo "bpm-tools $(awk -v a="$t0" -v b="$(now)" 'BEGIN { print b - a }')" >> "$WORK/times"
fi

used=()
for t in styledna aubio bpm-tools; do has_tool "$t" && used+=("$t"); done
paste "$WORK/wavs" "$WORK/truth" "${used[@]/#/$WORK/}" | awk -F'\t' \
    -v tools="${used[*]}" -v min1="$MIN_ACC1" -v min2="$MIN_ACC2" -v max32="$MAX_32" -v timesfile="$WORK/times" '
function near(ratio, factor) { return ratio >= factor * 0.96 && ratio <= factor * 1.04 }
function cls(ratio) {
    if (near(ratio, 1)) return "ok"
    if (near(ratio, 2)) return "x2"
    if (near(ratio, 0.5)) return "/2"
    if (near(ratio, 3)) return "x3"
    if (near(ratio, 1 / 3)) return "/3"
    if (near(ratio, 1.5)) return "3:2"
    if (near(ratio, 2 / 3)) return "2:3"
    if (near(ratio, 4 / 3)) return "4:3"
    if (near(ratio, 3 / 4)) return "3:4"
    return "--"
}
BEGIN {
    nt = split(tools, name, " ")
    printf "%-30s %7s", "piece", "truth"
    for (i = 1; i <= nt; i++) printf " | %9s %4s", name[i], "cls"
    printf "\n"
}
{
    n++
    file = $1; sub(/.*\//, "", file); sub(/\.wav$/, "", file)
    printf "%-30s %7.2f", file, $2
    for (i = 1; i <= nt; i++) {
        est = $(2 + i) + 0; r = est / $2; c = cls(r)
        printf " | %9.2f %4s", est, c
        if (c == "ok") a1[i]++
        if (c == "ok" || c == "x2" || c == "/2" || c == "x3" || c == "/3") a2[i]++
        if (c == "3:2") e32[i]++
        if (c == "2:3") e23[i]++
        if (name[i] == "styledna" && c != "ok") wrong = wrong sprintf("  %-30s truth %7.2f  ours %7.2f  ratio %.3f (%s)\n", file, $2, est, r, c)
    }
    printf "\n"
}
END {
    while ((getline line < timesfile) > 0) { split(line, f, " "); secs[f[1]] = f[2] }
    print ""
    print "Accuracy1: estimate within 4 % of the truth."
    print "Accuracy2: estimate within 4 % of truth x {1, 2, 1/2, 3, 1/3} (MIREX)."
    print "3:2 = estimate 1.5x truth, 2:3 = estimate 2/3 x truth (each within 4 %); 4:3 and 3:4 are marked in the table only."
    printf "%-10s %6s %10s %10s %5s %5s %9s\n", "tool", "pieces", "Accuracy1", "Accuracy2", "3:2", "2:3", "time_s"
    for (i = 1; i <= nt; i++) {
        acc1[i] = a1[i] / n; acc2[i] = a2[i] / n
        printf "%-10s %6d %10.3f %10.3f %5d %5d %9.2f\n", name[i], n, acc1[i], acc2[i], e32[i], e23[i], secs[name[i]]
    }
    fail = 0
    for (i = 1; i <= nt; i++) if (name[i] == "styledna") {
        if (wrong != "") printf "\nStyleDNA misses (Accuracy1):\n%s", wrong
        if (min1 != "" && acc1[i] < min1) { printf "FAIL: StyleDNA Accuracy1 %.3f < %s\n", acc1[i], min1; fail = 1 }
        if (min2 != "" && acc2[i] < min2) { printf "FAIL: StyleDNA Accuracy2 %.3f < %s\n", acc2[i], min2; fail = 1 }
        if (max32 != "" && e32[i] + e23[i] > max32) { printf "FAIL: StyleDNA 3:2 + 2:3 errors %d > %s\n", e32[i] + e23[i], max32; fail = 1 }
        if (min1 != "" || min2 != "" || max32 != "") print fail ? "real-music tempo thresholds: FAILED" : "real-music tempo thresholds: passed"
    }
    exit fail
}'
