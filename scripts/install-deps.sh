#!/usr/bin/env bash
# Installs every build and test dependency of rasbroker from Debian 12 packages.
# The one list of dependencies: CMake, CI and the README all rely on this script.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  g++-mingw-w64-x86-64-posix     # Windows cross compiler, posix thread model
  clang libclang-rt-dev          # the linux-fuzz preset: clang++ and libFuzzer (+ ASan/UBSan runtimes)
  wine64 wine                    # runs the Windows binaries and tests
  wixl                           # MSI builder
  python3                        # test and tour helpers
  libboost1.81-dev               # Asio 1.81: awaitable operators, channels, cancellation
  nlohmann-json3-dev libspdlog-dev libfmt-dev libcli11-dev
  googletest libgtest-dev libgmock-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
