#!/usr/bin/env bash
# Installs every Debian 12 (bookworm) package StyleDNA needs to build, test and
# run. Idempotent: installs only what is missing. Uses sudo when not root.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config ccache git
  libtorch-dev
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libsndfile1-dev libsoxr-dev libebur128-dev libkissfft-dev libeigen3-dev
  libhnswlib-dev liboscpack-dev libspdlog-dev libsqlite3-dev sqlite3 libssl-dev
  nlohmann-json3-dev libcli11-dev catch2
  python3 python3-grpcio python3-grpc-tools python3-numpy
  python3-torch  # OpenL3 parity test (tests/unit/models/openl3_parity.py)
  clang clang-format libclang-rt-14-dev
  aubio-tools bpm-tools sox
  chromium  # HTML report check in headless Chromium (tests/unit/gap_report/chromium_check.py)
  # real-music tempo corpus (bench/real_tempo): renderers and the pieces
  hydrogen fluidsynth fluid-soundfont-gm openmpt123 python3-mido
  openttd-openmsx planetblupi-music-midi tecnoballz-data ironseed-data
  heroes-sound-tracks gl-117-data
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
echo "setup: installing ${missing[*]}"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
