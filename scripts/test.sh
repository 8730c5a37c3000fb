#!/usr/bin/env bash
# Install what is missing, build, and run chanleak's whole test suite with
# ctest: against LLVM 19 in build/, and, when LLVM 22 is installed, against
# LLVM 22 in build-llvm22/ too. Ends with each build's ctest summary and a
# line "N passed, M failed"; exits non-zero if anything failed.
#
#   scripts/test.sh
#
# Environment: CHANLEAK_BUILD_DIR (default build), CHANLEAK_BUILD_DIR_LLVM22
# (default build-llvm22), CHANLEAK_TEST_LLVM22=auto|yes|no (default auto:
# only when LLVM 22 is installed), CTEST_ARGS (extra ctest arguments).
set -uo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

build19=${CHANLEAK_BUILD_DIR:-$CHANLEAK_ROOT/build}
build22=${CHANLEAK_BUILD_DIR_LLVM22:-$CHANLEAK_ROOT/build-llvm22}
want22=${CHANLEAK_TEST_LLVM22:-auto}

# shellcheck disable=SC2046
chanleak_ensure_packages "${CHANLEAK_BASE_PACKAGES[@]}" $(chanleak_llvm_packages 19) ||
  chanleak_die "could not install the dependencies"

builds=("19:$build19")
case $want22 in
  yes) builds+=("22:$build22") ;;
  auto) chanleak_llvm_installed 22 && builds+=("22:$build22") ;;
  no) ;;
  *) chanleak_die "CHANLEAK_TEST_LLVM22 must be auto, yes or no" ;;
esac
for b in "${builds[@]}"; do
  if [ "${b%%:*}" = 22 ]; then
    # shellcheck disable=SC2046
    chanleak_ensure_packages $(chanleak_llvm_packages 22) ||
      chanleak_die "could not install the LLVM 22 packages"
  fi
done

passed=0 failed=0 summaries=()
for b in "${builds[@]}"; do
  v=${b%%:*} dir=${b#*:}
  if ! chanleak_build "$dir" "$v"; then
    summaries+=("LLVM $v ($dir): BUILD FAILED")
    failed=$((failed + 1))
    continue
  fi
  chanleak_log "testing $dir (LLVM $v)"
  log="$dir/ctest-summary.log"
  # shellcheck disable=SC2086
  ctest --test-dir "$dir" --output-on-failure -j"$(nproc)" ${CTEST_ARGS:-} 2>&1 | tee "$log"
  line=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -1)
  if [ -z "$line" ]; then
    summaries+=("LLVM $v ($dir): ctest ran no test")
    failed=$((failed + 1))
    continue
  fi
  total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
  bad=$(sed -E 's/.*passed, ([0-9]+) tests? failed.*/\1/' <<<"$line")
  passed=$((passed + total - bad))
  failed=$((failed + bad))
  summaries+=("LLVM $v ($dir): $line")
done

echo
chanleak_log "summary (${SECONDS}s)"
for s in "${summaries[@]}"; do echo "$s"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
