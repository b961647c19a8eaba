"""clients/python against a live daemon: the module and example.py."""

import os
import subprocess
import unittest

import grpc

from daemon_fixture import (CLIENT_DIR, PYTHON, SOURCE_DIR, DaemonTestCase, sine,
                            styledna_client, write_pcm_wav)

EXAMPLE = os.path.join(CLIENT_DIR, "example.py")


class PythonClientTest(DaemonTestCase):
    def setUp(self):
        super().setUp()
        self.wav = self.file("tone.wav")
        write_pcm_wav(self.wav, sine(1000.0, 0.5, 1.0, 44100, 2), 44100, 2)

    def run_example(self, *args):
        env = dict(os.environ, STYLEDNA_PROTO_ROOT=os.path.join(SOURCE_DIR, "proto"))
        return subprocess.run([PYTHON, EXAMPLE, "--socket", self.daemon.socket_path, *args],
                              capture_output=True, text=True, timeout=120, env=env)

    def test_example_analyses_a_wav(self):
        r = self.run_example(self.wav)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("stylednad", r.stdout)
        self.assertIn(self.wav, r.stdout)
        self.assertIn("2 ch", r.stdout)
        self.assertIn("44100 Hz", r.stdout)
        self.assertIn("1.00 s", r.stdout)
        self.assertIn("peak -6.02 dBFS", r.stdout)
        self.assertEqual(self.daemon.status().analyses_completed, 1)

    def test_example_second_run_is_cached(self):
        self.assertEqual(self.run_example(self.wav).returncode, 0)
        r = self.run_example(self.wav)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("(cached)", r.stdout)

    def test_example_fails_on_missing_file(self):
        missing = self.file("missing.wav")
        r = self.run_example(self.wav, missing)
        self.assertEqual(r.returncode, 1)
        self.assertIn(self.wav, r.stdout)  # the good file is still reported
        self.assertIn("NOT_FOUND", r.stderr)
        self.assertIn(missing, r.stderr)

    def test_example_without_daemon(self):
        r = subprocess.run([PYTHON, EXAMPLE, "--socket", self.file("nobody.sock"), self.wav],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 2)
        self.assertIn("does not answer", r.stderr)

    def test_module_helpers(self):
        st = styledna_client.status(self.stub)
        self.assertGreater(st.pid, 0)
        self.assertEqual(st.socket_path, self.daemon.socket_path)
        stages = []
        a = styledna_client.analyze(self.stub, self.wav, on_progress=lambda p: stages.append(p.stage))
        self.assertTrue(stages, "no progress event before the analysis")
        self.assertFalse(a.cached)
        self.assertEqual(a.channels, 2)
        self.assertEqual(len(a.content_hash), 64)
        again = styledna_client.analyze(self.stub, self.wav)
        self.assertTrue(again.cached)
        self.assertEqual(again.content_hash, a.content_hash)
        forced = styledna_client.analyze(self.stub, self.wav, force=True)
        self.assertFalse(forced.cached)
        with self.assertRaises(grpc.RpcError) as cm:
            styledna_client.analyze(self.stub, self.file("nope.wav"))
        self.assertEqual(cm.exception.code(), grpc.StatusCode.NOT_FOUND)

    def test_connect_with_socket_path(self):
        stub = styledna_client.connect(self.daemon.socket_path)
        self.assertEqual(styledna_client.status(stub).pid, self.daemon.proc.pid)


if __name__ == "__main__":
    unittest.main()
