"""The daemon's API surface: apply/undo of unknown ids, profile-name validation,
TCP listening, bearer tokens, grpc.health.v1."""

import os
import shutil
import signal
import subprocess
import unittest

import grpc

from daemon_fixture import (RPC_TIMEOUT_S, STOP_TIMEOUT_S, Daemon, DaemonTestCase, free_tcp_port,
                            health_stubs, integrity_check, make_tmpdir, pb2, pb2_grpc, sine,
                            write_pcm_wav)

Code = grpc.StatusCode
TOKEN = "integration-test-token-0123456789"


class ApiTest(DaemonTestCase):
    def test_apply_and_undo_of_unknown_ids(self):
        # Checked before anything is sent to Live (test_live covers the rest).
        with self.assertRaises(grpc.RpcError) as cm:
            list(self.stub.ApplyFixes(pb2.ApplyFixesRequest(plan_id="p"), timeout=RPC_TIMEOUT_S))
        self.assertEqual(cm.exception.code(), Code.NOT_FOUND, cm.exception.details())
        self.assertIn("no fix plan 'p'", cm.exception.details())
        with self.assertRaises(grpc.RpcError) as cm:
            self.stub.UndoApply(pb2.UndoApplyRequest(journal_id="j"), timeout=RPC_TIMEOUT_S)
        self.assertEqual(cm.exception.code(), Code.NOT_FOUND, cm.exception.details())
        self.assertIn("no apply journal 'j'", cm.exception.details())
        with self.assertRaises(grpc.RpcError) as cm:
            self.stub.GetJournal(pb2.GetJournalRequest(journal_id="j"), timeout=RPC_TIMEOUT_S)
        self.assertEqual(cm.exception.code(), Code.NOT_FOUND, cm.exception.details())
        self.assertIn("no apply journal 'j'", cm.exception.details())
        with self.assertRaises(grpc.RpcError) as cm:
            self.stub.GetJournal(pb2.GetJournalRequest(), timeout=RPC_TIMEOUT_S)
        self.assertEqual(cm.exception.code(), Code.INVALID_ARGUMENT)
        with self.assertRaises(grpc.RpcError) as cm:
            self.stub.ListJournals(pb2.ListJournalsRequest(limit=5000), timeout=RPC_TIMEOUT_S)
        self.assertEqual(cm.exception.code(), Code.INVALID_ARGUMENT)
        self.assertIn("1..1000", cm.exception.details())
        self.assertEqual(len(self.stub.ListJournals(pb2.ListJournalsRequest(),
                                                    timeout=RPC_TIMEOUT_S).journals), 0)
        with self.assertRaises(grpc.RpcError) as cm:
            list(self.stub.ApplyFixes(pb2.ApplyFixesRequest(), timeout=RPC_TIMEOUT_S))
        self.assertEqual(cm.exception.code(), Code.INVALID_ARGUMENT)
        self.assertAlive()

    def test_invalid_profile_names(self):
        bad = ["../x", "", "a" * 65, "x/y", ".hidden", "-rf", "name with space", "caf\u00e9"]
        for name in bad:
            for rpc in ("GetProfile", "DeleteProfile", "ExportProfile"):
                with self.subTest(rpc=rpc, name=name):
                    request = getattr(pb2, rpc + "Request")(name=name)
                    with self.assertRaises(grpc.RpcError) as cm:
                        getattr(self.stub, rpc)(request, timeout=RPC_TIMEOUT_S)
                    self.assertEqual(cm.exception.code(), Code.INVALID_ARGUMENT,
                                     cm.exception.details())
                    self.assertIn("profile name", cm.exception.details())
        with self.assertRaises(grpc.RpcError) as cm:
            list(self.stub.BuildProfile(pb2.BuildProfileRequest(name="../x")))
        self.assertEqual(cm.exception.code(), Code.INVALID_ARGUMENT)
        self.assertAlive()

    def test_unknown_valid_profile_name(self):
        for name in ("trance_2025", "a" * 64, "x.y-z"):
            for rpc in ("GetProfile", "DeleteProfile"):
                with self.subTest(rpc=rpc, name=name):
                    request = getattr(pb2, rpc + "Request")(name=name)
                    with self.assertRaises(grpc.RpcError) as cm:
                        getattr(self.stub, rpc)(request, timeout=RPC_TIMEOUT_S)
                    self.assertEqual(cm.exception.code(), Code.NOT_FOUND, cm.exception.details())
                    self.assertIn(f"'{name}'", cm.exception.details())
        self.assertEqual(len(self.stub.ListProfiles(pb2.ListProfilesRequest()).profiles), 0)

    def test_get_analysis(self):
        p = self.file("t.wav")
        write_pcm_wav(p, sine(440.0, 0.5, 0.3, 44100), 44100, 1)
        with self.assertRaises(grpc.RpcError) as cm:
            self.stub.GetAnalysis(pb2.GetAnalysisRequest(path=p))
        self.assertEqual(cm.exception.code(), Code.NOT_FOUND)
        a = self.analyze(p)
        by_hash = self.stub.GetAnalysis(pb2.GetAnalysisRequest(content_hash=a.content_hash))
        by_path = self.stub.GetAnalysis(pb2.GetAnalysisRequest(path=p))
        for got in (by_hash, by_path):
            self.assertTrue(got.cached)
            self.assertEqual(got.content_hash, a.content_hash)
            self.assertAlmostEqual(got.peak_dbfs, a.peak_dbfs, delta=1e-9)
        with self.assertRaises(grpc.RpcError) as cm:
            self.stub.GetAnalysis(pb2.GetAnalysisRequest())
        self.assertEqual(cm.exception.code(), Code.INVALID_ARGUMENT)
        with self.assertRaises(grpc.RpcError) as cm:
            self.stub.GetAnalysis(pb2.GetAnalysisRequest(path=self.file("missing.wav")))
        self.assertEqual(cm.exception.code(), Code.NOT_FOUND)

    def test_health_serving(self):
        health_pb2, health_pb2_grpc = health_stubs()
        health = health_pb2_grpc.HealthStub(self.new_channel())
        reply = health.Check(health_pb2.HealthCheckRequest(service=""), timeout=RPC_TIMEOUT_S)
        self.assertEqual(reply.status, health_pb2.HealthCheckResponse.SERVING)

    def test_sigint_is_graceful(self):
        self.analyze(self.write_tone())
        self.assertEqual(self.daemon.stop(sig=signal.SIGINT), 0, self.daemon.log_tail())
        self.assertEqual(integrity_check(self.daemon.db_path), "ok")
        self.assertFalse(os.path.exists(self.daemon.socket_path), "socket left behind")

    def test_shutdown_rpc(self):
        self.analyze(self.write_tone())
        channel = self.new_channel()
        pb2_grpc.StyleDnaStub(channel).Shutdown(pb2.ShutdownRequest(), timeout=RPC_TIMEOUT_S)
        channel.close()
        self.daemon.close_channel()
        self.assertEqual(self.daemon.proc.wait(timeout=STOP_TIMEOUT_S), 0, self.daemon.log_tail())
        self.assertEqual(integrity_check(self.daemon.db_path), "ok")

    def write_tone(self):
        p = self.file("tone.wav")
        write_pcm_wav(p, sine(440.0, 0.5, 0.3, 44100), 44100, 1)
        return p

    def test_second_daemon_on_same_socket_refused(self):
        other = Daemon(self.tmp, socket_path=self.daemon.socket_path,
                       data_dir=os.path.join(self.tmp, "data2"))
        proc = other.spawn()
        self.addCleanup(other.kill)
        try:
            rc = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.fail("a second stylednad on the same socket kept running")
        self.assertNotEqual(rc, 0)
        self.assertIn("already serving", other.log_tail())
        self.assertAlive()  # the first one is untouched


class TcpTest(DaemonTestCase):
    """--listen 127.0.0.1:PORT (a loopback address needs no --allow-remote)."""

    def setUp(self):
        # The port is picked free, then bound by the daemon: retry the rare loss of that race.
        for attempt in range(3):
            self.port = free_tcp_port()
            try:
                return super().setUp()
            except RuntimeError as e:
                self.doCleanups()
                if "cannot listen" not in str(e) or attempt == 2:
                    raise

    def daemon_arguments(self):
        return ["--listen", f"127.0.0.1:{self.port}"] + self.extra_daemon_arguments()

    def extra_daemon_arguments(self):
        return []

    def tcp_stub(self):
        return self.new_stub(f"127.0.0.1:{self.port}")

    def test_status_over_tcp(self):
        st = self.tcp_stub().GetStatus(pb2.GetStatusRequest(), timeout=RPC_TIMEOUT_S)
        self.assertEqual(st.pid, self.daemon.proc.pid)
        self.assertEqual(st.tcp_address, f"127.0.0.1:{self.port}")

    def test_analyze_over_tcp(self):
        p = self.file("t.wav")
        write_pcm_wav(p, sine(440.0, 0.5, 0.3, 44100), 44100, 1)
        a = self.analyze(p, stub=self.tcp_stub())
        self.assertAlmostEqual(a.duration_s, 0.3, delta=1e-9)


class TokenTest(TcpTest):
    """--allow-remote --token-file: TCP calls need 'authorization: Bearer <token>'."""

    def extra_daemon_arguments(self):
        token_file = self.file("token")
        with open(token_file, "w") as f:
            f.write(TOKEN + "\n")
        os.chmod(token_file, 0o600)
        return ["--allow-remote", "--token-file", token_file]

    def test_status_over_tcp(self):
        with self.assertRaises(grpc.RpcError) as cm:
            self.tcp_stub().GetStatus(pb2.GetStatusRequest(), timeout=RPC_TIMEOUT_S)
        self.assertEqual(cm.exception.code(), Code.UNAUTHENTICATED)
        self.assertIn("bearer token", cm.exception.details())
        with self.assertRaises(grpc.RpcError) as cm:
            self.tcp_stub().GetStatus(pb2.GetStatusRequest(), timeout=RPC_TIMEOUT_S,
                                      metadata=[("authorization", "Bearer wrong-token-0123456789")])
        self.assertEqual(cm.exception.code(), Code.UNAUTHENTICATED)
        st = self.tcp_stub().GetStatus(pb2.GetStatusRequest(), timeout=RPC_TIMEOUT_S,
                                       metadata=[("authorization", "Bearer " + TOKEN)])
        self.assertEqual(st.pid, self.daemon.proc.pid)
        # The Unix socket is guarded by its file permissions, not the token.
        self.assertEqual(self.daemon.status().pid, self.daemon.proc.pid)

    def test_analyze_over_tcp(self):
        import styledna_client
        p = self.file("t.wav")
        write_pcm_wav(p, sine(440.0, 0.5, 0.3, 44100), 44100, 1)
        with self.assertRaises(grpc.RpcError) as cm:
            self.analyze(p, stub=self.tcp_stub())
        self.assertEqual(cm.exception.code(), Code.UNAUTHENTICATED)
        stub = styledna_client.connect(f"127.0.0.1:{self.port}", token=TOKEN)
        a = self.analyze(p, stub=stub)
        self.assertAlmostEqual(a.duration_s, 0.3, delta=1e-9)
        stub.channel.close()


class ListenRefusedTest(unittest.TestCase):
    """Start-up refusals: stylednad exits non-zero with a clear message."""

    def refused(self, *args, token=False):
        tmp = make_tmpdir("refused")
        self.addCleanup(shutil.rmtree, tmp, True)
        extra = list(args)
        if token:
            token_file = os.path.join(tmp, "token")
            with open(token_file, "w") as f:
                f.write(token if isinstance(token, str) else TOKEN)
            extra += ["--token-file", token_file]
        d = Daemon(tmp, extra)
        proc = d.spawn()
        self.addCleanup(d.kill)
        try:
            rc = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.fail(f"stylednad {' '.join(extra)} kept running")
        self.assertNotEqual(rc, 0)
        d.kill()
        return d.log_tail()

    def test_non_loopback_without_allow_remote(self):
        out = self.refused("--listen", f"0.0.0.0:{free_tcp_port()}")
        self.assertIn("refusing to listen on non-loopback address 0.0.0.0:", out)
        self.assertIn("--allow-remote", out)

    def test_allow_remote_without_token(self):
        out = self.refused("--listen", f"0.0.0.0:{free_tcp_port()}", "--allow-remote")
        self.assertIn("--token-file", out)

    def test_short_token(self):
        out = self.refused("--listen", f"127.0.0.1:{free_tcp_port()}", token="short")
        self.assertIn("at least 16 characters", out)

    def test_bad_log_level(self):
        out = self.refused("--log-level", "loud")
        self.assertIn("unknown --log-level 'loud'", out)


if __name__ == "__main__":
    unittest.main()
