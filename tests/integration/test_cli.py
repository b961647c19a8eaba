"""The styledna CLI against a live daemon: JSON and text output, errors,
daemon lifecycle, autostart."""

import json
import math
import os
import shutil
import signal
import subprocess
import time
import unittest

from daemon_fixture import (CLI, DaemonTestCase, integrity_check, make_tmpdir, sine,
                            write_pcm_wav)

ANALYSIS_KEYS = {"path", "content_hash", "cached", "analyzer_version", "analyzed_at",
                 "duration_s", "sample_rate", "sample_rate_hz", "channels", "frames",
                 "peak_dbfs", "rms_dbfs", "analysis_time_s", "format", "features", "labels",
                 "sections", "series", "grid", "tempo_candidates"}
FORMAT_KEYS = {"container", "encoding", "channels", "sample_rate_hz", "frames", "duration_s",
               "file_size_bytes", "analysis_sample_rate_hz", "analysis_channels"}
STATUS_KEYS = {"running", "version", "analyzer_version", "pid", "uptime_s", "socket_path",
               "tcp_address", "data_dir", "worker_threads", "jobs_running", "jobs_queued",
               "tracks_stored", "analyses_stored", "profiles_stored", "analyses_completed",
               "cache_hits"}

# A 1 kHz sine of amplitude 0.5, 16-bit: its peak is one sample of exactly
# 16384/32768 (1 kHz at 48 kHz hits sin = 1), so -6.0206 dBFS; RMS is
# 0.5/sqrt(2), -9.0309 dBFS. Quantisation moves the RMS by < 1e-4 dB; the
# absolute tolerance 0.01 dB leaves room for a float32 decode path.
PEAK_DBFS = 20 * math.log10(0.5)
RMS_DBFS = 20 * math.log10(0.5 / math.sqrt(2))
DB_TOL = 0.01


def run_cli(args, env_extra=None, cwd=None, timeout=120):
    env = dict(os.environ)
    env.pop("STYLEDNA_SOCKET", None)
    env.pop("STYLEDNA_DATA_DIR", None)
    env.update(env_extra or {})
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=timeout, env=env,
                          cwd=cwd, stdin=subprocess.DEVNULL)


class CliTest(DaemonTestCase):
    def setUp(self):
        super().setUp()
        self.wav = self.file("sine.wav")
        write_pcm_wav(self.wav, sine(1000.0, 0.5, 2.0, 48000, 2), 48000, 2)

    def cli(self, *args, **kw):
        # Both the flag and the environment point at this test's daemon, so a
        # mistake can never reach (or autostart) a daemon on the default socket.
        env = {"STYLEDNA_SOCKET": self.daemon.socket_path, "STYLEDNA_DATA_DIR": self.daemon.data_dir,
               "XDG_RUNTIME_DIR": self.tmp}
        return run_cli(["--socket", self.daemon.socket_path, "--no-autostart", *args],
                       env_extra=env, **kw)

    def cli_json(self, *args, expect_rc=0):
        r = self.cli("--json", *args)
        self.assertEqual(r.returncode, expect_rc, r.stderr)
        return json.loads(r.stdout)

    def test_analyze_json(self):
        a = self.cli_json("analyze", self.wav)
        self.assertLessEqual(ANALYSIS_KEYS, set(a))
        self.assertLessEqual(FORMAT_KEYS, set(a["format"]))
        self.assertEqual(a["path"], self.wav)
        self.assertFalse(a["cached"])
        self.assertRegex(a["content_hash"], r"^[0-9a-f]{64}$")
        self.assertAlmostEqual(a["duration_s"], 2.0, delta=1e-9)
        self.assertEqual(a["sample_rate"], 48000)
        self.assertEqual(a["sample_rate_hz"], 48000)
        self.assertEqual(a["channels"], 2)
        self.assertEqual(a["frames"], 96000)
        self.assertAlmostEqual(a["peak_dbfs"], PEAK_DBFS, delta=DB_TOL)
        self.assertAlmostEqual(a["rms_dbfs"], RMS_DBFS, delta=DB_TOL)
        self.assertGreaterEqual(a["analysis_time_s"], 0.0)
        self.assertRegex(a["analyzed_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
        f = a["format"]
        self.assertEqual(f["container"], "WAV")
        self.assertEqual(f["encoding"], "PCM_16")
        self.assertEqual(f["channels"], 2)
        self.assertEqual(f["sample_rate_hz"], 48000)
        self.assertEqual(f["frames"], 96000)
        self.assertEqual(f["file_size_bytes"], os.path.getsize(self.wav))
        self.assertEqual(f["analysis_channels"], 2)
        self.assertGreater(f["analysis_sample_rate_hz"], 0)
        self.assertIsInstance(a["features"], dict)
        for name, value in a["features"].items():
            self.assertTrue(value is None or isinstance(value, (int, float)), name)

        again = self.cli_json("analyze", self.wav)
        self.assertTrue(again["cached"])
        self.assertEqual(again["content_hash"], a["content_hash"])
        self.assertAlmostEqual(again["peak_dbfs"], a["peak_dbfs"], delta=1e-9)
        forced = self.cli_json("analyze", "--force", self.wav)
        self.assertFalse(forced["cached"])

    def test_analyze_relative_path_is_made_absolute(self):
        r = self.cli("--json", "analyze", "sine.wav", cwd=self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["path"], self.wav)

    def test_analyze_text(self):
        r = self.cli("analyze", self.wav)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith(self.wav), r.stdout)
        self.assertIn("WAV PCM_16, 2 ch, 48000 Hz", r.stdout)
        self.assertIn("2.00 s", r.stdout)
        self.assertIn("-6.02 dBFS", r.stdout)
        self.assertIn("-9.03 dBFS", r.stdout)
        self.assertIn("content hash", r.stdout)
        self.assertEqual(r.stderr, "")  # no progress bar when stderr is not a tty
        r = self.cli("analyze", self.wav)
        self.assertIn("(cached)", r.stdout.splitlines()[0])

    def test_status_json(self):
        s = self.cli_json("status")
        self.assertLessEqual(STATUS_KEYS, set(s))
        self.assertTrue(s["running"])
        self.assertEqual(s["pid"], self.daemon.proc.pid)
        self.assertEqual(s["socket_path"], self.daemon.socket_path)
        self.assertEqual(s["data_dir"], self.daemon.data_dir)
        self.assertEqual(s["analyses_completed"], 0)
        self.cli_json("analyze", self.wav)
        self.cli_json("analyze", self.wav)
        s = self.cli_json("status")
        self.assertEqual(s["analyses_completed"], 1)
        self.assertEqual(s["cache_hits"], 1)
        self.assertEqual(s["analyses_stored"], 1)
        self.assertEqual(s["tracks_stored"], 1)

    def test_status_text(self):
        r = self.cli("status")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(f"pid {self.daemon.proc.pid}", r.stdout)
        self.assertIn(self.daemon.socket_path, r.stdout)

    def test_socket_from_environment(self):
        r = run_cli(["--no-autostart", "--json", "status"],
                    env_extra={"STYLEDNA_SOCKET": self.daemon.socket_path})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["pid"], self.daemon.proc.pid)

    def test_features_json(self):
        features = self.cli_json("features")
        self.assertIsInstance(features, list)
        self.assertTrue(features)
        names = [f["name"] for f in features]
        self.assertEqual(len(names), len(set(names)), "duplicate feature names")
        for f in features:
            self.assertLessEqual({"name", "unit", "category", "description", "kind"}, set(f))
            self.assertTrue(f["name"] and f["description"], f)
            self.assertIn(f["kind"], {"scalar", "label", "series"}, f)
        self.assertIn("peak_dbfs", names)
        r = self.cli("features")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("peak_dbfs", r.stdout)

    def test_missing_file_among_good_ones(self):
        missing = self.file("missing.wav")
        r = self.cli("--json", "analyze", self.wav, missing)
        self.assertEqual(r.returncode, 1)
        out = json.loads(r.stdout)
        self.assertIsInstance(out, list)
        self.assertEqual(len(out), 2)
        self.assertEqual(out[0]["path"], self.wav)
        self.assertEqual(out[1]["error"]["code"], "NOT_FOUND")
        self.assertIn(missing, out[1]["error"]["message"])
        self.assertEqual(r.stderr.strip().splitlines(), [f"styledna: {missing}: no such file"])

        r = self.cli("analyze", missing, self.wav)
        self.assertEqual(r.returncode, 1)
        self.assertIn(self.wav, r.stdout)
        self.assertIn(f"styledna: {missing}:", r.stderr)

    def test_single_error_json(self):
        missing = self.file("missing.wav")
        r = self.cli("--json", "analyze", missing)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(json.loads(r.stdout),
                         {"error": {"code": "NOT_FOUND", "message": f"{missing}: no such file"}})
        self.assertEqual(r.stderr, f"styledna: {missing}: no such file\n")


class CliLifecycleTest(unittest.TestCase):
    """`daemon start|status|stop` and autostart, on fresh sockets (no fixture daemon)."""

    def setUp(self):
        self.tmp = make_tmpdir("cli-life")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.socket = os.path.join(self.tmp, "fresh.sock")
        self.data = os.path.join(self.tmp, "data")
        self.pids = []
        self.addCleanup(self.kill_started)

    def cli(self, *args):
        env = {"XDG_RUNTIME_DIR": self.tmp, "STYLEDNA_SOCKET": self.socket,
               "STYLEDNA_DATA_DIR": self.data}
        return run_cli(["--socket", self.socket, "--data-dir", self.data, *args], env_extra=env)

    def remember_pid(self):
        r = self.cli("--json", "daemon", "status")
        if r.returncode == 0:
            self.pids.append(json.loads(r.stdout)["pid"])
            return self.pids[-1]
        return None

    def kill_started(self):
        # The CLI detaches the daemon it starts; make sure none outlives the test.
        if os.path.exists(self.socket):
            self.cli("daemon", "stop")
        for pid in self.pids:
            if pid_alive(pid):
                os.kill(pid, signal.SIGKILL)

    def test_start_status_stop(self):
        r = self.cli("daemon", "status")
        self.assertEqual(r.returncode, 1)
        self.assertIn("not running", r.stdout)
        r = self.cli("--json", "daemon", "status")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(json.loads(r.stdout), {"running": False, "socket_path": self.socket})

        r = self.cli("daemon", "start")
        self.assertEqual(r.returncode, 0, r.stderr)
        pid = self.remember_pid()
        self.assertIsNotNone(pid)
        self.assertIn(f"pid {pid}", r.stdout)
        self.assertTrue(os.path.exists(self.socket))

        r = self.cli("--json", "daemon", "start")  # idempotent
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["pid"], pid)

        r = self.cli("--json", "daemon", "status")
        self.assertEqual(r.returncode, 0, r.stderr)
        s = json.loads(r.stdout)
        self.assertTrue(s["running"])
        self.assertEqual(s["data_dir"], self.data)

        r = self.cli("--json", "daemon", "stop")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout), {"running": False, "stopped": True})
        self.assertFalse(os.path.exists(self.socket))
        self.assertTrue(wait_gone(pid, 10.0), f"pid {pid} still alive after 'daemon stop'")
        self.assertEqual(integrity_check(os.path.join(self.data, "styledna.db")), "ok")

        r = self.cli("daemon", "status")
        self.assertEqual(r.returncode, 1)
        r = self.cli("daemon", "stop")  # stopping a stopped daemon is fine
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("not running", r.stdout)

    def test_autostart_message(self):
        r = self.cli("--json", "status")
        self.assertEqual(r.returncode, 0, r.stderr)
        pid = self.remember_pid()
        self.assertIsNotNone(pid)
        self.assertIn("daemon not running; started", r.stderr)
        self.assertIn(self.socket, r.stderr)
        self.assertIn(f"pid {pid}", r.stderr)
        self.assertEqual(json.loads(r.stdout)["pid"], pid)
        r = self.cli("--json", "status")  # already running: no message
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")

    def test_no_autostart_fails_clearly(self):
        r = self.cli("--no-autostart", "status")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("daemon not running on " + self.socket, r.stderr)
        self.assertIn("--no-autostart", r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        r = self.cli("--no-autostart", "--json", "analyze", os.path.join(self.tmp, "x.wav"))
        self.assertNotEqual(r.returncode, 0)
        self.assertEqual(json.loads(r.stdout)["error"]["code"], "UNAVAILABLE")
        self.assertFalse(os.path.exists(self.socket), "--no-autostart started a daemon")


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (not our child, so not reaped by us) counts as gone.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def wait_gone(pid, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.05)
    return False


if __name__ == "__main__":
    unittest.main()
