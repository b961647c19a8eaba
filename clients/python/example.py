#!/usr/bin/python3
"""Ask stylednad for its status, then analyse each FILE and print a summary.

    /usr/bin/python3 clients/python/example.py --socket PATH FILE...

Exit status: 0 when every file was analysed, 1 when any failed (one line per
failure on stderr: `example.py: <daemon's message>`), 2 when the daemon does
not answer.
"""

import argparse
import os
import sys

import grpc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import styledna_client as sd  # noqa: E402


def default_socket():
    if os.environ.get("STYLEDNA_SOCKET"):
        return os.environ["STYLEDNA_SOCKET"]
    if os.environ.get("XDG_RUNTIME_DIR"):
        return os.path.join(os.environ["XDG_RUNTIME_DIR"], "styledna", "stylednad.sock")
    return f"/tmp/styledna-{os.getuid()}/stylednad.sock"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--socket", default=default_socket(), help="daemon Unix socket")
    parser.add_argument("--proto-root", default=None, help="folder holding styledna/v1/*.proto")
    parser.add_argument("--force", action="store_true", help="ignore the daemon's cache")
    parser.add_argument("files", nargs="+", metavar="FILE")
    args = parser.parse_args(argv)

    sd.generate_stubs(args.proto_root)
    stub = sd.connect(args.socket)
    try:
        st = sd.status(stub, timeout=5.0)
    except grpc.RpcError as e:
        print(f"example.py: daemon on {args.socket} does not answer: "
              f"{e.code().name}: {e.details()}", file=sys.stderr)
        return 2
    print(f"stylednad {st.version} (analyser {st.analyzer_version}), pid {st.pid}, "
          f"{st.analyses_stored} analyses stored")

    failures = 0
    for path in args.files:
        try:
            a = sd.analyze(stub, path, force=args.force)
        except grpc.RpcError as e:
            failures += 1
            print(f"example.py: {e.code().name}: {e.details()}", file=sys.stderr)
            continue
        print(f"{a.path}: {a.format.container} {a.format.encoding}, {a.channels} ch, "
              f"{a.sample_rate_hz:.0f} Hz, {a.duration_s:.2f} s, peak {a.peak_dbfs:.2f} dBFS, "
              f"rms {a.rms_dbfs:.2f} dBFS, {len(a.features)} features"
              f"{' (cached)' if a.cached else ''}, sha256 {a.content_hash[:12]}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
