"""Bad input, races and shutdown against a live daemon.

Every failure must be a clear error naming the file and the problem; the
daemon must keep answering afterwards, and the database must pass
`PRAGMA integrity_check` when it stops (checked in tearDown).

Some races depend on how long an analysis takes (decode-only today, features
later). The tests assert invariants and accept every legitimate interleaving;
none sleeps hoping for one particular order.
"""

import math
import os
import random
import struct
import threading
import time
import unittest

import grpc

from daemon_fixture import (RPC_TIMEOUT_S, DaemonTestCase, integrity_check, pb2, pb2_grpc, sine,
                            write_float_wav, write_noise_wav, write_pcm_wav, write_silent_wav)

Code = grpc.StatusCode


class BadFileTest(DaemonTestCase):
    """One bad file per test: code, message naming the path and the problem."""

    def expect_error(self, path, code, *fragments):
        e = self.analyze_error(path)
        self.assertEqual(e.code(), code, e.details())
        msg = e.details() or ""
        self.assertIn(path, msg)
        for fragment in fragments:
            self.assertIn(fragment.lower(), msg.lower())
        self.assertAlive()
        return msg

    def test_missing_file(self):
        self.expect_error(self.file("missing.wav"), Code.NOT_FOUND, "no such file")

    def test_missing_parent_directory(self):
        self.expect_error(self.file("nowhere/missing.wav"), Code.NOT_FOUND, "no such file")

    def test_directory(self):
        d = self.file("folder.wav")
        os.mkdir(d)
        self.expect_error(d, Code.INVALID_ARGUMENT, "is a directory, not an audio file")

    def test_empty_file(self):
        p = self.file("empty.wav")
        open(p, "wb").close()
        self.expect_error(p, Code.INVALID_ARGUMENT, "empty")

    def test_truncated_header(self):
        good = self.file("good.wav")
        write_pcm_wav(good, sine(440.0, 0.5, 0.1, 44100), 44100, 1)
        p = self.file("truncated.wav")
        with open(good, "rb") as f, open(p, "wb") as out:
            out.write(f.read(30))  # cut inside the fmt chunk
        self.expect_error(p, Code.INVALID_ARGUMENT, "not a readable audio file")

    def test_text_named_wav(self):
        p = self.file("notes.wav")
        with open(p, "w") as f:
            f.write("these are my mixing notes, not audio\n" * 20)
        self.expect_error(p, Code.INVALID_ARGUMENT, "not a readable audio file")

    def test_unsupported_container_au(self):
        # Sun/NeXT .au: ".snd", data offset, data size, encoding 3 (16-bit
        # linear PCM), rate, channels; big-endian. libsndfile reads it, StyleDNA must not.
        p = self.file("tone.au")
        samples = sine(440.0, 0.5, 0.2, 8000)
        data = struct.pack(f">{len(samples)}h", *(int(s * 32767) for s in samples))
        with open(p, "wb") as f:
            f.write(b".snd" + struct.pack(">5I", 24, len(data), 3, 8000, 1) + data)
        self.expect_error(p, Code.INVALID_ARGUMENT, "unsupported container", "AU")

    def test_zero_frame_wav(self):
        p = self.file("zero.wav")
        write_pcm_wav(p, [], 44100, 2)
        self.expect_error(p, Code.INVALID_ARGUMENT, "no audio")

    def test_over_the_20_minute_limit(self):
        p = self.file("long.wav")
        write_silent_wav(p, 21 * 60, rate=8000, channels=1, bits=8)  # ~10 MB
        self.expect_error(p, Code.INVALID_ARGUMENT, "limit", "20.0 min")

    def test_nan_samples(self):
        p = self.file("nan.wav")
        samples = sine(440.0, 0.5, 0.2, 44100, 2)
        samples[1001] = float("nan")
        write_float_wav(p, samples, 44100, 2)
        self.expect_error(p, Code.INVALID_ARGUMENT, "NaN")

    def test_inf_samples(self):
        p = self.file("inf.wav")
        samples = sine(440.0, 0.5, 0.2, 44100)
        samples[-1] = float("inf")
        write_float_wav(p, samples, 44100, 1)
        self.expect_error(p, Code.INVALID_ARGUMENT, "Inf")

    def test_unreadable_file(self):
        if os.geteuid() == 0:
            self.skipTest("running as root: file permissions do not apply")
        p = self.file("secret.wav")
        write_pcm_wav(p, sine(440.0, 0.5, 0.1, 44100), 44100, 1)
        os.chmod(p, 0)
        self.expect_error(p, Code.INVALID_ARGUMENT, "permission denied")

    def test_empty_path(self):
        with self.assertRaises(grpc.RpcError) as cm:
            list(self.stub.AnalyzeTrack(pb2.AnalyzeTrackRequest(path=""), timeout=RPC_TIMEOUT_S))
        self.assertEqual(cm.exception.code(), Code.INVALID_ARGUMENT)
        self.assertIn("empty path", cm.exception.details())
        self.assertAlive()

    def test_good_file_after_bad_ones(self):
        for name, content in (("a.wav", b""), ("b.wav", b"RIFF"), ("c.wav", b"x" * 100)):
            with open(self.file(name), "wb") as f:
                f.write(content)
            self.analyze_error(self.file(name))
        good = self.file("good.wav")
        write_pcm_wav(good, sine(440.0, 0.5, 0.5, 44100), 44100, 1)
        a = self.analyze(good)
        self.assertAlmostEqual(a.duration_s, 0.5, delta=1e-9)
        self.assertEqual(self.daemon.status().analyses_completed, 1)


class RaceTest(DaemonTestCase):
    """Deletion, cancellation, concurrent clients, shutdown mid-analysis."""

    def test_file_deleted_while_analysed(self):
        p = self.file("doomed.wav")
        write_noise_wav(p, 120.0, 22050, 1, seed=7)  # 2 min, ~5 MB
        outcome = {}

        def consume():
            try:
                outcome["analysis"] = self.analyze(p)
            except grpc.RpcError as e:
                outcome["error"] = e

        t = threading.Thread(target=consume)
        t.start()
        os.unlink(p)  # right away: before, during or after hashing/decoding
        t.join(RPC_TIMEOUT_S)
        self.assertFalse(t.is_alive(), "AnalyzeTrack did not finish")
        if "error" in outcome:
            e = outcome["error"]
            self.assertEqual(e.code(), Code.NOT_FOUND, e.details())
            self.assertIn(p, e.details())
        else:
            self.assertAlmostEqual(outcome["analysis"].duration_s, 120.0, delta=1e-6)
        self.assertAlive()

    def test_file_deleted_after_first_progress_event(self):
        p = self.file("doomed2.wav")
        write_noise_wav(p, 120.0, 22050, 1, seed=8)
        call = self.stub.AnalyzeTrack(pb2.AnalyzeTrackRequest(path=p), timeout=RPC_TIMEOUT_S)
        analysis = None
        try:
            for event in call:
                if os.path.exists(p):
                    os.unlink(p)
                if event.WhichOneof("event") == "analysis":
                    analysis = event.analysis
            self.assertIsNotNone(analysis)
            self.assertAlmostEqual(analysis.duration_s, 120.0, delta=1e-6)
        except grpc.RpcError as e:
            self.assertEqual(e.code(), Code.NOT_FOUND, e.details())
            self.assertIn(p, e.details())
        self.assertAlive()

    def test_client_cancels_mid_stream(self):
        p = self.file("cancel.wav")
        write_noise_wav(p, 60.0, 44100, 2, seed=9)  # ~10 MB
        call = self.stub.AnalyzeTrack(pb2.AnalyzeTrackRequest(path=p), timeout=RPC_TIMEOUT_S)
        first = next(call)
        self.assertEqual(first.WhichOneof("event"), "progress")
        if call.cancel():
            with self.assertRaises(grpc.RpcError) as cm:
                for _ in call:
                    pass
            self.assertEqual(cm.exception.code(), Code.CANCELLED)
        else:  # the call had already ended: then it must have ended well
            self.assertTrue(any(e.WhichOneof("event") == "analysis" for e in call))
        self.assertAlive()
        a = self.analyze(p)  # the same file analyses fine afterwards
        self.assertAlmostEqual(a.duration_s, 60.0, delta=1e-6)
        self.assertEqual(a.channels, 2)
        # Whether the cancelled job finished first or not, nothing stays queued.
        self.wait_idle()

    def test_two_clients_same_new_file(self):
        for round_ in range(3):
            p = self.file(f"shared{round_}.wav")
            write_noise_wav(p, 20.0, 44100, 2, seed=100 + round_)
            before = self.daemon.status()
            barrier = threading.Barrier(2)
            results = [None, None]

            def client(i):
                stub = self.daemon.stub if i == 0 else self.new_stub()
                barrier.wait()
                try:
                    results[i] = self.analyze(p, stub=stub)
                except grpc.RpcError as e:
                    results[i] = e

            threads = [threading.Thread(target=client, args=(i,)) for i in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(RPC_TIMEOUT_S)
            for r in results:
                self.assertIsInstance(r, pb2.TrackAnalysis, f"round {round_}: {r}")
            self.assertEqual(results[0].content_hash, results[1].content_hash)
            after = self.daemon.status()
            # One computation: the other client joined it or hit the cache.
            self.assertEqual(after.analyses_completed - before.analyses_completed, 1,
                             f"round {round_}: the file was analysed twice")
            self.assertLessEqual(after.cache_hits - before.cache_hits, 1)
            self.assertEqual(after.analyses_stored - before.analyses_stored, 1)


    def test_single_flight_many_clients_short_files(self):
        # Short files make jobs finish while other clients are between their
        # cache lookup and startOrJoin(): the window the single flight must close.
        stubs = [self.new_stub() for _ in range(4)]
        for round_ in range(150):
            p = self.file(f"tiny{round_}.wav")
            write_noise_wav(p, 0.05, 8000, 1, seed=1000 + round_)
            before = self.daemon.status().analyses_completed
            barrier = threading.Barrier(len(stubs))
            results = [None] * len(stubs)

            def client(i):
                barrier.wait()
                try:
                    results[i] = self.analyze(p, stub=stubs[i])
                except grpc.RpcError as e:
                    results[i] = e

            threads = [threading.Thread(target=client, args=(i,)) for i in range(len(stubs))]
            for t in threads:
                t.start()
            for t in threads:
                t.join(RPC_TIMEOUT_S)
            for r in results:
                self.assertIsInstance(r, pb2.TrackAnalysis, f"round {round_}: {r}")
            self.assertEqual(len({r.content_hash for r in results}), 1)
            self.assertEqual(self.daemon.status().analyses_completed - before, 1,
                             f"round {round_}: one new file computed more than once")

    def test_sigterm_during_analysis(self):
        small = self.file("kept.wav")
        write_pcm_wav(small, sine(440.0, 0.5, 0.5, 44100), 44100, 1)
        kept = self.analyze(small)
        long_file = self.file("long.wav")
        write_noise_wav(long_file, 120.0, 44100, 2, seed=11)  # 2 min, ~21 MB
        # Its own channel: stop() closes the fixture's channel before the signal.
        channel = grpc.insecure_channel("unix:" + self.daemon.socket_path)
        call = pb2_grpc.StyleDnaStub(channel).AnalyzeTrack(
            pb2.AnalyzeTrackRequest(path=long_file), timeout=RPC_TIMEOUT_S)
        first = next(call)  # the stream is open
        self.assertEqual(first.WhichOneof("event"), "progress")

        outcome = {}

        def drain():
            try:
                for _ in call:
                    pass
                outcome["code"] = Code.OK
            except grpc.RpcError as e:
                outcome["code"] = e.code()
                outcome["details"] = e.details()
            channel.close()  # a client lets go once its call has ended

        t = threading.Thread(target=drain)
        t.start()
        t0 = time.monotonic()
        rc = self.daemon.stop(timeout=10.0)
        elapsed = time.monotonic() - t0
        self.assertEqual(rc, 0, f"exit status after SIGTERM mid-analysis ({elapsed:.1f} s)\n"
                                + self.daemon.log_tail())
        self.assertLess(elapsed, 10.0)
        print(f"\nSIGTERM mid-analysis: exit 0 after {elapsed:.2f} s, stream ended with "
              f"{outcome.get('code')}", flush=True)
        t.join(10.0)
        self.assertFalse(t.is_alive(), "the client's stream did not end with the daemon")
        self.assertIn(outcome["code"], {Code.OK, Code.CANCELLED, Code.UNAVAILABLE}, outcome)
        self.assertEqual(integrity_check(self.daemon.db_path), "ok")

        # Restart on the same data dir: earlier analyses are still there.
        self.daemon = self.start_daemon(data_dir=self.daemon.data_dir)
        stored = self.daemon.stub.GetAnalysis(pb2.GetAnalysisRequest(content_hash=kept.content_hash),
                                              timeout=RPC_TIMEOUT_S)
        self.assertTrue(stored.cached)
        self.assertEqual(stored.content_hash, kept.content_hash)
        self.assertAlmostEqual(stored.duration_s, 0.5, delta=1e-9)
        again = self.analyze(small, stub=self.daemon.stub)
        self.assertTrue(again.cached)
        self.assertGreaterEqual(self.daemon.status().analyses_stored, 1)
        # tearDown stops the restarted daemon and checks it.


class FuzzTest(DaemonTestCase):
    """200 seeded mutations of small WAVs: every reply OK or a clean error."""

    SEED = 20251125
    COUNT = 200

    def bases(self):
        out = []
        specs = [(22050, 2, 16), (8000, 1, 8), (44100, 1, 24), (16000, 2, 32)]
        for i, (rate, channels, bits) in enumerate(specs):
            p = self.file(f"base{i}.wav")
            write_pcm_wav(p, sine(440.0, 0.4, 0.15, rate, channels), rate, channels, bits)
            with open(p, "rb") as f:
                out.append(f.read())
        p = self.file("base_float.wav")
        write_float_wav(p, sine(440.0, 0.4, 0.15, 11025), 11025, 1)
        with open(p, "rb") as f:
            out.append(f.read())
        return out

    def mutate(self, rng, data):
        b = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            # Mostly the 44-byte header, where a flip changes the meaning.
            pos = rng.randrange(44) if rng.random() < 0.7 else rng.randrange(len(b))
            if rng.random() < 0.5:
                b[pos] ^= 1 << rng.randrange(8)
            else:
                b[pos] = rng.choice((0x00, 0xFF, 0x7F, 0x80, rng.randrange(256)))
        if rng.random() < 0.1:
            del b[rng.randrange(8, len(b)):]
        return bytes(b)

    def test_mutated_wavs(self):
        rng = random.Random(self.SEED)
        bases = self.bases()
        counts = {}
        for i in range(self.COUNT):
            p = self.file(f"fuzz{i:03d}.wav")
            with open(p, "wb") as f:
                f.write(self.mutate(rng, rng.choice(bases)))
            where = f"fuzz case {i} (seed {self.SEED}), kept at {p}"
            try:
                a = self.analyze(p)
                counts["OK"] = counts.get("OK", 0) + 1
                self.assertTrue(math.isfinite(a.duration_s) and a.duration_s > 0, where)
                self.assertGreater(a.channels, 0, where)
                self.assertLessEqual(a.duration_s, 20 * 60, where)
            except grpc.RpcError as e:
                counts[e.code().name] = counts.get(e.code().name, 0) + 1
                self.assertIn(e.code(), {Code.INVALID_ARGUMENT, Code.NOT_FOUND},
                              f"{where}: {e.code().name}: {e.details()}")
                self.assertIn(p, e.details() or "", where)
            if not self.daemon.running:
                self.fail(f"stylednad died on {where}\n{self.daemon.log_tail()}")
            os.unlink(p)
        self.assertAlive()
        self.wait_idle()
        print(f"\nfuzz outcomes: {counts}", flush=True)


if __name__ == "__main__":
    unittest.main()
