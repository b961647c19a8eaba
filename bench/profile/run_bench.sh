#!/usr/bin/env bash
# Style DNA end to end through the daemon: profile build from scratch (analysis
# included) and from cached analyses, --append of one track, and a cached
# `similar` query through gRPC on the Unix socket (p50/p99 over many calls).
# Prints each figure, its target from the issue and the ratio; a build of N
# tracks is extrapolated linearly to the target's 215 five-minute references
# (the script says so).
#
# The cached build is run twice over: as the bench's second build (same rows and
# seed, so the daemon reuses the head it trained in the first: head.reused) and
# projected with the head retrained (its time at 215 from bench_head_trainer),
# which is what a rebuild after any change to the references costs.
#
# With --append-base N the --append figure is also measured on a profile of N
# members: bench/profile/clone_references.py clones the analysed references into
# N synthetic ones (copied analyses, scaled embeddings; see there), a profile is
# built from them and the extra track appended to it. With --unlabelled that
# profile is built without --labels-from-folders (a track-identity head, which
# an append fine-tunes and whose members it re-embeds).
#
# Usage: bench/profile/run_bench.sh [--tracks N] [--minutes M] [--queries Q]
#                                   [--append-base N] [--unlabelled] [BIN_DIR]
#   --tracks N       references to synthesize (default 24, styles cycle; 215
#                    measures the target's build itself instead of projecting it)
#   --minutes M      length of each (default 5, as in the target)
#   --queries Q      FindSimilar calls for the latency figures (default 300)
#   --append-base N  members of the profile the --append figure is measured on
#                    (default 0: only on the N references)
#   --unlabelled     build the N-member profile without labels
#   BIN_DIR          folder with stylednad and styledna (default build/bin)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN="$ROOT/build/bin"
TRACKS=24; MINUTES=5; QUERIES=300; APPEND_BASE=0; BIG_LABELS=--labels-from-folders
while [ $# -gt 0 ]; do
    case "$1" in
    --tracks) TRACKS=$2; shift 2 ;;
    --minutes) MINUTES=$2; shift 2 ;;
    --queries) QUERIES=$2; shift 2 ;;
    --append-base) APPEND_BASE=$2; shift 2 ;;
    --unlabelled) BIG_LABELS=""; shift ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) BIN=$(cd "$1" && pwd); shift ;;
    esac
done
WORK=$(mktemp -d /tmp/sdna-profbench-XXXXXX)
export STYLEDNA_SOCKET="$WORK/d.sock" STYLEDNA_DATA_DIR="$WORK/data"
cleanup() { "$BIN/styledna" daemon stop >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT
"$BIN/styledna" daemon start >/dev/null

per_style=$(( (TRACKS + 3) / 4 ))
echo "synthesizing $((per_style * 4)) references of $MINUTES min (+1 to append, +1 query)..."
for style in uplifting progressive tech psy; do
    "$BIN/styledna" synth --out "$WORK/lib/$style" --count "$per_style" --seed 11 --style "$style" \
        --minutes "$MINUTES" >/dev/null
    # The stems synth writes beside each mix are not references (the build skips
    # them): removed, so that --tracks 215 fits on disk (~53 MB a mix, ~350 MB with stems).
    find "$WORK/lib/$style" -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +
done
"$BIN/styledna" synth --out "$WORK/extra" --count 1 --seed 5000 --style psy --minutes "$MINUTES" >/dev/null
"$BIN/styledna" synth --out "$WORK/query" --count 1 --seed 6000 --style tech --minutes "$MINUTES" >/dev/null
n=$((per_style * 4))

now() { date +%s.%N; }
t0=$(now)
"$BIN/styledna" --json profile build bench "$WORK/lib" --labels-from-folders --seed 1 > "$WORK/p1.json"
t1=$(now)
"$BIN/styledna" --json profile build bench "$WORK/lib" --labels-from-folders --seed 1 > "$WORK/p2.json"
t2=$(now)
"$BIN/styledna" --json analyze "$WORK"/extra/*.wav >/dev/null
t3=$(now)
"$BIN/styledna" --json profile build bench "$WORK/extra" --append --seed 1 > "$WORK/p3.json"
t4=$(now)

BIG_BUILD=0; BIG_APPEND=0; BIG_N=0
if [ "$APPEND_BASE" -gt 0 ]; then
    /usr/bin/python3 "$HERE/clone_references.py" "$WORK/data/styledna.db" "$WORK/lib" \
        "$WORK/clones" "$APPEND_BASE" >/dev/null
    b0=$(now)
    "$BIN/styledna" --json profile build big "$WORK/clones" $BIG_LABELS --seed 1 > "$WORK/big.json"
    b1=$(now)
    "$BIN/styledna" --json profile build big "$WORK/extra" --append --seed 1 > "$WORK/big-append.json"
    b2=$(now)
    BIG_N=$APPEND_BASE
    BIG_BUILD=$(echo "$b1 - $b0" | bc); BIG_APPEND=$(echo "$b2 - $b1" | bc)
    # Where the daemon spent the append to N (its stage-time log lines; the log is
    # flushed every 2 s).
    sleep 2.5
    echo "daemon, --append to $APPEND_BASE:"
    grep -E "profile big: (stage times|append)|profile 'big' build times" "$WORK/data/stylednad.log" |
        tail -n 4 | sed 's/^.*\] /  /'
fi

# The head's training time at 215 tracks x 20 segments (its cost grows with the
# rows until early stopping; bench_head_trainer measures it on data of the
# backbone's dimension, 311 for descriptor-v2).
HEAD215=0
if [ -x "$BIN/bench_head_trainer" ]; then
    HEAD215=$("$BIN/bench_head_trainer" --tracks 215 --dim "${STYLEDNA_BACKBONE_DIM:-311}" |
        awk '/ s wall/ {print $1; exit}')
fi
/usr/bin/python3 - "$WORK" "$ROOT" "$n" "$MINUTES" "$QUERIES" "$t0" "$t1" "$t2" "$t3" "$t4" "$HEAD215" \
    "$BIG_N" "$BIG_BUILD" "$BIG_APPEND" <<'PY'
import glob, json, os, statistics, sys, time
work, root, n, minutes, queries = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
t0, t1, t2, t3, t4 = map(float, sys.argv[6:11])
head215 = float(sys.argv[11] or 0)
big_n, big_build, big_append = int(sys.argv[12]), float(sys.argv[13]), float(sys.argv[14])
sys.path.insert(0, os.path.join(root, "clients", "python"))
import styledna_client as sc
pb2, pb2_grpc = sc.stubs()
import grpc
stub = pb2_grpc.StyleDnaStub(grpc.insecure_channel("unix:" + os.path.join(work, "d.sock")))
query = glob.glob(os.path.join(work, "query", "*.wav"))[0]
req = pb2.FindSimilarRequest(path=query, profile="bench", k=5)
first = time.perf_counter(); stub.FindSimilar(req); first = time.perf_counter() - first
lat, search = [], []
for _ in range(queries):
    s = time.perf_counter(); r = stub.FindSimilar(req); lat.append((time.perf_counter() - s) * 1e3)
    search.append(r.search_ms)
lat.sort(); search.sort()
q = lambda xs, p: xs[min(len(xs) - 1, int(p * len(xs)))]
p = json.load(open(os.path.join(work, "p1.json")))
p2 = json.load(open(os.path.join(work, "p2.json")))
scratch, cached, append = t1 - t0, t2 - t1, t4 - t3
# The first build trained the head (p["head"]["seconds"]); the second reused it
# when its rows and seed were the same (p2["head"]["reused"]), else trained again.
head_s = p["head"]["seconds"] if p["head"]["trained"] else 0.0
reused = bool(p2["head"].get("reused", False))
head_in_cached = 0.0 if reused else (p2["head"]["seconds"] if p2["head"]["trained"] else 0.0)
head_at_215 = max(head_s, head215) if p["head"]["trained"] else 0.0
scale_audio = (215 * 5.0) / (n * minutes)
scale_tracks = 215.0 / n
cached_rest = cached - head_in_cached  # loading, statistics, clusters, index, store
proj_scratch = (scratch - cached_rest - head_s) * scale_audio + cached_rest * scale_tracks + head_at_215
proj_cached_retrained = cached_rest * scale_tracks + head_at_215
print(f"references: {n} x {minutes:g} min; head: {p['head']['trained']} "
      f"({p['head']['epochs']} epochs, {p['head']['seconds']:.1f} s); clusters: {len(p['clusters'])}")
print(f"  (projection to 215 x 5 min: analysis x{scale_audio:.2f}, per-track work x{scale_tracks:.2f} "
      f"(per-track work also grows with track length: project from --minutes 5), "
      f"head training {head_at_215:.1f} s: bench_head_trainer at 215 x 20 rows)")
rows = [("build from scratch (analysis included)", scratch, proj_scratch, 300.0)]
if reused:
    rows.append(("build from cached analyses, head reused", cached, cached * scale_tracks, 10.0))
rows.append(("build from cached analyses, head retrained", cached if not reused else float("nan"),
             proj_cached_retrained, 10.0))
rows.append(("--append of one track beyond its analysis", append, append, 2.0))
if big_n:
    rows.append((f"--append of one track to {big_n} members", big_append, big_append, 2.0))
for name, measured, projected, target in rows:
    shown = "       -" if measured != measured else f"{measured:8.2f}"
    print(f"  {name:44s} {shown} s  projected {projected:8.2f} s  target {target:g} s  ratio {projected / target:.2f}")
if not reused:
    print("  (the second build trained its head again: rows or seed differ, or no memo)")
print(f"  (--append measured on a profile of {n}" +
      (f" and of {big_n} cloned references, built in {big_build:.1f} s" if big_n else ", not 1,000") + ")")
print(f"  FindSimilar, first call (analysis cached)    {first * 1e3:8.2f} ms")
print(f"  FindSimilar via gRPC, cached, {queries} calls  p50 {q(lat, 0.5):.3f} ms  p99 {q(lat, 0.99):.3f} ms  target 5 ms  ratio {q(lat, 0.99) / 5:.3f}")
print(f"  index search alone (in the daemon)           p50 {q(search, 0.5):.4f} ms  p99 {q(search, 0.99):.4f} ms  target 0.05 ms at 1,000  ratio {q(search, 0.99) / 0.05:.2f}")
PY
