/*
 * What both version-guarded shims (libchanleak-tidy.so and
 * libchanleak-analyzer.so) need: the LLVM major version of the process they
 * were loaded into, and the loading of their real module from their own
 * directory, with one line on stderr when either goes wrong.
 */
#ifndef CHANLEAK_LOADER_HOSTLLVM_H
#define CHANLEAK_LOADER_HOSTLLVM_H

/* The LLVM major version of the host process, or 0 when it cannot tell. */
unsigned chanleak_host_llvm_major(void);

/* Loads `impl` (a file name) from the directory of the shim that contains
 * `anchor` (any function of that shim), with RTLD_NOW | RTLD_GLOBAL so its
 * static registrations land in the host's registries, if the host runs the
 * LLVM `built` for. Otherwise, or when the load fails, prints one line
 * naming `shim`, `tool` (the host: "clang-tidy", "clang") and the reason,
 * and returns NULL. */
void *chanleak_load_impl(unsigned built, const char *shim, const char *tool, const char *what,
                         const char *impl, void *anchor);

#endif
