#!/usr/bin/env bash
# The main job, end to end through the daemon:
#   set-up + build, start stylednad, synthesize trance references and a flawed
#   work in progress (with ground truth), analyse them, print the results.
# Later steps of the product (profile, gaps, fixes, apply to Live) join this
# script as they land; each prints what it did.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh

BIN="$PWD/build/bin"
OUT="${STYLEDNA_DEMO_DIR:-$PWD/demo-out}"
mkdir -p "$OUT"
export STYLEDNA_SOCKET="$OUT/stylednad.sock"
export STYLEDNA_DATA_DIR="$OUT/data"
# The Live set is played by styledna-fake-live (the AbletonOSC emulator) on
# ports of its own, so a real Live with AbletonOSC on 11000/11001 is left alone.
export STYLEDNA_LIVE_PORT="${STYLEDNA_DEMO_LIVE_PORT:-11100}"
export STYLEDNA_OSC_REPLY_PORT=$((STYLEDNA_LIVE_PORT + 1))
fake_live_pid=""
cleanup() {
  "$BIN/styledna" daemon stop >/dev/null 2>&1 || true
  if [ -n "$fake_live_pid" ]; then kill "$fake_live_pid" 2>/dev/null || true; wait "$fake_live_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT

echo "== starting the daemon"
"$BIN/styledna" daemon start

echo "== synthesizing a reference library (4 styles x ${STYLEDNA_DEMO_PER_STYLE:-6}) and a flawed work in progress"
for style in uplifting progressive tech psy; do
  "$BIN/styledna" synth --out "$OUT/refs/$style" --count "${STYLEDNA_DEMO_PER_STYLE:-6}" --seed 7 \
    --style "$style" --minutes 1.5 >/dev/null
done
ls "$OUT"/refs/*/*.wav | sed 's|^|  |'
"$BIN/styledna" synth --out "$OUT/wip" --count 1 --seed 99 --style uplifting --minutes 1.5 \
  --flaw muddy_bass --flaw wide_low_end --flaw weak_sidechain

echo "== analysing the work in progress"
wip=$(ls "$OUT"/wip/*.wav | head -n 1)
"$BIN/styledna" analyze "$wip"
echo "== the work in progress: synthesizer truth vs what the analysis measured"
"$BIN/styledna" --json analyze "$wip" > "$OUT/wip-analysis.json"
/usr/bin/python3 - "$OUT/wip-analysis.json" "${wip%.wav}.truth.json" <<'PY'
import json, sys
a, t = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
f = a["features"]
rows = [("tempo (BPM)", t["tempo_bpm"], f["tempo_bpm"]),
        ("key", t["key"], a["labels"].get("key")),
        ("integrated loudness (LUFS)", t["integrated_lufs"], f["loudness_integrated_lufs"]),
        ("sidechain depth (dB)", t["sidechain_depth_db"], f["sidechain_depth_db"]),
        ("sidechain release (ms)", t["sidechain_release_ms"], f["sidechain_release_ms"]),
        ("supersaw spread / width", t["stereo_spread"], f["supersaw_width"]),
        ("acid line", t["acid_present"], bool(f["acid_present"])),
        ("low end mono (<120 Hz)", "wide_low_end" not in t["flaws"], bool(f["low_end_mono_ok"])),
        ("sections", " ".join(f"{s['label']}:{s['bars']}" for s in t["sections"]),
                     " ".join(f"{s['label']}:{s['bars']}" for s in a["sections"]))]
print(f"  flaws rendered: {', '.join(t['flaws'])}")
for name, truth, measured in rows:
    fmt = lambda v: f"{v:.2f}" if isinstance(v, float) else str(v)
    print(f"  {name:28s} truth {fmt(truth):>22s}   measured {fmt(measured)}")
PY

echo "== analysing the references (JSON summary)"
"$BIN/styledna" --json analyze "$OUT"/refs/*/*.wav > "$OUT/refs-analysis.json"
/usr/bin/python3 - "$OUT/refs-analysis.json" <<'PY'
import json, sys
for a in json.load(open(sys.argv[1])):
    if "error" in a:
        print("  error:", a["error"]["message"]); continue
    f = a["features"]
    print(f"  {a['path'].split('/')[-1]:28s} {a['duration_s']:6.1f} s  "
          f"tempo {f.get('tempo_bpm', float('nan')):6.2f} BPM  key {a['labels'].get('key', '?'):9s} "
          f"{f.get('loudness_integrated_lufs', float('nan')):6.1f} LUFS  cached={a['cached']}")
PY
echo "== learning the Style DNA of the references (profile 'trance', sub-styles from folders)"
"$BIN/styledna" profile build trance "$OUT/refs" --labels-from-folders --seed 1
echo "== which references does the work in progress sound like?"
"$BIN/styledna" similar "$wip" --profile trance -k 5
echo "== what is off in the work in progress? (ranked gap report against the nearest sub-style)"
"$BIN/styledna" gap "$wip" --profile trance
"$BIN/styledna" --json gap "$wip" --profile trance > "$OUT/wip-gap.json"
/usr/bin/python3 - "$OUT/wip-gap.json" "${wip%.wav}.truth.json" <<'PY'
import json, sys
report, truth = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
# Which gap names each synthesizer flaw (core/gap/gap_causes.hpp).
cause = {"muddy_bass": "low_mid_buildup", "wide_low_end": "wide_low_end",
         "weak_sidechain": "weak_sidechain", "narrow_supersaw": "narrow_stereo",
         "quiet_master": "quiet_master", "harsh_highs": "harsh_highs",
         "short_breakdown": "short_breakdown"}
ranks = {g["id"]: i + 1 for i, g in reversed(list(enumerate(report["gaps"])))}
n = len(truth["flaws"])
print(f"  the {n} flaws rendered into the WIP, and where the report ranks them:")
for flaw in truth["flaws"]:
    r = ranks.get(cause[flaw])
    where = f"rank {r}" + (" (top %d)" % n if r is not None and r <= n else "") if r else "not reported"
    print(f"    {flaw:16s} -> {cause[flaw]:16s} {where}")
PY
echo "== the same report as one self-contained HTML file (plots, no network)"
"$BIN/styledna" report "$wip" --profile trance -o "$OUT/wip-report.html"
echo "== the WIP's stems (drums, bass, other) for the producer"
"$BIN/styledna" separate "$wip" -o "$OUT/wip-stems"
echo "== export and re-import the profile (statistics, clusters and head; no audio)"
"$BIN/styledna" profile export trance -o "$OUT/trance-profile.json" --include-head
"$BIN/styledna" profile import "$OUT/trance-profile.json" --name trance-copy --replace
"$BIN/styledna" profile list

echo "== re-analysing is a cache hit"
"$BIN/styledna" --json analyze "$wip" | /usr/bin/python3 -c 'import json,sys; print("  cached:", json.load(sys.stdin)["cached"])'
"$BIN/styledna" status

echo "== a Live set to fix: styledna-fake-live (the AbletonOSC emulator) plays a trance project"
# The WIP's project: the fixture trance set (8 tracks, stock devices), with
# Bass Mono switched off on the bass's Utility, which is how its wide low
# end got in.
/usr/bin/python3 - tests/fixtures/live/trance_set_live12.json "$OUT/wip-live-set.json" <<'PY'
import json, sys
live_set = json.load(open(sys.argv[1]))
for track in live_set["tracks"]:
    for device in track["devices"]:
        for p in device["parameters"]:
            if (track["name"], device["name"], p["name"]) == ("Bass", "Utility", "Bass Mono"):
                p["value"] = 0.0
                p.pop("value_string", None)
json.dump(live_set, open(sys.argv[2], "w"), indent=1)
PY
rm -f "$OUT/fake-live.ready"
"$BIN/styledna-fake-live" --set "$OUT/wip-live-set.json" \
  --port "$STYLEDNA_LIVE_PORT" --reply-port "$STYLEDNA_OSC_REPLY_PORT" \
  --ready-file "$OUT/fake-live.ready" --dump-state "$OUT/live-set-after-demo.json" &
fake_live_pid=$!
for _ in $(seq 50); do [ -s "$OUT/fake-live.ready" ] && break; sleep 0.1; done
"$BIN/styledna" live show --refresh
"$BIN/styledna" --json live show > "$OUT/live-set-before.json"
echo "== fixes for the work in progress on that set (validated by offline simulation; 'Mix Bus' stands in for the master)"
"$BIN/styledna" fix "$wip" --profile trance --live --master-track "Mix Bus" --target 80 | tee "$OUT/wip-fix-plan.txt"
plan_id=$(sed -n 's/^Fix plan \(plan-[0-9a-f]*\):.*/\1/p' "$OUT/wip-fix-plan.txt")
echo "== applying plan $plan_id to Live: one pipelined batch, every value read back, journaled"
"$BIN/styledna" --json apply "$plan_id" > "$OUT/wip-apply.json"
/usr/bin/python3 - "$OUT/wip-apply.json" "$OUT/wip-fix-plan.txt" <<'PY'
import json, re, sys
result, plan_text = json.load(open(sys.argv[1])), open(sys.argv[2]).read()
print(f"  {len(result.get('applied', []))} applied, {len(result.get('failed', []))} failed, "
      f"{len(result.get('rejected', []))} rejected in {result.get('apply_ms', 0):.0f} ms "
      f"(journal {result['journal_id']})")
for ch in result.get("applied", []) + result.get("failed", []):
    print(f"  {ch['status']:10s} {ch['track_name']} / {ch['device_name']} / {ch['parameter_name']}: "
          f"before {ch['display_from']}, after {ch.get('read_back_string') or ch['display_to']}")
m = re.search(r"conformance ([0-9.]+) -> ([0-9.]+) predicted", plan_text)
if m:
    print(f"  conformance to the profile: {m.group(1)} now, {m.group(2)} predicted with these moves")
PY
journal=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["journal_id"])' "$OUT/wip-apply.json")
echo "== the apply's journal (what reached Live, kept in SQLite; a crash or a Live restart mid-apply is reported here)"
"$BIN/styledna" journal "$journal"
echo "== undo: journal $journal restores the previous values exactly"
"$BIN/styledna" undo "$journal"
"$BIN/styledna" --json live show --refresh > "$OUT/live-set-after-undo.json"
/usr/bin/python3 - "$OUT/live-set-before.json" "$OUT/live-set-after-undo.json" <<'PY'
import json, sys
def values(path):
    return {(t["name"], d["name"], p["name"]): p["value"]
            for t in json.load(open(path))["tracks"] for d in t["devices"] for p in d["parameters"]}
before, after = values(sys.argv[1]), values(sys.argv[2])
changed = [k for k in before if before[k] != after.get(k)]
print(f"  {len(before)} parameters compared with the set before the apply: "
      + ("all equal" if not changed else f"{len(changed)} differ: {changed[:3]}"))
sys.exit(1 if changed else 0)
PY
