# Shared by scripts/*.sh: package lists, dependency install, configure+build.
# shellcheck shell=bash

CHANLEAK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# What every build needs, and what each LLVM version adds.
CHANLEAK_BASE_PACKAGES=(cmake ninja-build g++ make python3 zlib1g-dev
  libboost1.81-dev libboost-fiber1.81-dev libasio-dev libgtest-dev libbenchmark-dev nlohmann-json3-dev
  libc6-dev-arm64-cross libstdc++-12-dev-arm64-cross)
chanleak_llvm_packages() {
  local v=$1
  echo "llvm-$v-dev libclang-$v-dev clang-$v clang-tidy-$v clang-tools-$v llvm-$v-tools"
}

chanleak_log() { printf '==> %s\n' "$*"; }
chanleak_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

chanleak_as_root() {
  if [ "$(id -u)" = 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    chanleak_die "need root (or sudo) to run: $*"
  fi
}

# chanleak_ensure_packages PKG...: apt-get install the ones not installed yet
# (and nothing at all when every one is there).
chanleak_ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
      missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 ||
    chanleak_die "missing packages ${missing[*]} and no apt-get (chanleak's scripts target Debian 12)"
  chanleak_log "installing missing packages: ${missing[*]}"
  chanleak_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  chanleak_as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# chanleak_llvm_installed V: is LLVM V there to build and test against?
chanleak_llvm_installed() {
  [ -x "/usr/lib/llvm-$1/bin/clang-tidy" ] || [ -f "/usr/lib/llvm-$1/lib/cmake/llvm/LLVMConfig.cmake" ]
}

# chanleak_build DIR LLVM_VERSION: configure (once) and build.
chanleak_build() {
  local dir=$1 v=$2 gen=()
  if [ ! -f "$dir/CMakeCache.txt" ] && command -v ninja >/dev/null 2>&1; then
    gen=(-G Ninja)
  fi
  chanleak_log "configuring $dir against LLVM $v"
  cmake -S "$CHANLEAK_ROOT" -B "$dir" "${gen[@]}" \
    -DCMAKE_BUILD_TYPE=Release -DCHANLEAK_LLVM_VERSION="$v" || return 1
  chanleak_log "building $dir"
  cmake --build "$dir" -j"$(nproc)" || return 1
}
