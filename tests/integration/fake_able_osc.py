"""A small AbletonOSC responder in Python for the Live bridge's integration tests.

It serves a LiveSet JSON document (core/live/live_set.hpp) the way the
AbletonOSC remote script does (see shared/ABLETON.md): UDP on 127.0.0.1, a
tick every --tick-ms that drains the socket until it is empty, replies to the
sender's host on --reply-port, no reply for setters, `/live/error` for bad
indices and out-of-range values (an exception ends the tick's drain), and
`/live/startup` on a simulated restart (what was queued behind it is dropped,
as a reload does). Faults: --loss (requests and replies), --duplicate
(replies), --restart-after-sets N.

It stands in for tests/fake_live's styledna-fake-live where that binary is not
built, with the same options for what the tests use: --set, --port (0 = free),
--reply-port, --tick-ms, --seed, --loss, --duplicate, --restart-after-sets,
--reply-limit-bytes (a larger reply fails with "Message too long"),
--ready-file (PORT written once bound), --dump-state (written on SIGTERM and on
/fake/dump).
"""

import argparse
import json
import os
import random
import select
import signal
import socket
import struct
import sys
import time


def _pad(b):
    return b + b"\0" * (4 - len(b) % 4)


def encode(address, args):
    tags = ","
    payload = b""
    for a in args:
        if a is True:
            tags += "T"
        elif a is False:
            tags += "F"
        elif a is None:
            tags += "N"
        elif isinstance(a, int):
            tags += "i"
            payload += struct.pack(">i", a)
        elif isinstance(a, float):
            tags += "f"
            payload += struct.pack(">f", a)
        else:
            tags += "s"
            payload += _pad(str(a).encode())
    return _pad(address.encode()) + _pad(tags.encode()) + payload


def _read_string(data, i):
    end = data.index(b"\0", i)
    s = data[i:end].decode()
    return s, (end + 4) & ~3


def decode(data):
    address, i = _read_string(data, 0)
    tags, i = _read_string(data, i)
    args = []
    for t in tags[1:]:
        if t == "i":
            args.append(struct.unpack(">i", data[i:i + 4])[0])
            i += 4
        elif t == "f":
            args.append(struct.unpack(">f", data[i:i + 4])[0])
            i += 4
        elif t == "s":
            s, i = _read_string(data, i)
            args.append(s)
        elif t == "T":
            args.append(True)
        elif t == "F":
            args.append(False)
        elif t == "N":
            args.append(None)
        else:
            raise ValueError(f"unsupported type tag {t}")
    return address, args


def f32(x):
    return struct.unpack(">f", struct.pack(">f", float(x)))[0]


class AbortTick(Exception):
    pass


class FakeLive:
    def __init__(self, opts):
        self.opts = opts
        with open(opts.set) as f:
            self.set = json.load(f)
        for t in self.set["tracks"]:
            for d in t.get("devices", []):
                for p in d.get("parameters", []):
                    p["value"] = f32(p.get("value", p.get("min", 0.0)))
        self.rng = random.Random(opts.seed)
        self.sets_applied = 0
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", opts.port))
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]
        self.reply_host = "127.0.0.1"
        self.stop = False

    # -- sending
    def send(self, address, args, host=None):
        if self.opts.loss and self.rng.random() < self.opts.loss:
            return
        dgram = encode(address, args)
        if self.opts.reply_limit_bytes and len(dgram) > self.opts.reply_limit_bytes:
            raise OSError("[Errno 90] Message too long")
        target = (host or self.reply_host, self.opts.reply_port)
        self.sock.sendto(dgram, target)
        if self.opts.duplicate and self.rng.random() < self.opts.duplicate:
            self.sock.sendto(dgram, target)

    def error(self, text):
        self.send("/live/error", [text])

    # -- the set
    def device(self, args):
        t, d = int(args[0]), int(args[1])
        return self.set["tracks"][t]["devices"][d]

    def handle(self, address, args):
        tracks = self.set["tracks"]
        if address == "/live/test":
            return ["ok"]
        if address == "/live/song/get/num_tracks":
            return [len(tracks)]
        if address == "/live/song/get/track_names":
            return [t["name"] for t in tracks]
        if address.startswith("/live/track/get/devices/"):
            prop = address.rsplit("/", 1)[1]
            t = int(args[0])
            devices = tracks[t].get("devices", [])
            if prop == "type":
                return [t] + [int(d.get("type", 2)) for d in devices]
            return [t] + [d.get(prop, d["name"]) for d in devices]
        if address.startswith("/live/device/get/parameters/"):
            prop = address.rsplit("/", 1)[1]
            d = self.device(args)
            params = d.get("parameters", [])
            if prop == "is_quantized":
                values = [bool(p.get("is_quantized", False)) for p in params]
            elif prop == "name":
                values = [p["name"] for p in params]
            else:
                values = [float(p.get(prop, 1.0 if prop == "max" else 0.0)) for p in params]
            return [int(args[0]), int(args[1])] + values
        if address in ("/live/device/get/parameter/value",
                       "/live/device/get/parameter/value_string"):
            p = self.device(args)["parameters"][int(args[2])]
            value = float(p["value"])
            if address.endswith("value_string"):
                value = "%.2f" % value
            return [int(args[0]), int(args[1]), int(args[2]), value]
        if address == "/live/device/set/parameter/value":
            p = self.device(args)["parameters"][int(args[2])]
            value = f32(args[3])
            if value < p.get("min", 0.0) or value > p.get("max", 1.0):
                raise ValueError("Invalid value. Check the parameters range with min/max")
            p["value"] = value
            self.sets_applied += 1
            if self.opts.restart_after_sets and self.sets_applied == self.opts.restart_after_sets:
                self.send("/live/startup", [])
                self.send("/live/application/get/average_process_usage", [])
                raise AbortTick()
            return None
        if address == "/live/api/reload":
            self.send("/live/startup", [])
            self.send("/live/application/get/average_process_usage", [])
            return None
        if address == "/fake/dump":
            self.dump()
            return ["ok"]
        self.error(f"Unknown OSC address: {address}")
        return None

    def dump(self):
        if self.opts.dump_state:
            with open(self.opts.dump_state + ".tmp", "w") as f:
                json.dump(self.set, f, indent=1)
            os.replace(self.opts.dump_state + ".tmp", self.opts.dump_state)

    def tick(self):
        while True:
            try:
                data, sender = self.sock.recvfrom(65536)
            except BlockingIOError:
                return
            if self.opts.loss and self.rng.random() < self.opts.loss:
                continue
            self.reply_host = sender[0]
            try:
                address, args = decode(data)
                reply = self.handle(address, args)
                if reply is not None:
                    self.send(address, reply, sender[0])
            except AbortTick:  # the script reloads: what was queued is gone
                while True:
                    try:
                        self.sock.recvfrom(65536)
                    except BlockingIOError:
                        return
            except Exception as e:  # AbletonOSC ends the drain here
                text = "list index out of range" if isinstance(e, IndexError) else str(e)
                if isinstance(e, OSError):
                    text = str(e)
                self.error(f"Error handling OSC message: {text}")
                return

    def run(self):
        if self.opts.ready_file:
            with open(self.opts.ready_file, "w") as f:
                f.write(f"{self.port}\n")
        period = self.opts.tick_ms / 1000.0
        next_tick = time.monotonic() + period
        while not self.stop:
            wait = next_tick - time.monotonic()
            if wait > 0:
                select.select([], [], [], wait)
            next_tick += period
            self.tick()
        self.dump()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", required=True)
    ap.add_argument("--port", type=int, default=11000)
    ap.add_argument("--reply-port", type=int, default=11001)
    ap.add_argument("--tick-ms", type=float, default=100.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--loss", type=float, default=0.0)
    ap.add_argument("--duplicate", type=float, default=0.0)
    ap.add_argument("--restart-after-sets", type=int, default=0)
    ap.add_argument("--reply-limit-bytes", type=int, default=0)
    ap.add_argument("--ready-file", default="")
    ap.add_argument("--dump-state", default="")
    opts = ap.parse_args()
    fake = FakeLive(opts)

    def on_signal(*_):
        fake.stop = True
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    fake.run()


if __name__ == "__main__":
    sys.exit(main())
