//===- Modules.cpp - Loaded objects and their segments -------------------===//
#include "RuntimeInternal.h"

#include <climits>
#include <cstdlib>
#include <link.h>
#include <sys/auxv.h>
#include <unistd.h>

using namespace chanleak;
using namespace chanleak::rt;

namespace {

int addModule(dl_phdr_info *Info, std::size_t, void *Data) {
  auto *Modules = static_cast<std::vector<Module> *>(Data);
  Module M;
  M.Path = Info->dlpi_name ? Info->dlpi_name : "";
  if (M.Path.empty())
    M.Path = executablePath(); // the main program has no name here
  M.Bias = Info->dlpi_addr;
  for (int I = 0; I < Info->dlpi_phnum; ++I) {
    const ElfW(Phdr) &Header = Info->dlpi_phdr[I];
    if (Header.p_type != PT_LOAD)
      continue;
    std::uintptr_t Begin = Info->dlpi_addr + Header.p_vaddr;
    std::pair<std::uintptr_t, std::uintptr_t> Range(Begin, Begin + Header.p_memsz);
    M.Segments.push_back(Range);
    if (Header.p_flags & PF_W)
      M.Writable.push_back(Range);
    if (Header.p_flags & PF_X)
      M.Executable.push_back(Range);
  }
  if (!M.Segments.empty())
    Modules->push_back(std::move(M));
  return 0;
}

bool contains(const std::vector<std::pair<std::uintptr_t, std::uintptr_t>> &Ranges,
              std::uintptr_t Address) {
  for (const auto &Range : Ranges)
    if (Address >= Range.first && Address < Range.second)
      return true;
  return false;
}

} // namespace

namespace {
/// The path the program was started by, resolved against the directory it
/// started in: taken when the library loads, before the program can chdir.
const std::string StartedAs = [] {
  const char *ExecFn = reinterpret_cast<const char *>(getauxval(AT_EXECFN));
  char Resolved[PATH_MAX];
  return ExecFn && realpath(ExecFn, Resolved) ? std::string(Resolved) : std::string();
}();
} // namespace

std::string chanleak::rt::executablePath() {
  char Path[PATH_MAX];
  ssize_t Size = readlink("/proc/self/exe", Path, sizeof(Path) - 1);
  // Without /proc, the path the kernel was given at exec.
  return Size > 0 ? std::string(Path, Size) : StartedAs;
}

std::string chanleak::rt::hexString(std::uintptr_t Value) {
  char Buffer[32];
  std::snprintf(Buffer, sizeof(Buffer), "0x%zx", static_cast<std::size_t>(Value));
  return Buffer;
}

ModuleMap::ModuleMap() { dl_iterate_phdr(addModule, &Modules); }

const Module *ModuleMap::find(std::uintptr_t Address) const {
  for (const Module &M : Modules)
    if (contains(M.Segments, Address))
      return &M;
  return nullptr;
}

std::vector<std::pair<std::uintptr_t, std::uintptr_t>> ModuleMap::executableRanges() const {
  std::vector<std::pair<std::uintptr_t, std::uintptr_t>> Ranges;
  for (const Module &M : Modules)
    Ranges.insert(Ranges.end(), M.Executable.begin(), M.Executable.end());
  return Ranges;
}

const Module *ModuleMap::findWritable(std::uintptr_t Address) const {
  for (const Module &M : Modules)
    if (contains(M.Writable, Address))
      return &M;
  return nullptr;
}
