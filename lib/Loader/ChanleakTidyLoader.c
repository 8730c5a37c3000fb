/*
 * libchanleak-tidy.so: the version-guarded loader for chanleak's clang-tidy
 * module.
 *
 * clang-tidy plugins are C++ shared objects that resolve clang-tidy's symbols
 * from the host process, so loading one built against another LLVM either
 * fails with an unreadable "undefined symbol" error or, worse, loads and
 * crashes. This shim has no LLVM dependency at all. Its ELF constructor finds
 * the LLVM major version of the host process and, only if it is the one the
 * shim was built for, loads the real module (libchanleak-tidy-impl.so, next to
 * the shim) so that its static registrations land in clang-tidy's module
 * registry. Otherwise it prints exactly one line naming both versions and
 * leaves clang-tidy alone.
 */
#include "HostLLVM.h"
#include <stddef.h>

#ifndef CHANLEAK_BUILT_LLVM_MAJOR
#error "CHANLEAK_BUILT_LLVM_MAJOR must be defined (LLVM_VERSION_MAJOR)"
#endif

static void *chanleak_impl_handle;

__attribute__((constructor)) static void chanleak_tidy_load(void) {
  chanleak_impl_handle =
      chanleak_load_impl(CHANLEAK_BUILT_LLVM_MAJOR, "libchanleak-tidy.so", "clang-tidy", "checks",
                         "libchanleak-tidy-impl.so", (void *)&chanleak_tidy_load);
}

/* For tools and tests that dlopen the shim directly. */
__attribute__((visibility("default"))) unsigned
chanleak_tidy_loader_built_llvm_major(void) {
  return CHANLEAK_BUILT_LLVM_MAJOR;
}

__attribute__((visibility("default"))) int chanleak_tidy_impl_loaded(void) {
  return chanleak_impl_handle != NULL;
}
