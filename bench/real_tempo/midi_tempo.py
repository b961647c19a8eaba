#!/usr/bin/python3
"""Standard MIDI File tempo reader (python3-mido).

  midi_tempo.py survey FILE...          one line per file: length, tempo map, metres
  midi_tempo.py cut FILE START_S LENGTH_S OUT.mid
      fits the excerpt into the piece (START_S moved earlier, LENGTH_S
      shortened when the piece is short), writes the piece up to the
      excerpt's end to OUT.mid and prints
      start_s<TAB>length_s<TAB>truth_bpm<TAB>note; truth_bpm = NA when a
      tempo change falls inside the excerpt, the excerpt is in a compound
      or irregular metre (its felt beat is not the notated quarter), the
      drum part's snare backbeat misses the notated quarter (the quarter
      is not its beat either), or the notes are not quantised to the
      file's beat grid (a played-in file)

Truth: the quarter-note tempo of the Set Tempo meta event in force (60e6 /
microseconds per quarter), as fluidsynth plays it."""
import sys

try:
    import mido
except ImportError:
    sys.exit("midi_tempo.py: python3-mido missing (apt-get install python3-mido)")

SIMPLE_METRES = {2, 3, 4}  # numerators whose beat is the notated quarter/half


def tempo_map(path):
    """Returns (length_s, [(time_s, bpm)], [(time_s, 'n/d')])."""
    mid = mido.MidiFile(path)
    tempos, metres, t = [], [], 0.0
    for msg in mid:  # merged tracks, msg.time in seconds
        t += msg.time
        if msg.type == "set_tempo":
            bpm = mido.tempo2bpm(msg.tempo)
            if not tempos or abs(tempos[-1][1] - bpm) > 1e-6:
                tempos.append((t, bpm))
        elif msg.type == "time_signature":
            sig = f"{msg.numerator}/{msg.denominator}"
            if not metres or metres[-1][1] != sig:
                metres.append((t, sig))
    if not tempos or tempos[0][0] > 0:
        tempos.insert(0, (0.0, 120.0))  # SMF default
    return t, tempos, metres


def in_force(changes, start_s, end_s):
    """Values of a (time, value) list that apply somewhere in [start_s, end_s)."""
    out = [v for (t, v) in changes if t <= start_s][-1:]
    out += [v for (t, v) in changes if start_s < t < end_s]
    return out


def grid_fraction(path):
    """Share of note-ons within 1/96 beat of a 1/12-beat grid (16ths and
    triplets), at the best grid offset. A played-in, unquantised file scores
    low: its tempo event says little about the beat one hears."""
    mid = mido.MidiFile(path)
    step = mid.ticks_per_beat / 12
    tol = mid.ticks_per_beat / 96
    tick, phases = 0, []
    for msg in mido.merge_tracks(mid.tracks):
        tick += msg.time
        if msg.type == "note_on" and msg.velocity > 0:
            phases.append(tick % step)
    if not phases:
        return 0.0
    best = 0
    for offset in range(int(step) + 1):
        hits = sum(1 for ph in phases if min(abs(ph - offset), step - abs(ph - offset)) <= tol)
        best = max(best, hits)
    return best / len(phases)


MIN_GRID_FRACTION = 0.9

GM_DRUMS = 9          # MIDI channel 10
SNARES = {38, 40}     # GM acoustic and electric snare
MIN_SNARE_HITS = 16
MIN_BACKBEAT_ON_QUARTER = 0.2


def snare_on_quarter(path):
    """Share of the drum part's snare hits (GM channel 10, notes 38 and 40)
    within 1/24 beat of a notated quarter note. None with fewer than MIN_SNARE_HITS snares.

    In simple metre the backbeat lands on quarter notes (2 and 4, or 2 and
    3 in 3/4): the pieces kept score 0.31-1.0. A file whose snare lands on
    the quarter under a fifth of the time is written with a quarter that is
    not its beat: its drums phrase in dotted quarters (snare every 1.5
    quarters, a 3-quarter loop), whatever the time signature says, and its
    tempo event gives no beat a listener taps."""
    mid = mido.MidiFile(path)
    tpb = mid.ticks_per_beat
    tol = tpb / 24
    tick, phases, snares = 0, [], []
    for msg in mido.merge_tracks(mid.tracks):
        tick += msg.time
        if msg.type == "note_on" and msg.velocity > 0:
            phases.append(tick % tpb)
            if msg.channel == GM_DRUMS and msg.note in SNARES:
                snares.append(tick % tpb)
    if len(snares) < MIN_SNARE_HITS:
        return None

    def near(ph, offset):
        d = abs(ph - offset) % tpb
        return min(d, tpb - d) <= tol

    # A file may start its grid a few ticks late (planetblupi: 20/192): the
    # quarter grid is placed, within a 32nd note of the tick grid, where
    # most note-ons fall.
    offset = max(range(tpb // 8), key=lambda o: sum(1 for ph in phases if near(ph, o)))
    return sum(1 for ph in snares if near(ph, offset)) / len(snares)


def excerpt(path, start_s, length_s):
    _, tempos, metres = tempo_map(path)
    grid = grid_fraction(path)
    if grid < MIN_GRID_FRACTION:
        return None, f"not quantised to its tempo grid ({grid:.0%} of notes on a 1/12-beat grid)"
    bpms = in_force(tempos, start_s, start_s + length_s)
    sigs = in_force(metres, start_s, start_s + length_s) or ["4/4 (default)"]
    note = f"metre {','.join(sigs)}, {grid:.0%} of notes on the beat grid"
    if max(bpms) / min(bpms) > 1.005:
        return None, f"tempo changes in excerpt ({min(bpms):.1f}-{max(bpms):.1f} BPM); {note}"
    if any(int(s.split("/")[0]) not in SIMPLE_METRES for s in sigs):
        return None, f"compound/irregular metre; {note}"
    backbeat = snare_on_quarter(path)
    if backbeat is not None and backbeat < MIN_BACKBEAT_ON_QUARTER:
        return None, (f"backbeat off the notated quarter ({backbeat:.0%} of snare hits on a "
                      f"quarter note): its beat is not the quarter; {note}")
    return bpms[0], note


def cut(path, start_s, length_s, out_path):
    """Fits the excerpt, writes the truncated file; returns (start, length, truth, note)."""
    mid = mido.MidiFile(path)
    length_total = mid.length
    length_s = min(length_s, length_total)
    start_s = max(0.0, min(start_s, length_total - length_s))
    end_s = start_s + length_s
    truth, note = excerpt(path, start_s, length_s)
    # Tick at end_s along the merged tempo map; every track is cut there.
    tempo, t_s, tick, end_tick = 500000, 0.0, 0, None
    for msg in mido.merge_tracks(mid.tracks):
        dt = mido.tick2second(msg.time, mid.ticks_per_beat, tempo)
        if t_s + dt >= end_s:
            end_tick = tick + round(mido.second2tick(end_s - t_s, mid.ticks_per_beat, tempo))
            break
        t_s += dt
        tick += msg.time
        if msg.type == "set_tempo":
            tempo = msg.tempo
    out = mido.MidiFile(type=mid.type, ticks_per_beat=mid.ticks_per_beat)
    for track in mid.tracks:
        kept, abs_tick, last = mido.MidiTrack(), 0, 0
        for msg in track:
            abs_tick += msg.time
            if msg.type == "end_of_track":
                break
            if end_tick is not None and abs_tick > end_tick:
                break
            kept.append(msg.copy(time=abs_tick - last))
            last = abs_tick
        kept.append(mido.MetaMessage("end_of_track", time=max(0, (end_tick or last) - last)))
        out.tracks.append(kept)
    # fluidsynth -F renders until every voice has ended: notes cut before
    # their note-off would sound (and render) forever, so silence all
    # channels at the cut.
    if end_tick is not None and mid.type == 1:
        stop = mido.MidiTrack()
        for ch in range(16):
            stop.append(mido.Message("control_change", channel=ch, control=123, value=0,
                                     time=end_tick if ch == 0 else 0))
            stop.append(mido.Message("control_change", channel=ch, control=120, value=0, time=0))
        stop.append(mido.MetaMessage("end_of_track", time=0))
        out.tracks.append(stop)
    out.save(out_path)
    return start_s, length_s, truth, note


def main(argv):
    if len(argv) >= 2 and argv[0] == "survey":
        for path in argv[1:]:
            length, tempos, metres = tempo_map(path)
            tl = " ".join(f"{t:.0f}s:{b:.1f}" for t, b in tempos[:8])
            ml = " ".join(f"{t:.0f}s:{s}" for t, s in metres[:4])
            print(f"{path}\t{length:.1f}\t{len(tempos)}\t{tl}{' ...' if len(tempos) > 8 else ''}\t{ml}")
        return 0
    if len(argv) == 5 and argv[0] == "cut":
        start, length, truth, note = cut(argv[1], float(argv[2]), float(argv[3]), argv[4])
        print(f"{start:.2f}\t{length:.2f}\t{'NA' if truth is None else f'{truth:.2f}'}\t{note}")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
