"""Style DNA through the daemon and the CLI: profile build / list / show /
export / import / rm and similar on a small synthesized library (four styles in
labelled folders), restart persistence, cancellation, bad references."""

import atexit
import json
import os
import shutil
import subprocess
import time
import unittest

import grpc

from daemon_fixture import (CLI, RPC_TIMEOUT_S, Daemon, DaemonTestCase, make_tmpdir, pb2)

Code = grpc.StatusCode
STYLES = ("uplifting", "progressive", "tech", "psy")
PER_STYLE = 4      # 3 references + 1 held-out query per style
MINUTES = "0.4"

_LIBRARY = {}


def library():
    """Renders the library once per process: LIB/<style>/<seed>.wav (+ stems and truth)."""
    if _LIBRARY:
        return _LIBRARY
    root = make_tmpdir("profiles-lib")
    atexit.register(shutil.rmtree, root, True)
    d = Daemon(root)
    d.start()
    try:
        for style in STYLES:
            out = os.path.join(root, "lib", style)
            r = subprocess.run([CLI, "--socket", d.socket_path, "--no-autostart", "--json", "synth",
                                "--out", out, "--count", str(PER_STYLE), "--seed", "700",
                                "--style", style, "--minutes", MINUTES],
                               capture_output=True, text=True, timeout=600,
                               stdin=subprocess.DEVNULL)
            if r.returncode != 0:
                raise RuntimeError(r.stderr)
            tracks = json.loads(r.stdout)
            # The last track of each style is held out as a query.
            query_dir = os.path.join(root, "queries")
            os.makedirs(query_dir, exist_ok=True)
            held = tracks[-1]["mix_path"]
            moved = os.path.join(query_dir, f"{style}.wav")
            shutil.move(held, moved)
            shutil.rmtree(os.path.splitext(held)[0], ignore_errors=True)
            os.remove(os.path.splitext(held)[0] + ".truth.json")
            _LIBRARY.setdefault("queries", {})[style] = moved
    finally:
        d.stop()
    _LIBRARY["root"] = root
    _LIBRARY["lib"] = os.path.join(root, "lib")
    return _LIBRARY


class ProfileTest(DaemonTestCase):
    def setUp(self):
        super().setUp()
        self.lib = library()

    def build(self, name="trance", *extra):
        return self.cli_json("profile", "build", name, self.lib["lib"], "--labels-from-folders",
                             "--seed", "7", *extra)

    def test_build_show_similar_export_import(self):
        p = self.build()
        n_refs = len(STYLES) * (PER_STYLE - 1)
        # Stem folders and truth files beside each mix are not references.
        self.assertEqual(p["track_count"], n_refs)
        self.assertEqual(len(p["members"]), n_refs)
        self.assertEqual({m["label"] for m in p["members"]}, set(STYLES))
        for key in ("name", "stats", "clusters", "validation", "sections", "embedding_backbone",
                    "embedding_dim", "head", "cluster_silhouette", "index_path", "seed"):
            self.assertIn(key, p)
        self.assertEqual(p["index_path"], "exact")
        self.assertTrue(1 <= len(p["clusters"]) <= 8)
        self.assertEqual(sum(c["size"] for c in p["clusters"]), n_refs)
        tempo = [s for s in p["stats"] if s["name"] == "tempo_bpm"]
        self.assertEqual(len(tempo), 1)
        self.assertEqual(tempo[0]["count"], n_refs)
        self.assertLessEqual(tempo[0]["range_low"], tempo[0]["median"])
        self.assertLessEqual(tempo[0]["median"], tempo[0]["range_high"])
        # Fewer than 10 references is fine but flagged.
        self.assertNotIn("too_few_references", {v["code"] for v in p["validation"]})
        sections = {s["section"] for s in p["sections"]}
        self.assertIn("drop", sections)

        listed = self.cli_json("profile", "list")
        self.assertEqual([x["name"] for x in listed["profiles"]], ["trance"])
        text = self.cli("profile", "show", "trance")
        self.assertEqual(text.returncode, 0, text.stderr)
        self.assertIn("sub-styles", text.stdout)
        self.assertIn("defining features", text.stdout)
        full = self.cli("profile", "show", "trance", "--all")
        self.assertIn("tempo_bpm", full.stdout)

        # A held-out query finds references, nearest first.
        for style, query in self.lib["queries"].items():
            with self.subTest(style=style):
                sim = self.cli_json("similar", query, "--profile", "trance", "-k", "5")
                tracks = sim["tracks"]
                self.assertEqual(len(tracks), 5)
                sims = [t["similarity"] for t in tracks]
                self.assertEqual(sims, sorted(sims, reverse=True))
                for t in tracks:
                    self.assertTrue(set(t) >= {"path", "content_hash", "similarity", "sub_style"})
                    self.assertTrue(-1.0001 <= t["similarity"] <= 1.0001)
                self.assertEqual(sim["search_path"], "exact")
        # A reference asked about itself finds itself first (style precision on
        # held-out tracks is asserted by tests/unit/style_dna on a larger library).
        member = p["members"][5]
        sim = self.cli_json("similar", member["path"], "--profile", "trance", "-k", "3")
        self.assertEqual(sim["tracks"][0]["content_hash"], member["content_hash"])
        self.assertAlmostEqual(sim["tracks"][0]["similarity"], 1.0, places=4)
        self.assertEqual(sim["query_hash"], member["content_hash"])

        # Export -> import under another name: the same statistics and members.
        out = self.file("trance.json")
        self.cli_json("profile", "export", "trance", "-o", out, "--include-head")
        copy = self.cli_json("profile", "import", out, "--name", "copy")
        self.assertEqual(copy["stats"], p["stats"])
        self.assertEqual(copy["members"], p["members"])
        self.assertEqual(copy["clusters"], p["clusters"])
        again = self.cli_json("profile", "import", out, "--name", "copy", expect_rc=1)
        self.assertEqual(again["error"]["code"], "ALREADY_EXISTS")
        self.cli_json("profile", "import", out, "--name", "copy", "--replace")
        # Exporting the copy gives the same document, apart from the name.
        out2 = self.file("copy.json")
        self.cli_json("profile", "export", "copy", "-o", out2, "--include-head")
        with open(out) as f1, open(out2) as f2:
            d1, d2 = json.load(f1), json.load(f2)
        d1.pop("name"), d2.pop("name")
        for doc in (d1, d2):
            doc.pop("created_at", None), doc.pop("updated_at", None)
        self.assertEqual(d1, d2)
        self.cli_json("profile", "rm", "copy")
        self.assertEqual([x["name"] for x in self.cli_json("profile", "list")["profiles"]],
                         ["trance"])

        # The profile survives a restart (loaded at start) and answers the same.
        before = self.cli_json("similar", self.lib["queries"]["psy"], "--profile", "trance")
        self.stop_and_check(self.daemon)
        self.daemon = self.start_daemon()
        self.stub = self.daemon.stub
        after = self.cli_json("similar", self.lib["queries"]["psy"], "--profile", "trance")
        self.assertEqual([t["path"] for t in before["tracks"]],
                         [t["path"] for t in after["tracks"]])
        shown = self.cli_json("profile", "show", "trance")
        self.assertEqual(shown["stats"], p["stats"])

    def export_doc(self, name):
        out = self.file(name + "-export.json")
        self.cli_json("profile", "export", name, "-o", out, "--include-head")
        with open(out) as f:
            doc = json.load(f)
        doc.pop("created_at", None), doc.pop("updated_at", None)
        return doc

    def test_rebuild_of_same_references_reuses_head_and_is_identical(self):
        first = self.build("same")
        self.assertFalse(first["head"].get("reused", False))
        doc1 = self.export_doc("same")
        # Same references and seed: the daemon's head memo answers, the profile is the same.
        second = self.build("same")
        trained = first["head"].get("trained", False)
        self.assertEqual(second["head"].get("reused", False), trained)
        self.assertEqual(self.export_doc("same"), doc1)
        # Another seed trains again.
        other = self.cli_json("profile", "build", "same", self.lib["lib"], "--labels-from-folders",
                              "--seed", "8")
        self.assertFalse(other["head"].get("reused", False))
        # A fresh daemon has no memo: it trains again and gets the same weights, so
        # reusing them was the same as training.
        self.stop_and_check(self.daemon)
        self.daemon = self.start_daemon()
        self.stub = self.daemon.stub
        fresh = self.build("same")
        self.assertFalse(fresh["head"].get("reused", False))
        doc3 = self.export_doc("same")
        for doc in (doc1, doc3):  # the training's wall time is the one thing that differs
            doc.get("head_training", {}).pop("seconds", None)
        self.assertEqual(doc3, doc1)

    def test_labels_from_csv(self):
        # Relative paths are read against the CSV's folder; a header line is allowed;
        # files the CSV does not name keep no label.
        csv = self.file("labels.csv")
        named = 0
        with open(csv, "w") as f:
            f.write("path,label\n")
            for style in STYLES:
                for wav in sorted(os.listdir(os.path.join(self.lib["lib"], style))):
                    if wav.endswith(".wav") and style != "psy":
                        rel = os.path.relpath(os.path.join(self.lib["lib"], style, wav), self.tmp)
                        f.write(f"{rel},{style}-csv\n")
                        named += 1
        p = self.cli_json("profile", "build", "csv", self.lib["lib"], "--labels", csv, "--no-head")
        labels = [m["label"] for m in p["members"]]
        self.assertEqual(sum(1 for x in labels if x.endswith("-csv")), named)
        self.assertEqual(sum(1 for x in labels if x == ""), PER_STYLE - 1)
        for m in p["members"]:
            if m["label"]:
                self.assertIn(os.sep + m["label"][:-4] + os.sep, m["path"])
        bad = self.file("bad.csv")
        with open(bad, "w") as f:
            f.write("no comma here\n")
        r = self.cli_json("profile", "build", "csv2", self.lib["lib"], "--labels", bad,
                          expect_rc=1)
        self.assertIn("bad.csv:1", r["error"]["message"])
        self.assertAlive()

    def test_import_errors_store_nothing(self):
        cases = {
            "not json": ("{ nope", "JSON"),
            "wrong format": (json.dumps({"format": "other", "version": 1}), "format"),
            "wrong version": (json.dumps({"format": "styledna-profile", "version": 999}),
                              "version"),
        }
        for label, (doc, needle) in cases.items():
            with self.subTest(case=label):
                path = self.file("bad.json")
                with open(path, "w") as f:
                    f.write(doc)
                r = self.cli_json("profile", "import", path, expect_rc=1)
                self.assertEqual(r["error"]["code"], "INVALID_ARGUMENT")
                self.assertIn(needle, r["error"]["message"])
        self.assertEqual(self.cli_json("profile", "list")["profiles"], [])
        missing = self.cli_json("profile", "import", self.file("nope.json"), expect_rc=1)
        self.assertIn("nope.json", missing["error"]["message"])
        self.assertAlive()

    def test_append_from_memory_equals_append_from_store(self):
        first = self.build("app")
        n_refs = len(STYLES) * (PER_STYLE - 1)
        saved = self.file("app-before.json")
        self.cli_json("profile", "export", "app", "-o", saved, "--include-head")
        before = self.export_doc("app")
        queries = os.path.dirname(self.lib["queries"]["psy"])
        # The daemon built "app": the append takes the members' analyses from memory.
        mem = self.cli_json("profile", "build", "app", queries, "--append", "--seed", "7")
        self.assertEqual(mem["track_count"], n_refs + len(STYLES))
        doc_mem = self.export_doc("app")
        # An imported profile has none in memory: the same append reads the store.
        self.cli_json("profile", "import", saved, "--replace")
        self.cli_json("profile", "build", "app", queries, "--append", "--seed", "7")
        self.assertEqual(self.export_doc("app"), doc_mem)
        if first["head"].get("trained", False):
            # Unlabelled queries on a profile whose head learnt the folder labels: the head
            # is kept, and so is every member's embedding.
            self.assertEqual(doc_mem["space"], before["space"])
            old = {m["content_hash"]: m["embedding"] for m in before["members"]}
            for m in doc_mem["members"]:
                if m["content_hash"] in old:
                    self.assertEqual(m["embedding"], old[m["content_hash"]])
        self.assertAlive()

    def test_cancelled_append_leaves_profile_unchanged(self):
        first = self.build("p", "--no-head")
        self.assertEqual(first["track_count"], len(STYLES) * (PER_STYLE - 1))
        # Append the queries, cancelling as soon as the build reports progress.
        call = self.stub.BuildProfile(pb2.BuildProfileRequest(
            name="p", paths=[os.path.dirname(self.lib["queries"]["psy"])], append=True, seed=7))
        got_progress = False
        with self.assertRaises(grpc.RpcError) as cm:
            for ev in call:
                if ev.HasField("progress"):
                    got_progress = True
                    call.cancel()
        self.assertTrue(got_progress)
        self.assertEqual(cm.exception.code(), Code.CANCELLED)
        time.sleep(0.5)
        now = self.stub.GetProfile(pb2.GetProfileRequest(name="p"), timeout=RPC_TIMEOUT_S)
        self.assertEqual(now.track_count, first["track_count"])
        # The same append, not cancelled, adds exactly the new files.
        appended = self.cli_json("profile", "build", "p", os.path.dirname(self.lib["queries"]["psy"]),
                                 "--append", "--no-head", "--seed", "7")
        self.assertEqual(appended["track_count"], first["track_count"] + len(STYLES))
        self.assertAlive()

    def test_bad_references(self):
        bad_dir = self.file("badlib")
        os.makedirs(bad_dir)
        broken = os.path.join(bad_dir, "broken.wav")
        with open(broken, "wb") as f:
            f.write(b"RIFF\x24\x00\x00\x00WAVEfmt garbage")
        # Only bad files: a clear error naming one, nothing stored.
        r = self.cli_json("profile", "build", "bad", bad_dir, expect_rc=1)
        self.assertIn("broken.wav", r["error"]["message"])
        self.assertEqual(self.cli_json("profile", "list")["profiles"], [])
        # Among good references it is left out and reported.
        shutil.copy(self.lib["queries"]["psy"], os.path.join(bad_dir, "good1.wav"))
        shutil.copy(self.lib["queries"]["tech"], os.path.join(bad_dir, "good2.wav"))
        p = self.cli_json("profile", "build", "bad", bad_dir, "--no-head")
        self.assertEqual(p["track_count"], 2)
        codes = {v["code"]: v for v in p["validation"]}
        self.assertIn("unreadable", codes)
        self.assertIn("broken.wav", codes["unreadable"]["path"])
        self.assertIn("too_few_references", codes)
        # Unknown profile for similar: NOT_FOUND naming it.
        r = self.cli_json("similar", self.lib["queries"]["psy"], "--profile", "nope", expect_rc=1)
        self.assertEqual(r["error"]["code"], "NOT_FOUND")
        self.assertIn("nope", r["error"]["message"])
        self.assertAlive()


if __name__ == "__main__":
    unittest.main()
