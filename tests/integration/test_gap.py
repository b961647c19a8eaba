"""Gap analysis through the daemon and the CLI: gap (table and --json keys),
report (a self-contained HTML file), separate (three stems that sum back to
the mix), the producer's own stems (--stems), and clear errors for a missing
profile, a bad cluster id, a stems folder without stems and a broken WIP; the
daemon stays up after each."""

import atexit
import json
import os
import shutil
import struct
import subprocess
import unittest


from daemon_fixture import CLI, Daemon, DaemonTestCase, make_tmpdir

STYLES = ("uplifting", "progressive", "tech", "psy")
PER_STYLE = 3
MINUTES = "0.6"
GAP_KEYS = {"feature", "section", "stem", "category", "wip_value", "target_value", "range_low",
            "range_high", "delta", "z_score", "severity", "severity_label", "explanation"}

_LIB = {}


def synth(d, out, style, count, seed, flaws=()):
    args = [CLI, "--socket", d.socket_path, "--no-autostart", "--json", "synth", "--out", out,
            "--count", str(count), "--seed", str(seed), "--style", style, "--minutes", MINUTES]
    for f in flaws:
        args += ["--flaw", f]
    r = subprocess.run(args, capture_output=True, text=True, timeout=600,
                       stdin=subprocess.DEVNULL)
    if r.returncode != 0:
        raise RuntimeError(r.stderr)
    return json.loads(r.stdout)


def library():
    """References LIB/<style>/*.wav and one flawed WIP, rendered once per process."""
    if _LIB:
        return _LIB
    root = make_tmpdir("gap-lib")
    atexit.register(shutil.rmtree, root, True)
    d = Daemon(root)
    d.start()
    try:
        for style in STYLES:
            synth(d, os.path.join(root, "lib", style), style, PER_STYLE, 300)
        wip = synth(d, os.path.join(root, "wip"), "uplifting", 1, 901,
                    ("muddy_bass", "quiet_master"))[0]
    finally:
        d.stop()
    _LIB.update(root=root, lib=os.path.join(root, "lib"), wip=wip["mix_path"],
                wip_stems=os.path.splitext(wip["mix_path"])[0])
    return _LIB


def read_float_wav(path):
    """(rate, channels, frames, samples as a flat list) of a WAV the daemon wrote."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE", path
    pos, fmt, payload = 12, None, None
    while pos + 8 <= len(data):
        tag, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        body = data[pos + 8:pos + 8 + size]
        if tag == b"fmt ":
            fmt = struct.unpack("<HHIIHH", body[:16])
        elif tag == b"data":
            payload = body
        pos += 8 + size + (size & 1)
    tag, channels, rate, _, _, bits = fmt
    if bits == 32:
        samples = struct.unpack(f"<{len(payload) // 4}f", payload)
    else:
        samples = [s / 32768.0 for s in struct.unpack(f"<{len(payload) // 2}h", payload)]
    return rate, channels, len(samples) // channels, samples


class GapTest(DaemonTestCase):
    def setUp(self):
        super().setUp()
        self.lib = library()

    def build(self):
        return self.cli_json("profile", "build", "trance", self.lib["lib"],
                             "--labels-from-folders", "--seed", "3", "--no-head")

    def test_gap_report_separate(self):
        profile = self.build()
        wip = self.lib["wip"]
        report = self.cli_json("gap", wip, "--profile", "trance")
        for key in ("gaps", "conformance_score", "conformance_parts", "cluster",
                    "nearest_references"):
            self.assertIn(key, report)
        self.assertTrue(report["gaps"], "a flawed WIP has gaps")
        for g in report["gaps"]:
            self.assertTrue(GAP_KEYS <= set(g), set(GAP_KEYS) - set(g))
            self.assertIn(g["severity_label"], ("low", "medium", "high"))
            self.assertTrue(0 <= g["severity"] <= 1)
            self.assertTrue(g["explanation"])
        # Ranked: mix problems (and style choices outside every sub-style) by
        # severity, then style choices a sub-style of the profile holds.
        late = [g["style_choice"] and not g["outside_every_cluster"] for g in report["gaps"]]
        self.assertEqual(late, sorted(late))
        for group in (False, True):
            sev = [g["severity"] for g, lt in zip(report["gaps"], late) if lt == group]
            self.assertEqual(sev, sorted(sev, reverse=True))
        self.assertTrue(0 <= report["conformance_score"] <= 100)
        self.assertTrue(report["conformance_parts"])
        self.assertEqual(len(report["nearest_references"]), 5)
        self.assertIn(report["cluster"], [c["id"] for c in profile["clusters"]])
        # The quiet master is a whole-track loudness gap a producer must see near the top.
        top = [g["category"] for g in report["gaps"][:3]]
        self.assertIn("loudness", top, [g["title"] for g in report["gaps"][:5]])

        # A second call is served from the analysis cache.
        again = self.cli_json("gap", wip, "--profile", "trance")
        self.assertTrue(again["analysis_cached"])
        self.assertEqual([g["id"] for g in again["gaps"]], [g["id"] for g in report["gaps"]])

        # The whole profile or a chosen cluster.
        chosen = self.cli_json("gap", wip, "--profile", "trance", "--cluster", "0")
        self.assertEqual(chosen["cluster"], 0)
        self.assertTrue(chosen["cluster_from_request"])

        text = self.cli("gap", wip, "--profile", "trance")
        self.assertEqual(text.returncode, 0, text.stderr)
        self.assertIn("conformance", text.stdout)
        self.assertNotIn("\033[", text.stdout, "no colours when stdout is not a terminal")

        html = os.path.join(self.tmp, "report.html")
        r = self.cli_json("report", wip, "--profile", "trance", "-o", html)
        self.assertEqual(r["report_html_path"], html)
        with open(html, encoding="utf-8") as f:
            doc = f.read()
        self.assertIn("<svg", doc)
        for plot in ("tonal_balance", "energy_per_bar", "stereo_width"):
            self.assertIn(f'data-plot="{plot}"', doc)
        self.assertNotIn("http://", doc.replace("http://www.w3.org/2000/svg", ""))

        # Separation: three stems at the source rate that sum back to the mix.
        out = os.path.join(self.tmp, "stems")
        sep = self.cli_json("separate", wip, "-o", out)
        rate, ch, frames, mix = read_float_wav(wip)
        total = None
        for stem in ("drums", "bass", "other"):
            path = sep[f"{stem}_path"]
            self.assertTrue(os.path.isfile(path), path)
            srate, sch, sframes, samples = read_float_wav(path)
            self.assertEqual((srate, sch, sframes), (rate, ch, frames))
            total = list(samples) if total is None else [a + b for a, b in zip(total, samples)]
        err = max(abs(a - b) for a, b in zip(total, mix))
        self.assertLess(err, 1e-3)
        again = self.cli_json("separate", wip, "-o", os.path.join(self.tmp, "stems2"))
        self.assertTrue(again["cached"])

        # The producer's own stems (here the synthesizer's truth stems).
        own = self.cli_json("gap", wip, "--profile", "trance", "--stems", self.lib["wip_stems"])
        self.assertEqual(own["stems_source"], "user")

    def test_errors_keep_the_daemon_up(self):
        self.build()
        wip = self.lib["wip"]
        r = self.cli_json("gap", wip, "--profile", "nope", expect_rc=1)
        self.assertIn("nope", r["error"]["message"])
        r = self.cli_json("gap", wip, "--profile", "trance", "--cluster", "99", expect_rc=1)
        self.assertIn("99", r["error"]["message"])
        empty = os.path.join(self.tmp, "no-stems")
        os.makedirs(empty)
        r = self.cli_json("gap", wip, "--profile", "trance", "--stems", empty, expect_rc=1)
        self.assertIn("drums.wav", r["error"]["message"])
        broken = os.path.join(self.tmp, "broken.wav")
        with open(broken, "wb") as f:
            f.write(b"RIFF\x10\x00\x00\x00WAVEjunk")
        r = self.cli_json("gap", broken, "--profile", "trance", expect_rc=1)
        self.assertIn("broken.wav", r["error"]["message"])
        r = self.cli_json("separate", broken, "-o", os.path.join(self.tmp, "x"), expect_rc=1)
        self.assertIn("broken.wav", r["error"]["message"])
        self.assertTrue(self.daemon.running)
        ok = self.cli_json("gap", wip, "--profile", "trance")
        self.assertTrue(ok["gaps"])

    def test_train_separator(self):
        """A tiny training run writes loadable weights (LibTorch builds); a build
        without LibTorch says so."""
        cache = os.path.join(os.environ["STYLEDNA_BIN_DIR"], "..", "CMakeCache.txt")
        with open(cache, encoding="utf-8") as f:
            with_torch = "STYLEDNA_WITH_TORCH:BOOL=ON" in f.read()
        out = os.path.join(self.tmp, "models", "sep.sdnt")
        args = ("train-separator", "-o", out, "--tracks", "2", "--validation-tracks", "1",
                "--minutes", "0.25", "--max-seconds", "4", "--seed", "5")
        if not with_torch:
            r = self.cli_json(*args, expect_rc=1)
            self.assertIn("LibTorch", r["error"]["message"])
            return
        r = self.cli_json(*args)
        self.assertEqual(r["weights_path"], out)
        self.assertTrue(os.path.isfile(out))
        self.assertTrue(r["separator"].startswith("learned/"), r["separator"])
        self.assertGreaterEqual(r["epochs"], 1)
        self.assertEqual((r["train_tracks"], r["validation_tracks"]), (2, 1))
        # The daemon separates with the new weights when told to.
        self.daemon.stop()
        self.daemon = self.start_daemon(
            extra_args=["--separator", "learned", "--separator-weights", out])
        sep = self.cli_json("separate", self.lib["wip"], "-o", os.path.join(self.tmp, "s"))
        self.assertEqual(sep["separator"], r["separator"])


if __name__ == "__main__":
    unittest.main()
