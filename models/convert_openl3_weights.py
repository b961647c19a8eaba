#!/usr/bin/env python3
"""Convert trained OpenL3 weights (audio, mel256) into StyleDNA's named-tensor archive.

StyleDNA ships no OpenL3 weights and this machine cannot download them; you fetch
them yourself and run this script once (numpy needed; h5py for .h5, torch for .pth):

  OpenL3's Keras weights (github.com/marl/openl3, models branch, e.g.
  openl3_audio_mel256_music-v0_4_0.h5.gz; gunzip it first; the v0.2 files that still
  hold the kapre spectrogram layer work too):
      convert_openl3_weights.py --keras openl3_audio_mel256_music.h5 --out openl3_music.sdnt

  torchopenl3's state dict (torchopenl3_mel256_music_6144.pth) or its pickled layer
  dict (openl3_mel256_music_layer_weights.pkl, optionally with mel256_weights.npy):
      convert_openl3_weights.py --torchopenl3 torchopenl3_mel256_music_6144.pth --out ...
      convert_openl3_weights.py --torchopenl3 openl3_mel256_music_layer_weights.pkl \
          --mel-npy mel256_weights.npy --out ...

Then point StyleDNA at the .sdnt file (OpenL3Params::weights_path). Check the result
against the reference once: embed the same WAV with openl3 (Python, hop 1 s,
center=True) and with StyleDNA, and compare the vectors (they should agree to ~1e-4
relative).

What is written (see models/openl3_backbone.hpp for the network):
  bn0, conv1, bn1, ..., conv7, bn7, conv8 (Keras: batch_normalization_1..8, conv2d_1..7,
  audio_embedding_layer, taken in network order), in torch layouts (conv kernels
  [out, in, 3, 3], Keras' [3, 3, in, out] transposed); metadata format
  "openl3-audio-mel256", content_type, source. When the source carries the mel
  filterbank it was trained with (kapre's freq2mel, torchopenl3's mel_basis), it is
  stored as frontend.mel_basis [256 x 1025] and the script prints how far it lies from
  the filterbank StyleDNA computes itself (HTK mel scale, Slaney area norm).

This file also holds the Python reader and writer of the archive format
(models/named_tensor_archive.hpp) that tests/unit/models/openl3_parity.py imports.
"""

import argparse
import os
import re
import struct
import sys

import numpy as np

MAGIC = b"SDNTAR01"
FORMAT = "openl3-audio-mel256"
CONV_SHAPES = [(1, 64), (64, 64), (64, 128), (128, 128), (128, 256), (256, 256), (256, 512),
               (512, 512)]
SAMPLE_RATE_HZ = 48000
FFT_SIZE = 2048
MEL_BANDS = 256


# ---- archive format --------------------------------------------------------------------

def write_archive(path, tensors, metadata=None):
    """tensors: name -> array (stored as float32, C order); metadata: str -> str."""
    metadata = metadata or {}
    out = bytearray(MAGIC)

    def put_string(s):
        b = s.encode("utf-8")
        if len(b) > 64 * 1024:
            raise ValueError("string longer than 64 KiB: %r" % s[:40])
        out.extend(struct.pack("<I", len(b)))
        out.extend(b)

    out.extend(struct.pack("<I", len(metadata)))
    for key in sorted(metadata):
        put_string(key)
        put_string(str(metadata[key]))
    out.extend(struct.pack("<I", len(tensors)))
    for name in sorted(tensors):
        array = np.ascontiguousarray(np.asarray(tensors[name], dtype="<f4"))
        if array.ndim > 8:
            raise ValueError("%s: rank above 8" % name)
        put_string(name)
        out.extend(struct.pack("<I", array.ndim))
        out.extend(struct.pack("<%dq" % array.ndim, *array.shape))
        out.extend(array.tobytes())
    with open(path, "wb") as f:
        f.write(bytes(out))


def read_archive(path):
    """Returns (tensors: name -> float32 array, metadata: dict)."""
    with open(path, "rb") as f:
        data = f.read()
    pos = 0

    def take(n):
        nonlocal pos
        if pos + n > len(data):
            raise ValueError("%s: truncated named-tensor archive" % path)
        chunk = data[pos:pos + n]
        pos += n
        return chunk

    def u32():
        return struct.unpack("<I", take(4))[0]

    def string():
        return take(u32()).decode("utf-8")

    if take(8) != MAGIC:
        raise ValueError("%s: not a named-tensor archive" % path)
    metadata = {}
    for _ in range(u32()):
        key = string()
        metadata[key] = string()
    tensors = {}
    for _ in range(u32()):
        name = string()
        rank = u32()
        shape = struct.unpack("<%dq" % rank, take(8 * rank))
        count = int(np.prod(shape)) if rank else 1
        tensors[name] = np.frombuffer(take(4 * count), dtype="<f4").reshape(shape).copy()
    if pos != len(data):
        raise ValueError("%s: trailing bytes" % path)
    return tensors, metadata


# ---- front end -------------------------------------------------------------------------

def kapre_mel_basis():
    """[256 x 1025] float64: HTK-mel triangles over 0..24 kHz, Slaney area normalisation
    (kapre 0.1.4's Melspectrogram with htk=True, norm=1, as OpenL3 was trained)."""
    def hz_to_mel(hz):
        return 2595.0 * np.log10(1.0 + hz / 700.0)

    def mel_to_hz(mel):
        return 700.0 * (10.0 ** (mel / 2595.0) - 1.0)

    edges = mel_to_hz(np.linspace(0.0, hz_to_mel(SAMPLE_RATE_HZ / 2.0), MEL_BANDS + 2))
    freqs = np.arange(FFT_SIZE // 2 + 1) * SAMPLE_RATE_HZ / FFT_SIZE
    basis = np.zeros((MEL_BANDS, FFT_SIZE // 2 + 1))
    for m in range(MEL_BANDS):
        rising = (freqs - edges[m]) / (edges[m + 1] - edges[m])
        falling = (edges[m + 2] - freqs) / (edges[m + 2] - edges[m + 1])
        basis[m] = np.maximum(0.0, np.minimum(rising, falling)) * 2.0 / (edges[m + 2] - edges[m])
    return basis


# ---- sources ---------------------------------------------------------------------------

def _natural_key(name):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


def _check_and_name(convs, bns, mel_basis):
    """convs: 8 (kernel [out,in,3,3], bias); bns: 8 (gamma, beta, mean, var), network order."""
    if len(convs) != 8 or len(bns) != 8:
        raise ValueError("expected 8 convolutions and 8 batch norms, found %d and %d"
                         % (len(convs), len(bns)))
    tensors = {}
    for i, ((kernel, bias), (cin, cout)) in enumerate(zip(convs, CONV_SHAPES)):
        if kernel.shape != (cout, cin, 3, 3) or bias.shape != (cout,):
            raise ValueError("conv%d: kernel %s bias %s, expected (%d, %d, 3, 3) (%d,): not the "
                             "mel256 audio network" % (i + 1, kernel.shape, bias.shape, cout, cin,
                                                       cout))
        tensors["conv%d.weight" % (i + 1)] = kernel
        tensors["conv%d.bias" % (i + 1)] = bias
    channels = [1] + [cout for _, cout in CONV_SHAPES[:7]]
    for i, (parts, c) in enumerate(zip(bns, channels)):
        for part, value in zip(("weight", "bias", "running_mean", "running_var"), parts):
            if value.shape != (c,):
                raise ValueError("bn%d.%s: shape %s, expected (%d,)" % (i, part, value.shape, c))
            tensors["bn%d.%s" % (i, part)] = value
    if mel_basis is not None:
        if mel_basis.shape == (FFT_SIZE // 2 + 1, MEL_BANDS):
            mel_basis = mel_basis.T
        if mel_basis.shape != (MEL_BANDS, FFT_SIZE // 2 + 1):
            raise ValueError("mel basis of shape %s, expected (256, 1025)" % (mel_basis.shape,))
        tensors["frontend.mel_basis"] = mel_basis
    return tensors


def from_keras_h5(path):
    import h5py  # Debian: python3-h5py

    convs, bns, mel_basis = [], [], None
    with h5py.File(path, "r") as f:
        root = f["model_weights"] if "model_weights" in f else f
        layer_names = [n.decode() if isinstance(n, bytes) else n for n in root.attrs["layer_names"]]
        for layer in layer_names:
            group = root[layer]
            names = [n.decode() if isinstance(n, bytes) else n
                     for n in group.attrs.get("weight_names", [])]
            weights = {n.split("/")[-1].split(":")[0]: np.asarray(group[n]) for n in names}
            if "moving_mean" in weights:
                bns.append((weights["gamma"], weights["beta"], weights["moving_mean"],
                            weights["moving_variance"]))
            elif "kernel" in weights and weights["kernel"].ndim == 4:
                convs.append((weights["kernel"].transpose(3, 2, 0, 1), weights["bias"]))
            else:
                # kapre 0.1.4's Melspectrogram layer (v0.2 weight files): keep its filterbank.
                for value in weights.values():
                    if value.shape == (FFT_SIZE // 2 + 1, MEL_BANDS):
                        mel_basis = value
    return convs, bns, mel_basis


def from_torchopenl3(path, mel_npy=None):
    convs, bns, mel_basis = [], [], None
    if path.endswith(".pkl"):
        layers = np.load(path, allow_pickle=True).item()
        conv_names = sorted((n for n in layers if n.startswith("conv2d_")), key=_natural_key)
        conv_names.append("audio_embedding_layer")
        bn_names = sorted((n for n in layers if n.startswith("batch_normalization_")),
                          key=_natural_key)
        convs = [(np.asarray(layers[n]["weights"]), np.asarray(layers[n]["bias"]))
                 for n in conv_names]
        bns = [tuple(np.asarray(layers[n][k]) for k in ("scale", "bias", "mean", "var"))
               for n in bn_names]
    else:
        import torch

        state = torch.load(path, map_location="cpu")
        state = {k: v.numpy() for k, v in state.items()}
        conv_names = sorted({k.rsplit(".", 1)[0] for k in state if k.startswith("conv2d_")},
                            key=_natural_key)
        conv_names.append("audio_embedding_layer")
        bn_names = sorted({k.rsplit(".", 1)[0] for k in state
                           if k.startswith("batch_normalization_")}, key=_natural_key)
        convs = [(state[n + ".weight"], state[n + ".bias"]) for n in conv_names]
        bns = [(state[n + ".weight"], state[n + ".bias"], state[n + ".running_mean"],
                state[n + ".running_var"]) for n in bn_names]
        mel_basis = state.get("speclayer.mel_basis")
    if mel_npy:
        mel_basis = np.load(mel_npy)
    return convs, bns, mel_basis


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--keras", help="OpenL3 Keras weights (.h5) of the mel256 audio model")
    source.add_argument("--torchopenl3", help="torchopenl3 mel256 weights (.pth state dict or "
                                              "layer-weights .pkl)")
    parser.add_argument("--mel-npy", help="mel filterbank .npy to store (torchopenl3's "
                                          "mel256_weights.npy)")
    parser.add_argument("--computed-mel", action="store_true",
                        help="store no filterbank: StyleDNA computes kapre's itself")
    parser.add_argument("--content-type", choices=("music", "env"),
                        help="default: read from the file name")
    parser.add_argument("--out", required=True, help="output archive (.sdnt)")
    args = parser.parse_args(argv)

    path = args.keras or args.torchopenl3
    name = os.path.basename(path)
    if "mel256" not in name:
        print("warning: %s does not say mel256; the shapes are checked below" % name,
              file=sys.stderr)
    content_type = args.content_type or ("env" if "_env" in name else
                                         "music" if "_music" in name else None)
    if content_type is None:
        parser.error("cannot tell music from env by the file name; pass --content-type")
    convs, bns, mel_basis = (from_keras_h5(path) if args.keras
                             else from_torchopenl3(path, args.mel_npy))
    if args.computed_mel:
        mel_basis = None
    tensors = _check_and_name(convs, bns, mel_basis)
    if "frontend.mel_basis" in tensors:
        stored = tensors["frontend.mel_basis"]
        ours = kapre_mel_basis()
        print("stored filterbank vs StyleDNA's: max abs diff %.3g (largest weight %.3g)"
              % (np.abs(stored - ours).max(), ours.max()))
    write_archive(args.out, tensors, {"format": FORMAT, "content_type": content_type,
                                      "source": name})
    print("wrote %s: %d tensors, content type %s" % (args.out, len(tensors), content_type))


if __name__ == "__main__":
    main()
