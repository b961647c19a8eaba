"""Helpers for the Live bridge suites: an AbletonOSC emulator per test, a small
trance set, hand-written fix plans stored the way GenerateFixes stores them.

The emulator is tests/fake_live's styledna-fake-live when it is built in
STYLEDNA_BIN_DIR, else fake_able_osc.py (same options);
STYLEDNA_FAKE_LIVE=python forces the Python one.
"""

import json
import os
import socket
import sqlite3
import struct
import subprocess
import time

from daemon_fixture import BIN_DIR, HERE, PYTHON, _LIVE

FAKE_BIN = os.path.join(BIN_DIR, "styledna-fake-live")
FAKE_PY = os.path.join(HERE, "fake_able_osc.py")


def emulator_kind():
    if os.environ.get("STYLEDNA_FAKE_LIVE") == "python" or not os.path.exists(FAKE_BIN):
        return "python"
    return "styledna-fake-live"


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------ the set --

def _p(name, value, lo=0.0, hi=1.0, quantized=False):
    return {"name": name, "value": value, "min": lo, "max": hi, "is_quantized": quantized}


def eq_eight():
    """EQ Eight (Live 12.4 names): 84 parameters."""
    params = [_p("Device On", 1.0, 0, 1, True), _p("Output", 0.0, -12, 12),
              _p("Scale", 1.0, -2, 2), _p("Adaptive Q", 1.0, 0, 1, True)]
    freqs = [0.25, 0.389, 0.598, 0.808, 0.3, 0.85, 0.808, 0.96]
    for n in range(1, 9):
        for side in ("A", "B"):
            params += [_p(f"{n} Filter On {side}", 1.0 if n in (2, 3, 4) else 0.0, 0, 1, True),
                       _p(f"{n} Filter Type {side}", 3.0, 0, 7, True),
                       _p(f"{n} Frequency {side}", freqs[n - 1]),
                       _p(f"{n} Gain {side}", 0.0, -15, 15),
                       _p(f"{n} Q {side}", 0.5)]
    return {"name": "EQ Eight", "class_name": "Eq8", "type": 2, "parameters": params}


def compressor():
    names = ["Device On", "Threshold", "Ratio", "Expansion Ratio", "Attack", "Release",
             "Auto Release On/Off", "Output Gain", "Makeup", "Dry/Wet", "Model", "Legacy Model",
             "Knee", "LookAhead", "Envelope Mode", "S/C Listen", "S/C EQ On", "S/C EQ Type",
             "S/C EQ Freq", "S/C EQ Q", "S/C On", "S/C Gain", "S/C Mix"]
    toggles = ("Device On", "Auto Release On/Off", "Makeup", "S/C On", "S/C Listen",
               "S/C EQ On", "Legacy Model")
    params = []
    for n in names:
        if n == "Output Gain":
            params.append(_p(n, 0.0, -36, 36))
        elif n == "Knee":
            params.append(_p(n, 6.0, 0, 18))
        elif n in toggles:
            params.append(_p(n, 1.0 if n == "Device On" else 0.0, 0, 1, True))
        elif n == "Model":
            params.append(_p(n, 0.0, 0, 2, True))
        else:
            params.append(_p(n, 1.0 if n == "Dry/Wet" else 0.5))
    return {"name": "Compressor", "class_name": "Compressor2", "type": 2, "parameters": params}


def utility():
    params = [_p("Device On", 1.0, 0, 1, True), _p("Left Inv", 0.0, 0, 1, True),
              _p("Right Inv", 0.0, 0, 1, True), _p("Channel Mode", 1.0, 0, 3, True),
              _p("Stereo Width", 1.0, 0, 2), _p("Mono", 0.0, 0, 1, True),
              _p("Bass Mono", 0.0, 0, 1, True), _p("Bass Freq", 0.3802),
              _p("Balance", 0.0, -1, 1), _p("Output", 0.0, -1, 1), _p("Mute", 0.0, 0, 1, True),
              _p("DC Filter", 0.0, 0, 1, True)]
    return {"name": "Utility", "class_name": "StereoGain", "type": 2, "parameters": params}


def operator_synth():
    return {"name": "Operator", "class_name": "Operator", "type": 1,
            "parameters": [_p("Device On", 1.0, 0, 1, True), _p("Volume", 0.5)]}


def trance_set():
    return {"tracks": [
        {"name": "Kick", "devices": [compressor()]},
        {"name": "Bass", "devices": [operator_synth(), eq_eight(), compressor()]},
        {"name": "Lead", "devices": [operator_synth(), eq_eight(), utility()]},
        {"name": "Pad", "devices": [utility()]},
        {"name": "Music Bus", "devices": [eq_eight(), utility()]},
    ]}


def write_set(path, live_set=None):
    with open(path, "w") as f:
        json.dump(live_set or trance_set(), f, indent=1)
    return path


# --------------------------------------------------------------- emulator --

class FakeLive:
    """One emulator process on a free port, replying to `reply_port`."""

    def __init__(self, root, set_path, reply_port, extra=(), tick_ms=100, kind=None):
        self.root = root
        self.kind = kind or emulator_kind()
        self.reply_port = reply_port
        self.ready = os.path.join(root, f"fake-live-{time.monotonic_ns()}.port")
        self.dump_path = os.path.join(root, "fake-live-state.json")
        self.log_path = os.path.join(root, "fake-live.log")
        exe = [FAKE_BIN] if self.kind == "styledna-fake-live" else [PYTHON, FAKE_PY]
        self.command = exe + ["--set", set_path, "--port", "0", "--reply-port", str(reply_port),
                              "--tick-ms", str(tick_ms), "--ready-file", self.ready,
                              "--dump-state", self.dump_path, *[str(a) for a in extra]]
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.command, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        _LIVE.add(self.proc)
        deadline = time.monotonic() + 20
        while True:
            if os.path.exists(self.ready):
                with open(self.ready) as f:
                    text = f.read().strip()
                if text:
                    self.port = int(text)
                    break
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{self.kind} did not start: {self.log_tail()}")
            time.sleep(0.02)

    def daemon_args(self):
        return ["--live-port", str(self.port), "--osc-reply-port", str(self.reply_port)]

    def dump(self, timeout=30.0):
        """The emulator's set now (/fake/dump, re-sent until the file appears)."""
        from fake_able_osc import encode
        if os.path.exists(self.dump_path):
            os.remove(self.dump_path)
        deadline = time.monotonic() + timeout
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            while time.monotonic() < deadline:
                s.sendto(encode("/fake/dump", []), ("127.0.0.1", self.port))
                t_end = time.monotonic() + 0.5
                while time.monotonic() < t_end:
                    if os.path.exists(self.dump_path):
                        try:
                            with open(self.dump_path) as f:
                                return json.load(f)
                        except ValueError:
                            pass
                    time.sleep(0.02)
        raise RuntimeError("the emulator wrote no state dump")

    def reload(self):
        """/live/api/reload: the script reloads and sends /live/startup."""
        from fake_able_osc import encode
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(encode("/live/api/reload", []), ("127.0.0.1", self.port))

    def resume(self):
        """/fake/resume: a stalled emulator (--stall-after-sets) handles what it held."""
        from fake_able_osc import encode
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(encode("/fake/resume", []), ("127.0.0.1", self.port))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        _LIVE.discard(self.proc)
        self._log.close()

    def log_tail(self, lines=20):
        try:
            with open(self.log_path, "rb") as f:
                return "\n".join(f.read().decode("utf-8", "replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def float32(x):
    return struct.unpack(">f", struct.pack(">f", float(x)))[0]


def values_of(dumped):
    """{(track, device, parameter): value} of a set document, as float32.

    OSC carries parameter values as float32 (so does Live internally); an
    emulator may hold a set file's doubles (0.598) until the first set, so
    values compare exactly at float32 precision."""
    out = {}
    for t in dumped["tracks"]:
        for d in t.get("devices", []):
            for p in d.get("parameters", []):
                out[(t["name"], d["name"], p["name"])] = float32(p["value"])
    return out


# ------------------------------------------------------------------- plans --

def change(change_id, track, device_name, device_class, parameter, frm, to, confidence=0.9,
           hints=(-1, -1, -1)):
    return {"change_id": change_id, "track_name": track, "device_name": device_name,
            "device_class": device_class, "parameter_name": parameter, "from_value": frm,
            "to_value": to, "confidence": confidence, "track_index": hints[0],
            "device_index": hints[1], "parameter_index": hints[2],
            "display_from": "", "display_to": "", "unit": "", "reason": "test"}


def plan(plan_id, fixes):
    return {"plan_id": plan_id, "profile": "test", "wip_hash": "0" * 64, "strength": 1.0,
            "fixes": [{"id": fid, "title": fid, "confidence": 0.9, "strength": 1.0,
                       "changes": changes} for fid, changes in fixes]}


def store_plan(db_path, document):
    """Inserts a plan document into fix_plans (as GenerateFixes stores one)."""
    con = sqlite3.connect(db_path, timeout=10)
    try:
        con.execute("INSERT OR REPLACE INTO fix_plans (plan_id, created_at, wip_hash, profile, "
                    "document) VALUES (?, '2026-12-04T00:00:00Z', ?, ?, ?)",
                    (document["plan_id"], document["wip_hash"], document["profile"],
                     json.dumps(document)))
        con.commit()
    finally:
        con.close()


def journal(db_path, journal_id):
    """(state, kind, message) of a journal and its entries in seq order."""
    con = sqlite3.connect(db_path, timeout=10)
    try:
        head = con.execute("SELECT state, kind, message FROM apply_journals WHERE journal_id = ?",
                           (journal_id,)).fetchone()
        rows = con.execute("SELECT seq, change, state, previous_value, target_value, "
                           "read_back_value FROM apply_journal_entries WHERE journal_id = ? "
                           "ORDER BY seq", (journal_id,)).fetchall()
        return head, [dict(seq=r[0], change=json.loads(r[1]), state=r[2], previous=r[3],
                           target=r[4], read_back=r[5]) for r in rows]
    finally:
        con.close()
