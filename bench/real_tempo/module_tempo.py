#!/usr/bin/python3
"""Tracker-module tempo reader and excerpt renderer (libopenmpt through ctypes).

  module_tempo.py survey FILE...                 one line per file: duration, tempo trace
  module_tempo.py render FILE OUT.wav START_S LENGTH_S
      renders LENGTH_S seconds from START_S (module looped when shorter) to
      a 44.1 kHz stereo 16-bit WAV and prints one line:
      truth_bpm<TAB>note   (truth_bpm = NA when the tempo is not constant)

Truth: libopenmpt's current estimated BPM (tempo, speed and the module's rows
per beat, 4 when the format has none), sampled every 1024 frames over the
excerpt. A piece counts as constant when that estimate, averaged over each
beat-length window, stays within 1 % of its median (swing written as
alternating speeds averages out). A piece whose notes start on under half of
the row grid's beats (MIN_PLAYED_BEATS) has no audible beat and is left out
too (NA). Where 4 rows per beat gives more than
200 BPM (speed 2 or 3: the composer doubled the row resolution) the beat is
taken as 8 rows, i.e. half that; the note says so. Needs package libopenmpt0 (openmpt123 pulls
it in)."""
import ctypes
import ctypes.util
import statistics
import sys
import wave

RATE = 44100
CHUNK = 1024


def load_library():
    for name in ("libopenmpt.so.0", ctypes.util.find_library("openmpt") or ""):
        if not name:
            continue
        try:
            return ctypes.CDLL(name)
        except OSError:
            pass
    sys.exit("module_tempo.py: libopenmpt not found (apt-get install openmpt123)")


LIB = load_library()
LIB.openmpt_module_create_from_memory2.restype = ctypes.c_void_p
LIB.openmpt_module_create_from_memory2.argtypes = [
    ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
    ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
LIB.openmpt_module_destroy.argtypes = [ctypes.c_void_p]
LIB.openmpt_module_get_duration_seconds.restype = ctypes.c_double
LIB.openmpt_module_get_duration_seconds.argtypes = [ctypes.c_void_p]
LIB.openmpt_module_set_position_seconds.restype = ctypes.c_double
LIB.openmpt_module_set_position_seconds.argtypes = [ctypes.c_void_p, ctypes.c_double]
LIB.openmpt_module_set_repeat_count.argtypes = [ctypes.c_void_p, ctypes.c_int32]
LIB.openmpt_module_get_current_estimated_bpm.restype = ctypes.c_double
LIB.openmpt_module_get_current_estimated_bpm.argtypes = [ctypes.c_void_p]
LIB.openmpt_module_get_current_speed.argtypes = [ctypes.c_void_p]
LIB.openmpt_module_get_current_tempo.argtypes = [ctypes.c_void_p]
for _name in ("current_order", "current_pattern", "current_row", "num_channels"):
    getattr(LIB, f"openmpt_module_get_{_name}").argtypes = [ctypes.c_void_p]
LIB.openmpt_module_get_pattern_row_channel_command.restype = ctypes.c_uint8
LIB.openmpt_module_get_pattern_row_channel_command.argtypes = [
    ctypes.c_void_p, ctypes.c_int32, ctypes.c_int32, ctypes.c_int32, ctypes.c_int]
NOTE_COMMAND = 0  # OPENMPT_MODULE_COMMAND_NOTE; 1..120 are notes, above that note off/cut/fade
LIB.openmpt_module_read_interleaved_stereo.restype = ctypes.c_size_t
LIB.openmpt_module_read_interleaved_stereo.argtypes = [
    ctypes.c_void_p, ctypes.c_int32, ctypes.c_size_t, ctypes.c_void_p]


class Module:
    def __init__(self, path):
        with open(path, "rb") as f:
            self.data = f.read()
        self.handle = LIB.openmpt_module_create_from_memory2(
            self.data, len(self.data), None, None, None, None, None, None, None)
        if not self.handle:
            raise RuntimeError(f"libopenmpt cannot open {path}")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        LIB.openmpt_module_destroy(self.handle)

    def duration_s(self):
        return LIB.openmpt_module_get_duration_seconds(self.handle)

    def play(self, start_s, length_s, wav_out=None):
        """Renders [start_s, start_s + length_s), looping; returns the BPM trace."""
        LIB.openmpt_module_set_repeat_count(self.handle, -1)
        LIB.openmpt_module_set_position_seconds(self.handle, start_s)
        buf = (ctypes.c_int16 * (2 * CHUNK))()
        trace = []  # (estimated_bpm, speed, tempo) per chunk
        self.rows = []  # (row, notes started on it) per row played, in order
        channels = LIB.openmpt_module_get_num_channels(self.handle)
        last = None
        frames_left = int(length_s * RATE)
        while frames_left > 0:
            n = LIB.openmpt_module_read_interleaved_stereo(
                self.handle, RATE, min(CHUNK, frames_left), buf)
            if n == 0:
                break
            trace.append((LIB.openmpt_module_get_current_estimated_bpm(self.handle),
                          LIB.openmpt_module_get_current_speed(self.handle),
                          LIB.openmpt_module_get_current_tempo(self.handle)))
            where = (LIB.openmpt_module_get_current_order(self.handle),
                     LIB.openmpt_module_get_current_pattern(self.handle),
                     LIB.openmpt_module_get_current_row(self.handle))
            if where != last:
                last = where
                notes = sum(1 <= LIB.openmpt_module_get_pattern_row_channel_command(
                    self.handle, where[1], where[2], c, NOTE_COMMAND) <= 120
                    for c in range(channels))
                self.rows.append((where[2], notes))
            if wav_out is not None:
                wav_out.writeframes(bytes(buf)[: 4 * n])
            frames_left -= n
        return trace


# A beat of the row grid counts as played when a note starts on one of its
# rows; under this share of played beats the grid's beat is not heard (sparse
# pads and drones: the tempo is a notation setting only) and the piece is left
# out. The kept modules play notes on 99-100 % of the beats of their excerpts,
# ironseed's SECTOR.MOD (sparse ambient pads, 0.6 notes/s) on 18 %.
MIN_PLAYED_BEATS = 0.5


def played_beats(rows, rows_per_beat):
    """Share of the beats (rows_per_beat rows, from each pattern row 0) in the
    played rows [(row, notes)] with at least one note starting."""
    beats = []
    prev = None
    for row, notes in rows:
        if prev is None or row // rows_per_beat != prev // rows_per_beat or row < prev:
            beats.append(False)
        beats[-1] = beats[-1] or notes > 0
        prev = row
    return sum(beats) / len(beats) if beats else 0.0


def judge(trace, rows):
    """Returns (truth_bpm or None, note) for a per-chunk BPM trace and the
    played rows [(row, notes started)]."""
    if not trace:
        return None, "no audio"
    bpms = [t[0] for t in trace]
    median = statistics.median(bpms)
    beat_chunks = max(1, round(60.0 / median * RATE / CHUNK))
    windows = [statistics.fmean(bpms[i:i + beat_chunks])
               for i in range(0, len(bpms) - beat_chunks + 1, beat_chunks)]
    spread = max(abs(w / median - 1) for w in windows) if windows else 0
    pairs = sorted({(t[1], t[2]) for t in trace})
    note = "speed/tempo " + ",".join(f"{s}/{t}" for s, t in pairs[:6])
    if spread > 0.01:
        return None, f"tempo changes in excerpt ({min(bpms):.1f}-{max(bpms):.1f} BPM; {note})"
    bpm = statistics.fmean(windows) if windows else median
    rows_per_beat = 8 if bpm > 200 else 4
    played = played_beats(rows, rows_per_beat)
    if played < MIN_PLAYED_BEATS:
        return None, (f"notes start on {100 * played:.0f}% of the {rows_per_beat}-row beats "
                      f"(under {100 * MIN_PLAYED_BEATS:.0f}%: no audible beat; {note})")
    note += f"; notes on {100 * played:.0f}% of beats"
    if bpm > 200:
        return bpm / 2, f"{note}; 4 rows/beat gives {bpm:.1f}, taken as 8 rows/beat"
    return bpm, note


def main(argv):
    if len(argv) >= 2 and argv[0] == "survey":
        for path in argv[1:]:
            try:
                with Module(path) as m:
                    dur = m.duration_s()
                    truth, note = judge(m.play(0, min(dur, 240)), m.rows)
                print(f"{path}\t{dur:.1f}\t{truth if truth is None else round(truth, 2)}\t{note}")
            except RuntimeError as e:
                print(f"{path}\tERR\t{e}")
        return 0
    if len(argv) == 5 and argv[0] == "render":
        path, out, start_s, length_s = argv[1], argv[2], float(argv[3]), float(argv[4])
        with Module(path) as m, wave.open(out + ".part", "wb") as w:
            w.setnchannels(2)
            w.setsampwidth(2)
            w.setframerate(RATE)
            truth, note = judge(m.play(start_s, length_s, w), m.rows)
        import os
        os.replace(out + ".part", out)
        print(f"{'NA' if truth is None else f'{truth:.2f}'}\t{note}")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
