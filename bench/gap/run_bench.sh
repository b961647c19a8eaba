#!/usr/bin/env bash
# `styledna gap` end to end through the daemon on a NEW 5-minute WIP: hash,
# decode, mix analysis, separation and per-stem features (the daemon's
# configured separator), the comparison, the gRPC round trip and the CLI. Then
# the same call again (analysis cached), the separator's own time (`styledna
# separate`, decode + separation + writing three WAVs) and the HTML report.
# Prints each figure against the issue's target (<= 3 s new, <= 20 ms for the
# comparison) and the seed's (2 s). The profile is small (the comparison does
# not depend on its size: see build/bin/bench_gap).
#
# Usage: bench/gap/run_bench.sh [--minutes M] [--wips N] [--separator auto|dsp|learned] [BIN_DIR]
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN="$ROOT/build/bin"
MINUTES=5; WIPS=3; SEPARATOR=auto
while [ $# -gt 0 ]; do
    case "$1" in
    --minutes) MINUTES=$2; shift 2 ;;
    --wips) WIPS=$2; shift 2 ;;
    --separator) SEPARATOR=$2; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) BIN=$(cd "$1" && pwd); shift ;;
    esac
done
WORK=$(mktemp -d /tmp/sdna-gapbench-XXXXXX)
export STYLEDNA_SOCKET="$WORK/d.sock" STYLEDNA_DATA_DIR="$WORK/data"
cleanup() { "$BIN/styledna" daemon stop >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT
"$BIN/stylednad" --socket "$STYLEDNA_SOCKET" --data-dir "$STYLEDNA_DATA_DIR" \
    --separator "$SEPARATOR" >/dev/null 2>&1 &
for _ in $(seq 100); do "$BIN/styledna" --no-autostart status >/dev/null 2>&1 && break; sleep 0.2; done

echo "references: 4 styles x 2 of 1 minute; WIPs: $WIPS of $MINUTES min (new to the daemon)"
for style in uplifting progressive tech psy; do
    "$BIN/styledna" synth --out "$WORK/lib/$style" --count 2 --seed 21 --style "$style" \
        --minutes 1 >/dev/null
done
"$BIN/styledna" synth --out "$WORK/wip" --count "$WIPS" --seed 9100 --style uplifting \
    --minutes "$MINUTES" --flaw muddy_bass --flaw weak_sidechain >/dev/null
"$BIN/styledna" profile build bench "$WORK/lib" --labels-from-folders --seed 1 >/dev/null

/usr/bin/python3 - "$BIN/styledna" "$WORK" <<'PY'
import glob, json, statistics, subprocess, sys, time
cli, work = sys.argv[1], sys.argv[2]
def run(*args):
    t = time.perf_counter()
    r = subprocess.run([cli, "--json", *args], capture_output=True, text=True, check=True)
    return time.perf_counter() - t, json.loads(r.stdout)
new, cached, comp, analysis, sep, report = [], [], [], [], [], []
for wip in sorted(glob.glob(f"{work}/wip/*.wav")):
    t, r = run("gap", wip, "--profile", "bench")
    new.append(t); analysis.append(r["analysis_s"]); comp.append(r["gap_ms"])
    stems = r["stems_source"]
    t, r = run("gap", wip, "--profile", "bench")
    cached.append(t); comp.append(r["gap_ms"])
    t, r = run("separate", wip, "-o", f"{work}/stems")
    sep.append(t)
    t, _ = run("report", wip, "--profile", "bench", "-o", f"{work}/r.html")
    report.append(t)
med = statistics.median
print(f"stems by {stems}")
print(f"gap, new WIP, end to end  median {med(new):6.2f} s  (min {min(new):.2f})"
      f"   target 3 s: {med(new) / 3:.2f}x   seed 2 s: {med(new) / 2:.2f}x")
print(f"  of which analysis        median {med(analysis):6.2f} s  (decode, features, separation, stem features)")
print(f"separate alone (decode + separation + 3 WAVs)  median {med(sep):6.2f} s")
print(f"gap, cached analysis      median {med(cached) * 1000:6.0f} ms  (CLI start, gRPC, comparison)")
print(f"comparison in the daemon  median {med(comp):6.2f} ms   target 20 ms: {med(comp) / 20:.3f}x")
print(f"report (cached analysis)  median {med(report) * 1000:6.0f} ms")
PY
