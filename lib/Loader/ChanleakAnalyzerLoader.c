/*
 * libchanleak-analyzer.so: the version-guarded loader for chanleak's Clang
 * Static Analyzer checkers (`clang --analyze -Xclang -load -Xclang <this>`,
 * `scan-build -load-plugin <this>`).
 *
 * clang asks a checker plugin for two symbols: clang_analyzerAPIVersionString,
 * which it compares with its own version, and clang_registerCheckers, which
 * it calls with its checker registry. This shim defines both without any
 * LLVM dependency. Its ELF constructor loads the real checkers
 * (libchanleak-analyzer-impl.so, next to the shim) only into a clang of the
 * LLVM it was built for, and says so in one line otherwise; the registration
 * is forwarded to them.
 */
#include "HostLLVM.h"
#include "clang/Basic/Version.inc"
#include <dlfcn.h>
#include <stddef.h>

#ifndef CHANLEAK_BUILT_LLVM_MAJOR
#error "CHANLEAK_BUILT_LLVM_MAJOR must be defined (LLVM_VERSION_MAJOR)"
#endif

typedef void (*register_checkers_fn)(void *registry);

static void *chanleak_impl_handle;

__attribute__((constructor)) static void chanleak_analyzer_load(void) {
  chanleak_impl_handle = chanleak_load_impl(CHANLEAK_BUILT_LLVM_MAJOR, "libchanleak-analyzer.so",
                                            "clang", "checkers", "libchanleak-analyzer-impl.so",
                                            (void *)&chanleak_analyzer_load);
}

/* clang refuses a plugin whose string differs from its own. */
__attribute__((visibility("default"))) const char clang_analyzerAPIVersionString[] =
    CLANG_VERSION_STRING;

/* Called with a clang::ento::CheckerRegistry &. */
__attribute__((visibility("default"))) void clang_registerCheckers(void *registry) {
  if (!chanleak_impl_handle)
    return;
  register_checkers_fn impl_register =
      (register_checkers_fn)dlsym(chanleak_impl_handle, "chanleak_register_checkers");
  if (impl_register)
    impl_register(registry);
}

/* For tools and tests that dlopen the shim directly. */
__attribute__((visibility("default"))) int chanleak_analyzer_impl_loaded(void) {
  return chanleak_impl_handle != NULL;
}
