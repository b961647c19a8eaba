#!/usr/bin/env bash
# Real-music tempo check: renders Hydrogen's demo songs (each states its BPM)
# headless into /tmp and compares StyleDNA (bench/tempo_cli), aubio and
# bpm-tools against the stated tempo. Builds nothing.
#
# Usage: bench/hydrogen_tempo.sh [path/to/tempo_cli]
# Needs: apt-get install -y hydrogen aubio-tools bpm-tools sox
set -euo pipefail
CLI=${1:-build/bin/tempo_cli}
SONGS=${HYDROGEN_SONGS:-/usr/share/hydrogen/data/demo_songs}
OUT=${TMPDIR:-/tmp}/styledna_hydrogen
mkdir -p "$OUT"
[ -x "$CLI" ] || { echo "tempo_cli not found at $CLI" >&2; exit 2; }
command -v h2cli >/dev/null || { echo "h2cli missing (apt-get install hydrogen)" >&2; exit 2; }

within() { # within TRUE GOT PCT -> "ok" when |got/true - 1| <= pct %
    awk -v t="$1" -v g="$2" -v p="$3" 'BEGIN { d = (g / t - 1) * 100; if (d < 0) d = -d;
        print (t > 0 && d <= p) ? "ok" : "--" }'
}

printf "%-28s %7s | %8s %3s | %8s %3s | %8s %3s\n" song bpm styledna 4% aubio 4% bpm-tools 4%
n=0; ours=0; aub=0; bt=0
for song in "$SONGS"/*.h2song; do
    name=$(basename "$song" .h2song)
    truth=$(grep -o '<bpm>[^<]*</bpm>' "$song" | head -1 | sed 's/<[^>]*>//g')
    wav="$OUT/$name.wav"
    [ -s "$wav" ] || h2cli -s "$song" -o "$wav" >/dev/null 2>&1 || { echo "$name: render failed" >&2; continue; }
    s=$("$CLI" "$wav" | cut -f2)
    a=$(aubio tempo "$wav" 2>/dev/null | grep -o '[0-9.]*' | head -1 || echo 0)
    b=$(sox "$wav" -t raw -r 44100 -e float -c 1 - 2>/dev/null | bpm 2>/dev/null || echo 0)
    rs=$(within "$truth" "$s" 4); ra=$(within "$truth" "$a" 4); rb=$(within "$truth" "$b" 4)
    printf "%-28s %7.2f | %8.2f %3s | %8.2f %3s | %8.2f %3s\n" "$name" "$truth" "$s" "$rs" "$a" "$ra" "$b" "$rb"
    n=$((n + 1))
    [ "$rs" = ok ] && ours=$((ours + 1)); [ "$ra" = ok ] && aub=$((aub + 1)); [ "$rb" = ok ] && bt=$((bt + 1))
done
echo "within 4 %: styledna $ours/$n, aubio $aub/$n, bpm-tools $bt/$n"
