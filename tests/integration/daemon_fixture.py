"""Shared fixture for the integration suites: a live stylednad per test.

Environment:
  STYLEDNA_BIN_DIR     folder with stylednad and styledna (default /work/main/build/bin)
  STYLEDNA_SOURCE_DIR  repository root (default: two folders above this file)

Every test gets its own temporary folder holding the socket, the data dir and
the daemon's log, so suites may run in parallel (ctest -j). DaemonTestCase
starts the daemon in setUp and, in tearDown, stops it with SIGTERM and asserts
exit status 0 and `PRAGMA integrity_check` == "ok". No daemon outlives the
test process: every one started here is killed at exit if still running.

Stubs (styledna.v1 and grpc.health.v1) are generated once per process into a
temporary folder with grpc_tools; nothing generated is kept.
"""

import atexit
import json
import math
import os
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
import unittest

import grpc

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("STYLEDNA_SOURCE_DIR") or os.path.normpath(os.path.join(HERE, "..", ".."))
BIN_DIR = os.environ.get("STYLEDNA_BIN_DIR") or "/work/main/build/bin"
DAEMON = os.path.join(BIN_DIR, "stylednad")
CLI = os.path.join(BIN_DIR, "styledna")
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
CLIENT_DIR = os.path.join(SOURCE_DIR, "clients", "python")

# Generous: the suite also runs under ASan+UBSan (several times slower).
START_TIMEOUT_S = 30.0
# Exit within 10 s of SIGTERM; 30 s under the sanitizers, where the members'
# teardown and LeakSanitizer's exit scan run on a loaded 2-core machine (one
# CI run saw an ASan daemon still exiting 10 s after "exiting" was logged,
# not reproduced in three reruns, loaded or not).
STOP_TIMEOUT_S = 30.0 if os.environ.get("ASAN_OPTIONS") else 10.0
RPC_TIMEOUT_S = 60.0

sys.path.insert(0, CLIENT_DIR)
import styledna_client  # noqa: E402

_STUB_DIR = tempfile.mkdtemp(prefix="sdna-stubs-")
atexit.register(shutil.rmtree, _STUB_DIR, True)
pb2, pb2_grpc = styledna_client.generate_stubs(os.path.join(SOURCE_DIR, "proto"), _STUB_DIR)

# grpc.health.v1 as published by gRPC (grpc/grpc src/proto/grpc/health/v1/health.proto).
# Debian's grpc_tools does not bundle it and python3-grpcio-health-checking is
# not installed, so the stub is generated from this copy.
_HEALTH_PROTO = """
syntax = "proto3";
package grpc.health.v1;
message HealthCheckRequest { string service = 1; }
message HealthCheckResponse {
  enum ServingStatus { UNKNOWN = 0; SERVING = 1; NOT_SERVING = 2; SERVICE_UNKNOWN = 3; }
  ServingStatus status = 1;
}
service Health {
  rpc Check(HealthCheckRequest) returns (HealthCheckResponse);
  rpc Watch(HealthCheckRequest) returns (stream HealthCheckResponse);
}
"""


def health_stubs():
    """(health_pb2, health_pb2_grpc) for grpc.health.v1."""
    from grpc_tools import protoc
    root = os.path.join(_STUB_DIR, "health_src")
    proto = os.path.join(root, "grpc_health_check", "v1", "health.proto")
    if not os.path.exists(proto):
        os.makedirs(os.path.dirname(proto))
        with open(proto, "w") as f:
            f.write(_HEALTH_PROTO)
        args = ["protoc", f"-I{root}", f"--python_out={_STUB_DIR}",
                f"--grpc_python_out={_STUB_DIR}", "grpc_health_check/v1/health.proto"]
        if protoc.main(args) != 0:
            raise RuntimeError("grpc_tools.protoc failed for health.proto")
        for pkg in ("grpc_health_check", os.path.join("grpc_health_check", "v1")):
            open(os.path.join(_STUB_DIR, pkg, "__init__.py"), "a").close()
    from grpc_health_check.v1 import health_pb2, health_pb2_grpc
    return health_pb2, health_pb2_grpc


# ------------------------------------------------------------------ files --

def make_tmpdir(tag):
    # Under /tmp, not $TMPDIR: a Unix socket path must stay under 108 bytes.
    return tempfile.mkdtemp(prefix=f"sdna-{tag}-", dir="/tmp")


def sine(frequency_hz, amplitude, seconds, rate, channels=1):
    """Interleaved float samples of a sine, identical in every channel."""
    frames = int(round(seconds * rate))
    w = 2.0 * math.pi * frequency_hz / rate
    out = []
    for n in range(frames):
        v = amplitude * math.sin(w * n)
        out.extend([v] * channels)
    return out


def write_pcm_wav(path, samples, rate, channels, bits=16):
    """A PCM WAV (8/16/24/32-bit integer) from interleaved floats in [-1, 1]."""
    try:
        import numpy as np
        x = np.asarray(samples, dtype=np.float64)
        if bits == 8:
            data = np.clip(np.round(x * 128.0) + 128, 0, 255).astype(np.uint8).tobytes()
        elif bits == 16:
            data = np.clip(np.round(x * 32768.0), -32768, 32767).astype("<i2").tobytes()
        elif bits == 24:
            v = np.clip(np.round(x * 8388608.0), -8388608, 8388607).astype("<i4")
            data = v.view(np.uint8).reshape(-1, 4)[:, :3].tobytes()
        else:
            data = np.clip(np.round(x * 2147483648.0), -2147483648, 2147483647).astype("<i4").tobytes()
    except ImportError:  # pure Python fallback
        scale = float(1 << (bits - 1))
        lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
        ints = [max(lo, min(hi, int(round(s * scale)))) for s in samples]
        if bits == 8:
            data = bytes(v + 128 for v in ints)
        else:
            data = b"".join(v.to_bytes(bits // 8, "little", signed=True) for v in ints)
    _write_riff(path, 1, channels, rate, bits, data)


def write_float_wav(path, samples, rate, channels):
    """A 32-bit IEEE float WAV (WAVE_FORMAT_IEEE_FLOAT); NaN/Inf pass through."""
    data = struct.pack(f"<{len(samples)}f", *samples)
    _write_riff(path, 3, channels, rate, 32, data)


def wav_header(format_tag, channels, rate, bits, data_bytes):
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", format_tag, channels, rate, rate * block, block, bits)
    return (b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + data_bytes) + b"WAVE" +
            b"fmt " + struct.pack("<I", len(fmt)) + fmt +
            b"data" + struct.pack("<I", data_bytes))


def _write_riff(path, format_tag, channels, rate, bits, data):
    with open(path, "wb") as f:
        f.write(wav_header(format_tag, channels, rate, bits, len(data)))
        f.write(data)
        if len(data) % 2:
            f.write(b"\0")


def write_silent_wav(path, seconds, rate=8000, channels=1, bits=8):
    """A long WAV written fast: header, then a sparse run of zero bytes.

    (For 8-bit WAV, zero bytes decode to -1.0: a constant, which is fine for
    tests that only need length.)"""
    data_bytes = int(seconds * rate) * channels * bits // 8
    with open(path, "wb") as f:
        f.write(wav_header(1, channels, rate, bits, data_bytes))
        f.truncate(f.tell() + data_bytes)
    return data_bytes


def write_noise_wav(path, seconds, rate, channels=1, seed=1):
    """16-bit PCM of seeded pseudo-random noise (unique content per seed)."""
    import random
    rng = random.Random(seed)
    frames = int(seconds * rate) * channels
    data = rng.randbytes(frames * 2) if hasattr(rng, "randbytes") else \
        bytes(rng.getrandbits(8) for _ in range(frames * 2))
    _write_riff(path, 1, channels, rate, 16, data)


# ------------------------------------------------------------------ daemon --

_LIVE = set()


def _kill_leftovers():
    for proc in list(_LIVE):
        if proc.poll() is None:
            proc.kill()
            proc.wait()


atexit.register(_kill_leftovers)


def free_tcp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def integrity_check(db_path):
    """Result of PRAGMA integrity_check (opened after the daemon stopped)."""
    con = sqlite3.connect(db_path, timeout=10)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


class Daemon:
    """One stylednad process on root/d.sock with data dir root/data."""

    def __init__(self, root, extra_args=(), data_dir=None, socket_path=None):
        self.root = root
        self.socket_path = socket_path or os.path.join(root, "d.sock")
        self.data_dir = data_dir or os.path.join(root, "data")
        self.db_path = os.path.join(self.data_dir, "styledna.db")
        self.log_path = os.path.join(root, f"stylednad-{len(os.listdir(root))}.out")
        self.extra_args = list(extra_args)
        self.proc = None
        self._channel = None
        self.stub = None

    def command(self):
        log_level = [] if "--log-level" in self.extra_args else ["--log-level", "info"]
        return [DAEMON, "--socket", self.socket_path, "--data-dir", self.data_dir,
                *log_level, *self.extra_args]

    def spawn(self):
        """Start the process without waiting for it to answer."""
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.command(), stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        _LIVE.add(self.proc)
        return self.proc

    def start(self):
        self.spawn()
        self._channel = grpc.insecure_channel("unix:" + self.socket_path)
        self.stub = pb2_grpc.StyleDnaStub(self._channel)
        deadline = time.monotonic() + START_TIMEOUT_S
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"stylednad exited with {self.proc.returncode} during start-up:\n"
                                   + self.log_tail())
            if os.path.exists(self.socket_path):
                try:
                    self.stub.GetStatus(pb2.GetStatusRequest(), timeout=1.0)
                    return self
                except grpc.RpcError as e:
                    last = e
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"stylednad did not answer within {START_TIMEOUT_S} s ({last}):\n"
                           + self.log_tail())

    def status(self, timeout=RPC_TIMEOUT_S):
        return self.stub.GetStatus(pb2.GetStatusRequest(), timeout=timeout)

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=STOP_TIMEOUT_S):
        """Send sig, wait; returns the exit status (None if it had to be killed)."""
        if self.proc is None:
            return None
        self.close_channel()
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                return None
        self._close_log()
        _LIVE.discard(self.proc)
        return self.proc.returncode

    def close_channel(self):
        """Closes the fixture's own channel (stub stops working)."""
        if self._channel is not None:
            self._channel.close()
            self._channel = None

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.proc is not None:
            _LIVE.discard(self.proc)
        self._close_log()

    def _close_log(self):
        log = getattr(self, "_log", None)
        if log is not None and not log.closed:
            log.close()

    def log_tail(self, lines=30):
        try:
            with open(self.log_path, "rb") as f:
                text = f.read().decode("utf-8", "replace").splitlines()
        except OSError:
            return "(no log)"
        return "\n".join(text[-lines:])


# ------------------------------------------------------------------ tests --

class DaemonTestCase(unittest.TestCase):
    """A fresh daemon per test; stopped and checked in tearDown."""

    daemon_args = ()

    def setUp(self):
        self.tmp = make_tmpdir(type(self).__name__[:12])
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.daemon = self.start_daemon()
        self.stub = self.daemon.stub

    def daemon_arguments(self):
        """Extra stylednad arguments for the fixture's daemon (self.tmp exists)."""
        return list(self.daemon_args)

    def start_daemon(self, extra_args=None, data_dir=None, root=None):
        """Start a daemon (killed at cleanup if the test leaves it running)."""
        root = root or self.tmp
        d = Daemon(root, self.daemon_arguments() if extra_args is None else extra_args,
                   data_dir=data_dir)
        self.addCleanup(d.kill)
        return d.start()

    def tearDown(self):
        # Close every client channel first: stylednad's graceful shutdown waits
        # (up to its 5 s deadline) for connected clients to go away.
        for channel in getattr(self, "_channels", []):
            channel.close()
        if self.daemon.running:
            self.stop_and_check(self.daemon)

    def cli(self, *args, timeout=600):
        """Run the styledna CLI against this test's daemon (never the default socket)."""
        env = dict(os.environ)
        env.update({"STYLEDNA_SOCKET": self.daemon.socket_path,
                    "STYLEDNA_DATA_DIR": self.daemon.data_dir, "XDG_RUNTIME_DIR": self.tmp})
        return subprocess.run([CLI, "--socket", self.daemon.socket_path, "--no-autostart", *args],
                              capture_output=True, text=True, timeout=timeout, env=env,
                              stdin=subprocess.DEVNULL)

    def cli_json(self, *args, expect_rc=0):
        """The CLI's --json document; fails the test on another exit status."""
        r = self.cli("--json", *args)
        self.assertEqual(r.returncode, expect_rc, r.stderr + r.stdout[-2000:])
        return json.loads(r.stdout)

    def new_channel(self, target=None):
        """An extra channel (default: this daemon's socket), closed in tearDown."""
        channel = grpc.insecure_channel(target or "unix:" + self.daemon.socket_path)
        self.__dict__.setdefault("_channels", []).append(channel)
        return channel

    def new_stub(self, target=None):
        return pb2_grpc.StyleDnaStub(self.new_channel(target))

    def stop_and_check(self, daemon):
        """SIGTERM; exit status 0 within STOP_TIMEOUT_S; DB integrity ok."""
        t0 = time.monotonic()
        rc = daemon.stop()
        self.assertEqual(rc, 0, f"stylednad exit status after SIGTERM ({time.monotonic() - t0:.1f} s)"
                                f"\n{daemon.log_tail()}")
        self.assertEqual(integrity_check(daemon.db_path), "ok")

    # helpers

    def file(self, name):
        return os.path.join(self.tmp, name)

    def analyze(self, path, force=False, timeout=RPC_TIMEOUT_S, stub=None):
        return styledna_client.analyze(stub or self.stub, path, force=force, timeout=timeout)

    def analyze_error(self, path, **kw):
        """The grpc.RpcError of an analysis expected to fail."""
        with self.assertRaises(grpc.RpcError, msg=f"{path} was analysed without error") as cm:
            self.analyze(path, **kw)
        return cm.exception

    def wait_idle(self, daemon=None, timeout=30.0):
        """Polls until no job runs or waits (the pool's counters trail the replies)."""
        daemon = daemon or self.daemon
        deadline = time.monotonic() + timeout
        while True:
            st = daemon.status()
            if st.jobs_running == 0 and st.jobs_queued == 0:
                return st
            if time.monotonic() > deadline:
                self.fail(f"jobs still running/queued after {timeout} s: {st}")
            time.sleep(0.05)

    def assertAlive(self, daemon=None):
        daemon = daemon or self.daemon
        self.assertTrue(daemon.running, f"stylednad died:\n{daemon.log_tail()}")
        daemon.status(timeout=10.0)  # answers
