"""A small Python client for stylednad (the StyleDNA daemon).

Stubs are generated at run time from proto/styledna/v1/styledna.proto with
grpc_tools (Debian: python3-grpcio, python3-grpc-tools; run with
/usr/bin/python3); nothing generated is committed.

    import styledna_client as sd
    stub = sd.connect("/run/user/1000/styledna/stylednad.sock")
    print(sd.status(stub).version)
    analysis = sd.analyze(stub, "/abs/path/track.wav")
    print(analysis.duration_s, analysis.peak_dbfs)

Paths sent to the daemon are paths on the daemon's machine; analyze() makes a
relative path absolute against the caller's working directory.
"""

import atexit
import os
import shutil
import sys
import tempfile

import grpc

PROTO_FILE = "styledna/v1/styledna.proto"
DEFAULT_PROTO_ROOT = os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "proto"))

_stubs = None  # (pb2, pb2_grpc) once generated


def generate_stubs(proto_root=None, out_dir=None):
    """Generate the Python stubs for styledna.v1 into out_dir, import them.

    proto_root: folder holding styledna/v1/styledna.proto (default: the
    repository's proto/, or $STYLEDNA_PROTO_ROOT). out_dir: where the *_pb2
    modules go (default: a temporary folder removed at exit). out_dir is put
    on sys.path. Returns (styledna_pb2, styledna_pb2_grpc).
    """
    global _stubs
    from grpc_tools import protoc  # imported late: only needed here

    proto_root = proto_root or os.environ.get("STYLEDNA_PROTO_ROOT") or DEFAULT_PROTO_ROOT
    if out_dir is None:
        out_dir = tempfile.mkdtemp(prefix="styledna-stubs-")
        atexit.register(shutil.rmtree, out_dir, True)
    os.makedirs(out_dir, exist_ok=True)
    if not os.path.isfile(os.path.join(proto_root, PROTO_FILE)):
        raise FileNotFoundError(f"{proto_root}: no {PROTO_FILE} under it")
    well_known = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    args = ["grpc_tools.protoc", f"-I{proto_root}", f"-I{well_known}",
            f"--python_out={out_dir}", f"--grpc_python_out={out_dir}", PROTO_FILE]
    if protoc.main(args) != 0:
        raise RuntimeError(f"grpc_tools.protoc failed for {proto_root}/{PROTO_FILE}")
    # protoc writes styledna/v1/*.py; make the folders importable packages.
    for pkg in ("styledna", os.path.join("styledna", "v1")):
        init = os.path.join(out_dir, pkg, "__init__.py")
        if not os.path.exists(init):
            open(init, "w").close()
    if out_dir not in sys.path:
        sys.path.insert(0, out_dir)
    from styledna.v1 import styledna_pb2, styledna_pb2_grpc
    _stubs = (styledna_pb2, styledna_pb2_grpc)
    return _stubs


def stubs():
    """(pb2, pb2_grpc), generating them with the defaults on first use."""
    return _stubs if _stubs is not None else generate_stubs()


def channel_target(address):
    """'unix:PATH' for a socket path, the address itself for 'host:port'."""
    if address.startswith(("unix:", "dns:", "ipv4:", "ipv6:")):
        return address
    if os.sep in address or address.endswith(".sock"):
        return "unix:" + os.path.abspath(address)
    return address


def connect(socket_path, token=None):
    """A StyleDna stub on a Unix socket path (or 'host:port' for TCP).

    token: bearer token sent on every call (needed on TCP when the daemon
    runs with --token-file). The stub's `channel` attribute is its channel:
    close it when done (the daemon's graceful shutdown waits for connected
    clients).
    """
    _, pb2_grpc = stubs()
    options = [("grpc.max_receive_message_length", 64 << 20)]
    channel = grpc.insecure_channel(channel_target(socket_path), options=options)
    if token:
        channel = grpc.intercept_channel(channel, _BearerToken(token))
    stub = pb2_grpc.StyleDnaStub(channel)
    stub.channel = channel
    return stub


def status(stub, timeout=10.0):
    """The daemon's DaemonStatus."""
    pb2, _ = stubs()
    return stub.GetStatus(pb2.GetStatusRequest(), timeout=timeout)


def analyze(stub, path, force=False, include_series=False, on_progress=None, timeout=None):
    """Analyse one file; consumes the progress stream, returns the TrackAnalysis.

    on_progress(Progress) is called for each progress event. Raises
    grpc.RpcError with the daemon's status (e.g. NOT_FOUND, INVALID_ARGUMENT)
    on failure, RuntimeError if the stream ended without an analysis.
    """
    pb2, _ = stubs()
    request = pb2.AnalyzeTrackRequest(path=os.path.abspath(path), force=force,
                                      include_series=include_series)
    analysis = None
    for event in stub.AnalyzeTrack(request, timeout=timeout):
        kind = event.WhichOneof("event")
        if kind == "progress" and on_progress is not None:
            on_progress(event.progress)
        elif kind == "analysis":
            analysis = event.analysis
    if analysis is None:
        raise RuntimeError(f"{path}: the daemon sent no analysis")
    return analysis


class _BearerToken(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor):
    """Adds 'authorization: Bearer <token>' to every call's metadata."""

    def __init__(self, token):
        self._metadata = ("authorization", "Bearer " + token)

    def _details(self, details):
        return _CallDetails(details, list(details.metadata or []) + [self._metadata])

    def intercept_unary_unary(self, continuation, details, request):
        return continuation(self._details(details), request)

    def intercept_unary_stream(self, continuation, details, request):
        return continuation(self._details(details), request)


class _CallDetails(grpc.ClientCallDetails):
    def __init__(self, base, metadata):
        self.method = base.method
        self.timeout = base.timeout
        self.metadata = metadata
        self.credentials = base.credentials
        self.wait_for_ready = getattr(base, "wait_for_ready", None)
        self.compression = getattr(base, "compression", None)
