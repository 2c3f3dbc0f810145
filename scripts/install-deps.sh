#!/usr/bin/env bash
# Installs the Debian packages medfed needs, skipping what is already installed.
#
#   scripts/install-deps.sh            build + test dependencies
#   scripts/install-deps.sh --reference  also the reference tools (R + survival + data.table,
#                                        plink1.9, plink2) used by bench/ and by the scripts that
#                                        regenerate the golden numbers in tests/golden/
#
# Every dependency is a Debian package (docs/decisions.md explains each one); nothing is
# downloaded from anywhere else.
set -euo pipefail

build_packages=(
  cmake ninja-build g++ pkg-config make
  libgtest-dev libgmock-dev libbenchmark-dev
  libabsl-dev
  libeigen3-dev libboost-dev
  libprotobuf-dev protobuf-compiler libgrpc++-dev protobuf-compiler-grpc
  libssl-dev libsodium-dev libgmp-dev
  libhts-dev libsqlite3-dev zlib1g-dev
  libtoml11-dev nlohmann-json3-dev libcli11-dev
  openssl
  clang libclang-rt-14-dev clang-format clang-tidy
)
reference_packages=(
  r-base-core r-cran-survival r-cran-data.table
  plink1.9 plink2
)

wanted=("${build_packages[@]}")
if [[ "${1:-}" == "--reference" ]]; then
  wanted+=("${reference_packages[@]}")
fi

missing=()
for package in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#wanted[@]} packages already installed" >&2
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then
    sudo_cmd=(sudo)
  else
    echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done" >&2
