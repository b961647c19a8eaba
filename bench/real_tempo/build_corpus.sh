#!/usr/bin/env bash
# Renders the real-music tempo corpus listed in pieces.tsv into a cache folder
# and writes corpus.tsv there. Idempotent: a piece already rendered with the
# same excerpt is reused. Installs nothing; fails naming the missing package.
#
# Usage: bench/real_tempo/build_corpus.sh [OUT_DIR]
#   OUT_DIR defaults to $STYLEDNA_REALTEMPO_DIR or ${TMPDIR:-/tmp}/styledna_realtempo
#   REALTEMPO_EXCERPT_S: excerpt length in seconds (default 60)
#
# corpus.tsv columns: wav, truth_bpm, kind, source, truth_from
#   truth_from says how the truth was read (file field, tempo event, module
#   speed/tempo) and where the excerpt lies.
# Pieces whose excerpt has a tempo change (or a compound metre) are left out
# and listed on stderr; the script fails when fewer than 20 pieces remain.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${1:-${STYLEDNA_REALTEMPO_DIR:-${TMPDIR:-/tmp}/styledna_realtempo}}
EXCERPT_S=${REALTEMPO_EXCERPT_S:-60}
SF2=/usr/share/sounds/sf2/FluidR3_GM.sf2
PY=/usr/bin/python3   # Debian's, where the python3-* packages live

missing=()
need_cmd() { command -v "$1" >/dev/null 2>&1 || missing+=("$2 (for $1)"); }
need_file() { [ -e "$1" ] || missing+=("$2 (for $1)"); }
need_cmd h2cli hydrogen
need_cmd fluidsynth fluidsynth
need_cmd sox sox
need_file "$SF2" fluid-soundfont-gm
need_file "$PY" python3
"$PY" -c 'import mido' 2>/dev/null || missing+=("python3-mido (python module mido)")
"$PY" -c 'import ctypes; ctypes.CDLL("libopenmpt.so.0")' 2>/dev/null || missing+=("libopenmpt0 (libopenmpt.so.0; openmpt123 pulls it in)")
while IFS=$'\t' read -r id kind package source start; do
    [ -e "$source" ] || missing+=("$package (for $source)")
done < <(grep -v '^#' "$HERE/pieces.tsv")
if [ ${#missing[@]} -gt 0 ]; then
    echo "build_corpus: missing Debian packages (scripts/setup.sh installs them):" >&2
    printf '  %s\n' "${missing[@]}" | sort -u >&2
    exit 2
fi

mkdir -p "$OUT"
# A change to the truth readers re-renders (and re-reads) every piece.
helpers=$(cat "$0" "$HERE/midi_tempo.py" "$HERE/module_tempo.py" | md5sum | cut -c1-12)
tsv="$OUT/corpus.tsv.part"
printf 'wav\ttruth_bpm\tkind\tsource\ttruth_from\n' > "$tsv"
kept=0; left_out=0
while IFS=$'\t' read -r id kind package source start; do
    wav="$OUT/$id.wav"; meta="$OUT/$id.meta"
    key="$kind $source $start $EXCERPT_S $helpers"
    if [ ! -s "$wav" ] || [ ! -s "$meta" ] || [ "$(head -1 "$meta")" != "$key" ]; then
        rm -f "$wav" "$meta"
        case "$kind" in
        hydrogen)
            truth=$(grep -o '<bpm>[^<]*</bpm>' "$source" | head -1 | sed 's/<[^>]*>//g')
            # A tempo marker on the song's timeline would change the tempo.
            if grep -q '<newBPM>' "$source"; then truth=NA; fi
            full="$OUT/$id.full.wav"
            # -d alsa: with no sound card the driver fails at once; the default
            # (JACK first) spends ~24 s retrying before it exports.
            timeout 300 h2cli -d alsa -s "$source" -o "$full" >/dev/null 2>&1 || { echo "build_corpus: h2cli failed on $source" >&2; exit 1; }
            dur=$(soxi -D "$full")
            read -r s len < <(awk -v d="$dur" -v s="$start" -v l="$EXCERPT_S" \
                'BEGIN { if (l > d) l = d; if (s > d - l) s = d - l; if (s < 0) s = 0; print s, l }')
            sox "$full" "$wav.part.wav" trim "$s" "$len"
            mv "$wav.part.wav" "$wav"; rm -f "$full"
            note="<bpm> of the .h2song, no timeline tempo markers; excerpt ${s}s+${len}s"
            ;;
        midi)
            cutmid="$OUT/$id.cut.mid"
            IFS=$'\t' read -r s len truth note < <("$PY" "$HERE/midi_tempo.py" cut "$source" "$start" "$EXCERPT_S" "$cutmid")
            full="$OUT/$id.full.wav"
            timeout 300 fluidsynth -ni -q -r 44100 -F "$full" "$SF2" "$cutmid" >/dev/null 2>&1 || { echo "build_corpus: fluidsynth failed on $source" >&2; exit 1; }
            sox "$full" "$wav.part.wav" trim "$s" "$len"
            mv "$wav.part.wav" "$wav"; rm -f "$full" "$cutmid"
            note="Set Tempo meta event (quarter notes), $note; excerpt ${s}s+${len}s"
            ;;
        module)
            IFS=$'\t' read -r truth note < <("$PY" "$HERE/module_tempo.py" render "$source" "$wav" "$start" "$EXCERPT_S")
            note="libopenmpt estimated BPM over the excerpt, $note; excerpt ${start}s+${EXCERPT_S}s (looped if shorter)"
            ;;
        *) echo "build_corpus: unknown kind '$kind' for $id" >&2; exit 1 ;;
        esac
        printf '%s\n%s\t%s\n' "$key" "$truth" "$note" > "$meta"
    fi
    IFS=$'\t' read -r truth note < <(sed -n 2p "$meta")
    if [ "$truth" = NA ] || [ -z "$truth" ]; then
        echo "build_corpus: left out $id ($source): $note" >&2
        left_out=$((left_out + 1)); continue
    fi
    printf '%s\t%s\t%s\t%s\t%s\n' "$wav" "$truth" "$kind" "$source" "$note" >> "$tsv"
    kept=$((kept + 1))
done < <(grep -v '^#' "$HERE/pieces.tsv")
mv "$tsv" "$OUT/corpus.tsv"
echo "build_corpus: $kept pieces in $OUT/corpus.tsv ($left_out left out)" >&2
if [ "$kept" -lt 20 ]; then
    echo "build_corpus: fewer than 20 usable pieces" >&2; exit 1
fi
