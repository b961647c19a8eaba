"""Fix planning through the daemon and the CLI: `styledna fix WIP --profile P
--set tests/fixtures/live/trance_set_live12.json --json` gives a stored plan
whose changes name tracks, devices and parameters of the set with raw values
inside their ranges; --strength halves the moves in their own units; --target
stops early or says how close it gets; a bad set file, an unknown --map track,
an unknown --master-track and --live without Live running give clear errors;
the daemon stays up after each."""

import json
import os
import unittest

import test_gap
from daemon_fixture import DaemonTestCase

SOURCE = os.environ.get("STYLEDNA_SOURCE_DIR",
                        os.path.join(os.path.dirname(__file__), "..", ".."))
SET12 = os.path.join(SOURCE, "tests", "fixtures", "live", "trance_set_live12.json")
SET11 = os.path.join(SOURCE, "tests", "fixtures", "live", "trance_set_live11.json")


class FixTest(DaemonTestCase):
    def daemon_arguments(self):
        from live_fixture import free_udp_port
        return ["--live-port", str(free_udp_port()), "--osc-reply-port", str(free_udp_port())]

    def setUp(self):
        super().setUp()
        self.lib = test_gap.library()

    def build(self):
        self.cli_json("profile", "build", "trance", self.lib["lib"], "--labels-from-folders",
                      "--seed", "3", "--no-head")

    def fix(self, *extra, set_file=SET12, expect_rc=0):
        return self.cli_json("fix", self.lib["wip"], "--profile", "trance", "--set", set_file,
                             "--master-track", "Mix Bus", *extra, expect_rc=expect_rc)

    def test_plan_on_the_fixture_set(self):
        self.build()
        with open(SET12, encoding="utf-8") as f:
            live_set = json.load(f)
        params = {}
        for t in live_set["tracks"]:
            for d in t["devices"]:
                for p in d["parameters"]:
                    params[(t["name"], d["name"], p["name"])] = (p["min"], p["max"])
        plan = self.fix()
        self.assertTrue(plan["plan_id"])
        self.assertTrue(plan["fixes"], plan)
        self.assertIn("roles", plan)
        changes = [c for f in plan["fixes"] for c in f.get("changes", [])]
        self.assertTrue(changes, "the fixture set has the devices the moves need")
        for c in changes:
            key = (c["track_name"], c["device_name"], c["parameter_name"])
            self.assertIn(key, params, "a change names a track/device/parameter of the set")
            lo, hi = params[key]
            self.assertTrue(lo <= c.get("to_value", 0) <= hi, c)
            self.assertTrue(c["display_to"], c)
            self.assertTrue(0 < c["confidence"] <= 1, c)
        for f in plan["fixes"]:
            self.assertTrue(f["title"])
            self.assertIn("predicted_conformance", f)
            self.assertTrue(0 <= f.get("risk", 0) <= 1, f)
        # The quiet master lands on the named master track.
        loud = [f for f in plan["fixes"] + plan.get("rejected", []) if f["gap_id"] == "quiet_master"]
        if loud and loud[0].get("changes"):
            self.assertEqual(loud[0]["changes"][0]["track_name"], "Mix Bus")

        # Live 11 names ("n Resonance A", "Output Gain", Utility "Gain") resolve too.
        plan11 = self.fix(set_file=SET11)
        self.assertTrue(plan11["fixes"])

        # Text output for people.
        text = self.cli("fix", self.lib["wip"], "--profile", "trance", "--set", SET12,
                        "--master-track", "Mix Bus")
        self.assertEqual(text.returncode, 0, text.stderr)
        self.assertIn("Fix plan", text.stdout)
        self.assertIn("->", text.stdout)

    def test_strength_and_target(self):
        self.build()
        full = self.fix()
        half = self.fix("--strength", "0.5")
        self.assertAlmostEqual(half["strength"], 0.5)

        def gains(plan):
            out = {}
            for f in plan["fixes"]:
                for c in f.get("changes", []):
                    if c.get("unit") == "dB" and "Gain A" in c["parameter_name"]:
                        out[(c["track_name"], c["parameter_name"])] = (
                            c.get("to_unit_value", 0) - c.get("from_unit_value", 0))
            return out
        g_full, g_half = gains(full), gains(half)
        shared = set(g_full) & set(g_half)
        for key in shared:
            self.assertAlmostEqual(g_half[key], 0.5 * g_full[key], delta=0.02, msg=key)

        unreachable = self.fix("--target", "100")
        self.assertFalse(unreachable["target_reached"])
        self.assertIn("not reachable", unreachable["target_note"])
        near = self.fix("--target", "%.1f" % min(100.0, full["conformance_before"] + 0.5))
        self.assertLessEqual(len(near["fixes"]), max(1, len(full["fixes"])))
        if near["target_reached"]:
            self.assertGreaterEqual(near["predicted_conformance"], near["target_conformance"])

    def test_errors_keep_the_daemon_up(self):
        self.build()
        missing = os.path.join(self.tmp, "nope.json")
        r = self.fix(set_file=missing, expect_rc=1)
        self.assertIn("nope.json", r["error"]["message"])
        bad = os.path.join(self.tmp, "bad_set.json")
        with open(bad, "w", encoding="utf-8") as f:
            json.dump({"tracks": [{"name": "Bass", "devices": [{"name": "EQ Eight",
                      "class_name": "Eq8", "parameters": [{"name": "Output", "value": 40,
                                                          "min": -12, "max": 12}]}]}]}, f)
        r = self.fix(set_file=bad, expect_rc=1)
        self.assertIn("bad_set.json", r["error"]["message"])
        self.assertIn("outside", r["error"]["message"])
        r = self.fix("--map", "Nobody=bass", expect_rc=1)
        self.assertIn("Nobody", r["error"]["message"])
        r = self.fix("--map", "Bass=bas", expect_rc=1)
        self.assertIn("unknown role", r["error"]["message"])
        r = self.cli_json("fix", self.lib["wip"], "--profile", "trance", "--set", SET12,
                          "--master-track", "Master", expect_rc=1)
        self.assertIn("Master", r["error"]["message"])
        # No Live on the (free) port this daemon was given: the OSC worker says so.
        r = self.cli_json("fix", self.lib["wip"], "--profile", "trance", "--live", expect_rc=1)
        self.assertEqual(r["error"]["code"], "DEADLINE_EXCEEDED")
        self.assertIn("no reply from AbletonOSC", r["error"]["message"])
        self.assertTrue(self.daemon.running)
        # A map is remembered for the set: the next plan without --map uses it.
        plan = self.fix("--map", "Sub=other")
        sub = [r for r in plan["roles"] if r["track_name"] == "Sub"][0]
        self.assertEqual((sub["role"], sub["from_user"]), ("other", True))
        again = self.fix()
        sub = [r for r in again["roles"] if r["track_name"] == "Sub"][0]
        self.assertEqual(sub["role"], "other")
        self.assertTrue(sub.get("from_user"))


if __name__ == "__main__":
    unittest.main()
