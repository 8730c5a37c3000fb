#!/usr/bin/env bash
# Install what is missing, build chanleak against LLVM 19 in build/, run its
# clang-tidy checks over the bundled patterns/ catalogue, printing the
# findings, then run every program under the runtime (`chanleak verify`) and
# print which findings a leaked thread confirms.
#
#   scripts/chanleak-catalogue.sh [extra args for test/patterns/check_catalogue.py]
#
# CHANLEAK_VERIFY=0 skips the runtime stage.
# Environment: CHANLEAK_LLVM_VERSION (default 19), CHANLEAK_BUILD_DIR
# (default build for 19, build-llvm<N> otherwise).
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

v=${CHANLEAK_LLVM_VERSION:-19}
if [ "$v" = 19 ]; then default_dir=$CHANLEAK_ROOT/build; else default_dir=$CHANLEAK_ROOT/build-llvm$v; fi
dir=${CHANLEAK_BUILD_DIR:-$default_dir}

# shellcheck disable=SC2046
chanleak_ensure_packages "${CHANLEAK_BASE_PACKAGES[@]}" $(chanleak_llvm_packages "$v")
chanleak_build "$dir" "$v"

clang_tidy=/usr/lib/llvm-$v/bin/clang-tidy
plugin=$dir/lib/libchanleak-tidy.so
cd "$CHANLEAK_ROOT"
chanleak_log "chanleak findings over patterns/"
python3 test/patterns/check_catalogue.py --list --clang-tidy "$clang_tidy" \
  --plugin "$plugin" -p "$dir" --patterns patterns "$@"
[ "${CHANLEAK_VERIFY:-1}" = 0 ] && exit 0
chanleak_log "the same findings verified by running each program under libchanleak-rt"
exec python3 test/verify/verify_catalogue.py --chanleak "$dir/bin/chanleak" -p "$dir" \
  --patterns patterns
