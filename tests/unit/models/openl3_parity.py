#!/usr/bin/env python3
"""OpenL3 parity: StyleDNA's LibTorch backbone (models/openl3_backbone.cpp, run through
tests/tools/openl3_embed_tool) against an independent reference written here with numpy
(front end, float64) and PyTorch (network, float32), on identical seeded random weights.

Random weights stand in for the trained ones (which cannot be downloaded here): He-normal
convolutions, BatchNorm statistics calibrated on the test audio so every layer works at
unit scale as a trained network does. Two cases:
  A  2.2 s of chirp + tones + noise, hop 0.5 s, centred windows, 2 windows per batch
     (5 windows: framing, batching with a remainder); filterbank computed by each side
  B  0.6 s, hop 1 s, uncentred (1 zero-padded window); the archive carries its own
     filterbank (kapre's with every band rescaled), which the backbone must use
Checks: window start times equal; mel images within 1e-4 dB (float32 holds values up to
80 dB to ~8e-6); embeddings within 1e-4 absolute (values of order 1; both sides run
float32 convolutions over up to 4608 terms, ~1e-6 relative apart).

Needs Debian's python3-torch and python3-numpy (scripts/setup.sh); fails, never skips,
without them. Usage: openl3_parity.py --tool PATH/openl3_embed_tool --workdir DIR
"""

import argparse
import os
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                                "models"))
import convert_openl3_weights as archive  # noqa: E402  (reader, writer, kapre filterbank)

RATE = 48000
WINDOW = 48000
FFT = 2048
HOP = 242
FRAMES = 199
PAD = 982
EMBEDDING_TOLERANCE = 1e-4
MEL_TOLERANCE_DB = 1e-4


def frame_signal(audio, hop_s, center):
    """openl3.get_audio_embedding's framing: (windows [n x 48000], start_s [n])."""
    hop = int(round(hop_s * RATE))
    lead = WINDOW // 2 if center else 0
    padded = np.concatenate([np.zeros(lead), audio])
    n = 1 if len(padded) <= WINDOW else 1 + int(np.ceil((len(padded) - WINDOW) / hop))
    padded = np.pad(padded, (0, max(0, (n - 1) * hop + WINDOW - len(padded))))
    windows = np.stack([padded[i * hop:i * hop + WINDOW] for i in range(n)])
    return windows.astype(np.float32), (np.arange(n) * hop - lead) / RATE


def front_end(windows, mel_basis):
    """[n x 48000] -> [n x 1 x 256 x 199] float32 dB, in float64 with numpy's FFT."""
    x = np.pad(windows.astype(np.float64), ((0, 0), (PAD, PAD)))
    index = np.arange(FRAMES)[:, None] * HOP + np.arange(FFT)[None, :]
    hann = 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(FFT) / FFT)
    spectrum = np.fft.rfft(x[:, index] * hann, axis=-1)
    mel = (spectrum.real ** 2 + spectrum.imag ** 2) @ mel_basis.T
    db = 10.0 * np.log10(np.maximum(np.sqrt(mel), 1e-10))
    db = np.maximum(db - db.max(axis=(1, 2), keepdims=True), -80.0)
    return torch.from_numpy(db.transpose(0, 2, 1)[:, None].astype(np.float32))


def network(image, w, calibrate=None):
    """The OpenL3 mel256 convnet. With `calibrate` (a torch.Generator), sets every BatchNorm's
    running statistics from the activations it sees (plus noise) before applying it."""
    def batch_norm(y, name):
        if calibrate is not None:
            mean = y.mean(dim=(0, 2, 3))
            var = y.var(dim=(0, 2, 3))
            c = mean.numel()
            w[name + ".running_mean"] = mean + 0.1 * var.sqrt() * torch.randn(c, generator=calibrate)
            w[name + ".running_var"] = var * (0.8 + 0.45 * torch.rand(c, generator=calibrate))
        return F.batch_norm(y, w[name + ".running_mean"], w[name + ".running_var"],
                            w[name + ".weight"], w[name + ".bias"], False, 0.0, 1e-3)

    y = batch_norm(image, "bn0")
    for i in range(1, 9):
        y = F.conv2d(y, w["conv%d.weight" % i], w["conv%d.bias" % i], padding=1)
        if i == 8:
            break
        y = F.relu(batch_norm(y, "bn%d" % i))
        if i in (2, 4, 6):
            y = F.max_pool2d(y, 2, 2)
    y = F.max_pool2d(y, 8, 8)
    assert tuple(y.shape[1:]) == (512, 4, 3), y.shape
    return y.permute(0, 2, 3, 1).reshape(y.shape[0], -1)


def random_weights(seed, calibration_images):
    g = torch.Generator().manual_seed(seed)
    w = {}
    channels = [1]
    for i, (cin, cout) in enumerate(archive.CONV_SHAPES, start=1):
        w["conv%d.weight" % i] = torch.randn(cout, cin, 3, 3, generator=g) * (2.0 / (cin * 9)) ** 0.5
        w["conv%d.bias" % i] = 0.05 * torch.randn(cout, generator=g)
        channels.append(cout)
    for i, c in enumerate(channels[:8]):
        w["bn%d.weight" % i] = 1.0 + 0.1 * torch.randn(c, generator=g)
        w["bn%d.bias" % i] = 0.1 * torch.randn(c, generator=g)
    with torch.no_grad():
        network(calibration_images, w, calibrate=g)
    return w


def test_signal(seconds, seed):
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    chirp = np.sin(2 * np.pi * (100.0 * t + 0.5 * (12000.0 - 100.0) / seconds * t ** 2))
    tones = 0.5 * np.sin(2 * np.pi * 440.0 * t) + 0.3 * np.sin(2 * np.pi * 3520.0 * t)
    envelope = 0.6 + 0.4 * np.sin(2 * np.pi * 2.0 * t)
    return (0.3 * envelope * (chirp + tones) + 0.05 * rng.standard_normal(t.size)).astype(np.float32)


def run_case(name, tool, workdir, audio, hop_s, center, batch_windows, weights, mel_basis,
             store_basis, check_windows):
    weights_path = os.path.join(workdir, name + "_weights.sdnt")
    input_path = os.path.join(workdir, name + "_input.sdnt")
    output_path = os.path.join(workdir, name + "_output.sdnt")
    tensors = {k: v.numpy() for k, v in weights.items()}
    if store_basis:
        tensors["frontend.mel_basis"] = mel_basis
    archive.write_archive(weights_path, tensors, {"format": archive.FORMAT,
                                                  "content_type": "random-parity-test"})
    windows, start_s = frame_signal(audio, hop_s, center)
    inputs = {"audio": audio}
    if check_windows:
        inputs["windows"] = windows[:check_windows]
    archive.write_archive(input_path, inputs, {"hop_s": repr(hop_s), "center": "1" if center else "0",
                                               "batch_windows": str(batch_windows)})

    started = time.time()
    with torch.no_grad():
        images = front_end(windows, mel_basis)
        expected = network(images, weights).numpy()
    reference_s = time.time() - started
    started = time.time()
    subprocess.run([tool, weights_path, input_path, output_path], check=True)
    tool_s = time.time() - started
    got, _ = archive.read_archive(output_path)

    failures = []
    if got["embedding"].shape != expected.shape:
        return ["%s: embedding shape %s, expected %s" % (name, got["embedding"].shape,
                                                          expected.shape)]
    if not np.array_equal(got["start_s"], start_s.astype(np.float32)):
        failures.append("%s: start_s %s, expected %s" % (name, got["start_s"], start_s))
    diff = float(np.abs(got["embedding"] - expected).max())
    scale = float(np.abs(expected).max())
    print("%s: %d windows, embedding max abs diff %.3g (largest |value| %.3g); reference %.1f s, "
          "StyleDNA %.1f s" % (name, expected.shape[0], diff, scale, reference_s, tool_s))
    if not diff <= EMBEDDING_TOLERANCE:
        failures.append("%s: embedding max abs diff %.3g > %.0e" % (name, diff, EMBEDDING_TOLERANCE))
    if check_windows:
        mel_diff = float(np.abs(got["windows_mel"] - images[:check_windows, 0].numpy()).max())
        direct_diff = float(np.abs(got["windows_embedding"] - expected[:check_windows]).max())
        print("%s: mel image max abs diff %.3g dB; embedWindows max abs diff %.3g"
              % (name, mel_diff, direct_diff))
        if not mel_diff <= MEL_TOLERANCE_DB:
            failures.append("%s: mel max abs diff %.3g dB > %.0e" % (name, mel_diff,
                                                                     MEL_TOLERANCE_DB))
        if not direct_diff <= EMBEDDING_TOLERANCE:
            failures.append("%s: embedWindows max abs diff %.3g" % (name, direct_diff))
    if scale < 1e-2:
        failures.append("%s: reference embedding is ~0 (%.3g): the test would prove nothing"
                        % (name, scale))
    return failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tool", required=True)
    parser.add_argument("--workdir", required=True)
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    torch.manual_seed(0)

    basis = archive.kapre_mel_basis()
    audio_a = test_signal(2.2, seed=1)
    windows_a, _ = frame_signal(audio_a, 0.5, True)
    weights = random_weights(1234, front_end(windows_a, basis))

    failures = run_case("A", args.tool, args.workdir, audio_a, 0.5, True, 2, weights, basis,
                        store_basis=False, check_windows=2)
    rescaled = basis * np.random.default_rng(7).uniform(0.5, 2.0, size=(basis.shape[0], 1))
    failures += run_case("B", args.tool, args.workdir, test_signal(0.6, seed=2), 1.0, False, 4,
                         weights, rescaled, store_basis=True, check_windows=0)
    for f in failures:
        print("FAIL", f)
    print("openl3 parity:", "FAILED" if failures else "passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
