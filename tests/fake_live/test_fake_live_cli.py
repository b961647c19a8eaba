#!/usr/bin/env python3
"""styledna-fake-live as a process: ready file, a reply on the reply port,
/fake/dump, exit 0 and a dump on SIGTERM, exit 2 on a taken port, a stall
(--stall-after-sets) and /fake/resume.

    test_fake_live_cli.py BINARY SET.json WORKDIR
"""
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import time


def osc(address, *args):
    def pad(b):
        return b + b"\0" * (4 - len(b) % 4)
    tags, data = ",", b""
    for a in args:
        if isinstance(a, int):
            tags, data = tags + "i", data + struct.pack(">i", a)
        else:
            tags, data = tags + "s", data + pad(a.encode())
    return pad(address.encode()) + pad(tags.encode()) + data


def address_of(datagram):
    return datagram[:datagram.index(b"\0")].decode()


def start_emulator(binary, set_path, workdir, *extra):
    """Starts the emulator with a fresh ready file and state dump in WORKDIR, replying
    to a socket bound here; EXTRA: more flags. Returns (proc, replies, port, dump)
    once the ready file names the port it listens on."""
    os.makedirs(workdir, exist_ok=True)
    ready, dump = os.path.join(workdir, "ready"), os.path.join(workdir, "dump.json")
    for path in (ready, dump):
        if os.path.exists(path):
            os.remove(path)
    replies = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    replies.bind(("127.0.0.1", 0))
    replies.settimeout(3.0)
    proc = subprocess.Popen([binary, "--set", set_path, "--port", "0", "--reply-port",
                             str(replies.getsockname()[1]), "--ready-file", ready,
                             "--dump-state", dump, "--tick-ms", "20", *extra])
    try:
        deadline = time.time() + 10
        while not os.path.exists(ready):
            assert time.time() < deadline, "no ready file"
            assert proc.poll() is None, "exited early"
            time.sleep(0.02)
        return proc, replies, int(open(ready).read()), dump
    except BaseException:
        proc.kill()
        proc.wait(timeout=10)
        raise


def main():
    binary, set_path, workdir = sys.argv[1:4]
    proc, replies, port, dump = start_emulator(binary, set_path, workdir)
    try:
        sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sender.sendto(osc("/live/song/get/num_tracks"), ("127.0.0.1", port))
        datagram = replies.recv(65536)
        assert address_of(datagram) == "/live/song/get/num_tracks", datagram
        assert datagram.endswith(struct.pack(">i", 8)), datagram

        taken = subprocess.run([binary, "--set", set_path, "--port", str(port)],
                               capture_output=True, text=True)
        assert taken.returncode == 2, taken.returncode
        assert f"127.0.0.1:{port} is in use" in taken.stderr, taken.stderr

        sender.sendto(osc("/live/device/set/parameter/value", 1, 1, 27, 4), ("127.0.0.1", port))
        sender.sendto(osc("/fake/dump"), ("127.0.0.1", port))
        assert address_of(replies.recv(65536)) == "/fake/dump"
        state = json.load(open(dump))
        assert state["tracks"][1]["devices"][1]["parameters"][27]["value"] == 4.0
        os.remove(dump)
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=10)
    assert code == 0, code
    state = json.load(open(dump))
    assert state["tracks"][1]["devices"][1]["parameters"][27]["value_string"] == "4.00 dB"
    check_stall(binary, set_path, workdir)
    print("test_fake_live_cli: ok")


def check_stall(binary, set_path, workdir):
    """--stall-after-sets 1: the first set lands, later requests wait unanswered
    (test hooks still answered) until /fake/resume handles them in order."""
    proc, replies, port, dump = start_emulator(binary, set_path,
                                               os.path.join(workdir, "stall"),
                                               "--stall-after-sets", "1")
    try:
        to = ("127.0.0.1", port)
        sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sender.sendto(osc("/live/device/set/parameter/value", 1, 1, 27, 4), to)
        sender.sendto(osc("/live/device/set/parameter/value", 1, 1, 32, 5), to)
        sender.sendto(osc("/live/song/get/num_tracks"), to)

        def gains():
            sender.sendto(osc("/fake/dump"), to)
            assert address_of(replies.recv(65536)) == "/fake/dump"
            p = json.load(open(dump))["tracks"][1]["devices"][1]["parameters"]
            return p[27]["value"], p[32]["value"]

        deadline = time.time() + 5
        while gains()[0] != 4.0:
            assert time.time() < deadline, "the first set never landed"
        time.sleep(0.2)  # ten ticks: nothing held may land
        assert gains() == (4.0, 0.0), gains()
        sender.sendto(osc("/fake/resume"), to)
        assert address_of(replies.recv(65536)) == "/live/song/get/num_tracks"
        resumed = replies.recv(65536)
        assert address_of(resumed) == "/fake/resume", resumed
        assert resumed.endswith(struct.pack(">i", 2)), resumed
        assert gains() == (4.0, 5.0)
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=10)
    assert code == 0, code


if __name__ == "__main__":
    main()
