#!/usr/bin/env python3
"""The HTML report in headless Chromium (issue 13, "Report").

For each variant of html_report_tool (normal, hostile, sparse):
  1. write the report; static checks (no remote URL, no <script>);
  2. load an instrumented copy (one inline script inserted at the top of
     <head>, before the report's Content-Security-Policy) with --dump-dom: on
     "load" it records every <svg data-plot>'s box and how many of its shapes
     have a non-empty bounding box, uncaught errors and CSP violations, the
     page height and whether anything the report carried ran (data-pwned);
  3. normal variant: screenshot of the report itself (no instrumentation) at
     1280 px wide and the page's full height (at least 2400 px), decode the
     PNG (zlib, all five filter types) and require many colours overall and
     painted pixels inside every plot's box.
Chromium's console output (--enable-logging=stderr) is scanned for CONSOLE
lines on every load (uncaught errors and refused loads show there); a
deliberately broken page checks first that the scan sees errors at all.
Fails (exit 1), never skips, when Chromium is missing: scripts/setup.sh
installs Debian's `chromium`.
"""
import argparse
import html
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

WIDTH = 1280
MIN_HEIGHT = 2400
MAX_HEIGHT = 8000

PROBE = r"""<script>
(function () {
  var errors = [];
  window.addEventListener('error', function (e) { errors.push('error: ' + e.message); });
  document.addEventListener('securitypolicyviolation', function (e) {
    errors.push('csp: ' + e.violatedDirective + ' ' + e.blockedURI);
  });
  window.addEventListener('load', function () {
    var plots = [];
    document.querySelectorAll('svg[data-plot]').forEach(function (svg) {
      var r = svg.getBoundingClientRect();
      var drawn = 0;
      svg.querySelectorAll('.data path, .data rect, .data circle, .spans rect')
        .forEach(function (el) {
          var b = el.getBBox();
          if (b.width > 0 || b.height > 0) { drawn++; }
        });
      plots.push({plot: svg.getAttribute('data-plot'), x: r.left + window.scrollX,
                  y: r.top + window.scrollY, w: r.width, h: r.height, drawn: drawn});
    });
    var result = {plots: plots, errors: errors,
                  height: document.documentElement.scrollHeight,
                  width: document.documentElement.scrollWidth,
                  pwned: document.documentElement.getAttribute('data-pwned') || '',
                  scripts: document.scripts.length,
                  notes: Array.prototype.map.call(document.querySelectorAll('p.na'),
                                                  function (p) { return p.textContent; })};
    document.body.setAttribute('data-check', JSON.stringify(result));
  });
})();
</script>"""

EXPECTED = {
    # variant: (plots that must be drawn, plots that must be absent, notes that must show)
    "normal": (["tonal_balance", "energy_per_bar", "stereo_width", "gap_evidence"], [], []),
    "hostile": (["tonal_balance", "energy_per_bar", "stereo_width"], [], []),
    "sparse": (["tonal_balance", "stereo_width"], ["energy_per_bar"],
               ["Energy per bar is not available"]),
}


class CheckFailed(Exception):
    pass


def require(condition, message):
    if not condition:
        raise CheckFailed(message)


def chromium_binary():
    for name in (os.environ.get("STYLEDNA_CHROMIUM", ""), "chromium", "chromium-browser"):
        if name and shutil.which(name):
            return shutil.which(name)
    raise CheckFailed("chromium not found: install Debian's `chromium` (scripts/setup.sh does)")


def run_chromium(chromium, workdir, args, url):
    """Runs one headless load; returns (stdout, console lines). Chromium logs every
    console message (errors, uncaught exceptions, CSP refusals) as INFO:CONSOLE;
    the report and the probe log nothing, so any such line is a finding."""
    profile = tempfile.mkdtemp(prefix="chromium-", dir=workdir)
    env = dict(os.environ, HOME=profile, XDG_CONFIG_HOME=profile, XDG_CACHE_HOME=profile)
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
           "--no-first-run", "--no-default-browser-check", "--disable-extensions",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
           "--user-data-dir=" + profile] + args + [url]
    try:
        done = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=60)
    except subprocess.TimeoutExpired:
        raise CheckFailed("chromium did not finish within 60 s: " + " ".join(args))
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    stderr = done.stderr.decode("utf-8", "replace")
    console = [line for line in stderr.splitlines() if ":CONSOLE" in line]
    require(done.returncode == 0,
            "chromium exited with %d: %s" % (done.returncode, stderr[-2000:]))
    return done.stdout.decode("utf-8", "replace"), console


def instrumented_copy(report_path, out_path):
    with open(report_path, encoding="utf-8") as f:
        text = f.read()
    require(text.count("<head>") == 1, "report has no single <head>")
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(text.replace("<head>", "<head>" + PROBE, 1))


def probe_result(dom):
    match = re.search(r'<body[^>]*\sdata-check="([^"]*)"', dom)
    require(match is not None, "the probe did not run on load (no data-check on <body>)")
    return json.loads(html.unescape(match.group(1)))


def read_png(path):
    """(width, height, channels, rows): rows as bytearrays of width * channels."""
    with open(path, "rb") as f:
        data = f.read()
    require(data[:8] == b"\x89PNG\r\n\x1a\n", path + ": not a PNG")
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + length
    require(header is not None, path + ": no IHDR")
    width, height, depth, colour, _, _, interlace = header
    require(depth == 8 and colour in (2, 6) and interlace == 0,
            path + ": unexpected PNG format %r" % (header,))
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        ftype, cur = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        if ftype == 1:
            for i in range(bpp, stride):
                cur[i] = (cur[i] + cur[i - bpp]) & 0xFF
        elif ftype == 2:
            cur = bytearray((a + b) & 0xFF for a, b in zip(cur, prev))
        elif ftype == 3:
            for i in range(stride):
                left = cur[i - bpp] if i >= bpp else 0
                cur[i] = (cur[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif ftype == 4:
            for i in range(stride):
                a = cur[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                cur[i] = (cur[i] + pred) & 0xFF
        else:
            require(ftype == 0, path + ": bad filter type %d" % ftype)
        rows.append(cur)
        prev = cur
    return width, height, bpp, rows


def region_colours(rows, bpp, x0, y0, x1, y1, background):
    """(distinct colours, share of pixels differing from the background) in a box."""
    colours, painted, total = set(), 0, 0
    for y in range(max(0, y0), min(len(rows), y1)):
        row = rows[y]
        for x in range(max(0, x0), min(len(row) // bpp, x1)):
            pixel = bytes(row[x * bpp:x * bpp + 3])
            colours.add(pixel)
            total += 1
            painted += pixel != background
    return len(colours), (painted / total if total else 0.0)


def check_console_scan(chromium, workdir):
    """The console scan must see a script error, or a clean run proves nothing."""
    page = os.path.join(workdir, "broken.html")
    with open(page, "w") as f:
        f.write("<!DOCTYPE html><body><script>notDefinedAnywhere();</script></body>")
    _, console = run_chromium(chromium, workdir, ["--dump-dom"], "file://" + page)
    require(any("Uncaught" in line for line in console),
            "the console scan saw no error on a page that throws: the check is blind")


def check_variant(chromium, tool, workdir, variant):
    report = os.path.join(workdir, variant + ".html")
    subprocess.run([tool, report, variant], check=True, timeout=60)
    with open(report, encoding="utf-8") as f:
        text = f.read()
    lower = text.lower()
    for needle in ("http://", "https://", "<script", "<img", "<link", "<iframe"):
        require(needle not in lower, "%s: report contains %r" % (variant, needle))

    probed = os.path.join(workdir, variant + ".probe.html")
    instrumented_copy(report, probed)
    dom, console = run_chromium(
        chromium, workdir, ["--dump-dom", "--window-size=%d,%d" % (WIDTH, MIN_HEIGHT)],
        "file://" + probed)
    result = probe_result(dom)
    require(not console, "%s: console errors: %s" % (variant, console))
    require(not result["errors"], "%s: errors on the page: %s" % (variant, result["errors"]))
    require(result["pwned"] == "", "%s: markup from the data ran (data-pwned=%s)" %
            (variant, result["pwned"]))
    require(result["scripts"] == 1, "%s: %d scripts in the DOM (the probe is the only one)" %
            (variant, result["scripts"]))
    require(result["width"] <= WIDTH, "%s: the page is wider than the window (%d px)" %
            (variant, result["width"]))
    drawn, absent, notes = EXPECTED[variant]
    plots = result["plots"]
    names = [p["plot"] for p in plots]
    for name in drawn:
        require(name in names, "%s: plot %s missing" % (variant, name))
    for name in absent:
        require(name not in names, "%s: plot %s should be a note" % (variant, name))
    for p in plots:
        require(p["w"] >= 300 and p["h"] >= 100,
                "%s: plot %s laid out at %.0f x %.0f px" % (variant, p["plot"], p["w"], p["h"]))
        require(p["drawn"] >= 1, "%s: plot %s draws nothing" % (variant, p["plot"]))
    for note in notes:
        require(any(note in n for n in result["notes"]), "%s: note %r missing" % (variant, note))
    return report, result


def check_screenshot(chromium, workdir, report, result):
    height = max(MIN_HEIGHT, min(MAX_HEIGHT, int(result["height"])))
    png = os.path.join(workdir, "report.png")
    if os.path.exists(png):
        os.remove(png)
    _, console = run_chromium(
        chromium, workdir, ["--screenshot=" + png, "--window-size=%d,%d" % (WIDTH, height)],
        "file://" + report)
    require(not console, "screenshot run: console errors: %s" % console)
    require(os.path.exists(png), "chromium wrote no screenshot")
    width, h, bpp, rows = read_png(png)
    require((width, h) == (WIDTH, height), "screenshot is %dx%d, expected %dx%d" %
            (width, h, WIDTH, height))
    background = bytes(rows[2][0:3])
    sample = [bytes(rows[y][x * bpp:x * bpp + 3]) for y in range(0, h, 7)
              for x in range(0, width, 5)]
    colours = len(set(sample))
    painted = sum(p != background for p in sample) / len(sample)
    require(colours >= 64, "screenshot has %d colours: blank or flat" % colours)
    require(painted >= 0.2, "screenshot is %.0f %% background" % (100 * (1 - painted)))
    for p in result["plots"]:
        x0, y0 = int(p["x"]), int(p["y"])
        x1, y1 = int(p["x"] + p["w"]), int(p["y"] + p["h"])
        require(y1 <= h, "plot %s lies below the screenshot (%d > %d)" % (p["plot"], y1, h))
        n, share = region_colours(rows, bpp, x0, y0, x1, y1, bytes(rows[y0][x0 * bpp:x0 * bpp + 3]))
        require(n >= 8 and share >= 0.01,
                "plot %s at %d,%d is not painted (%d colours, %.1f %% drawn)" %
                (p["plot"], x0, y0, n, 100 * share))
    return png, (width, h), colours


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tool", required=True)
    parser.add_argument("--workdir", required=True)
    args = parser.parse_args()
    start = time.monotonic()
    os.makedirs(args.workdir, exist_ok=True)
    try:
        chromium = chromium_binary()
        check_console_scan(chromium, args.workdir)
        results = {}
        for variant in ("normal", "hostile", "sparse"):
            results[variant] = check_variant(chromium, args.tool, args.workdir, variant)
            print("%s: %s" % (variant, ", ".join("%s (%d shapes)" % (p["plot"], p["drawn"])
                                                 for p in results[variant][1]["plots"])))
        png, size, colours = check_screenshot(chromium, args.workdir, *results["normal"])
        print("screenshot %s: %dx%d, %d colours in a 1/35 sample" % (png, size[0], size[1],
                                                                     colours))
    except (CheckFailed, subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
        print("FAIL: %s" % e, file=sys.stderr)
        return 1
    print("html report renders in Chromium: ok (%.1f s)" % (time.monotonic() - start))
    return 0


if __name__ == "__main__":
    sys.exit(main())
