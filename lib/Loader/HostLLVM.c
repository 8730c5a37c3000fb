/* See HostLLVM.h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "HostLLVM.h"
#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*llvm_get_version_fn)(unsigned *, unsigned *, unsigned *);

/* Parses the major version out of a loaded object's path if its file name is
 * libLLVM.so.<N>[.<M>...] or libLLVM-<N>.so. Returns 0 when it is neither. */
static unsigned major_from_object_name(const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  const char *digits = NULL;
  if (strncmp(base, "libLLVM.so.", 11) == 0)
    digits = base + 11;
  else if (strncmp(base, "libLLVM-", 8) == 0)
    digits = base + 8;
  if (!digits || *digits < '1' || *digits > '9')
    return 0;
  char *end = NULL;
  unsigned long major = strtoul(digits, &end, 10);
  if (base[7] == '-' && strncmp(end, ".so", 3) != 0)
    return 0;
  if (base[7] == '.' && *end != '\0' && *end != '.')
    return 0;
  return major < 1000 ? (unsigned)major : 0;
}

static int find_libllvm(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  if (!info->dlpi_name)
    return 0;
  unsigned major = major_from_object_name(info->dlpi_name);
  if (major) {
    *(unsigned *)data = major;
    return 1; /* stop iterating */
  }
  return 0;
}

/* The LLVM major version of the process we were loaded into, or 0. */
unsigned chanleak_host_llvm_major(void) {
  llvm_get_version_fn get_version =
      (llvm_get_version_fn)dlsym(RTLD_DEFAULT, "LLVMGetVersion");
  if (get_version) {
    unsigned major = 0, minor = 0, patch = 0;
    get_version(&major, &minor, &patch);
    if (major)
      return major;
  }
  /* LLVMGetVersion exists since LLVM 16; older hosts or hosts that do not
   * export the C API: look for the libLLVM they loaded. */
  unsigned major = 0;
  dl_iterate_phdr(find_libllvm, &major);
  return major;
}

/* Directory of the shared object holding `anchor`, with a trailing '/', or
 * "" if unknown. */
static void shim_directory(void *anchor, char *buf, size_t size) {
  Dl_info info;
  buf[0] = '\0';
  if (!dladdr(anchor, &info) || !info.dli_fname)
    return;
  const char *slash = strrchr(info.dli_fname, '/');
  if (!slash)
    return;
  size_t len = (size_t)(slash - info.dli_fname) + 1;
  if (len >= size)
    return;
  memcpy(buf, info.dli_fname, len);
  buf[len] = '\0';
}

void *chanleak_load_impl(unsigned built, const char *shim, const char *tool, const char *what,
                         const char *impl, void *anchor) {
  unsigned host = chanleak_host_llvm_major();
  if (host == 0) {
    fprintf(stderr,
            "error: chanleak: %s was built for LLVM %u but cannot tell which LLVM this "
            "process uses (no LLVMGetVersion, no libLLVM loaded); not loading the "
            "chanleak %s\n",
            shim, built, what);
    return NULL;
  }
  if (host != built) {
    fprintf(stderr,
            "error: chanleak: %s was built for LLVM %u but this %s is LLVM %u; rebuild "
            "chanleak with -DCHANLEAK_LLVM_VERSION=%u\n",
            shim, built, tool, host, host);
    return NULL;
  }
  char path[4096];
  shim_directory(anchor, path, sizeof path);
  if (strlen(path) + strlen(impl) + 1 > sizeof path)
    path[0] = '\0';
  strcat(path, impl);
  void *handle = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
  if (!handle) {
    const char *why = dlerror();
    /* dlerror() already names the file; keep it to one line. */
    fprintf(stderr, "error: chanleak: cannot load the chanleak %s: %s\n", what,
            why ? why : path);
  }
  return handle;
}
