//===- Coroutines.cpp - C++20 coroutines that never finished --------------===//
//
// A coroutine stranded on an Asio channel is on no thread's stack: its frame
// is a heap object, and the thread that would resume it sits in
// io_context::run. GCC and clang both begin a coroutine frame with its resume
// function (clang's "f (.resume)", GCC's "f (.actor)") and its destroy
// function ("f (.destroy)"), and clear the resume function when the coroutine
// finishes; freeing a frame overwrites both words (malloc's free-list links).
// So at exit the runtime reads the process's private writable memory (with
// process_vm_readv on itself, which fails instead of faulting when another
// thread unmaps a region meanwhile) for such pairs: each is a coroutine that
// started and never finished. The symbolizer names the functions; a pair
// counts only if the resume address is where its function starts, which
// stale words inside a recycled block (Asio's allocator keeps freed frames,
// overwriting the first byte) are not, and the frame must start a malloc
// chunk (dead stack memory can hold a stale copy). Coroutines whose body is in a system
// header (Asio's co_spawn_entry_point, async_result::initiate) are the
// machinery around the user's and are left out.
//
//===----------------------------------------------------------------------===//
#include "RuntimeInternal.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sys/uio.h>
#include <unistd.h>

using namespace chanleak;
using namespace chanleak::rt;

namespace {

using Range = std::pair<std::uintptr_t, std::uintptr_t>;

/// Private writable mappings that are not files: the heap, malloc's arenas,
/// thread stacks, anonymous mmaps.
std::vector<Range> anonymousWritableRegions() {
  std::vector<Range> Regions;
  std::ifstream Maps("/proc/self/maps");
  std::string Line;
  while (std::getline(Maps, Line)) {
    unsigned long Begin = 0, End = 0, Offset = 0, Inode = 0;
    char Perms[5] = {};
    int PathAt = 0;
    if (std::sscanf(Line.c_str(), "%lx-%lx %4s %lx %*s %lu %n", &Begin, &End, Perms, &Offset,
                    &Inode, &PathAt) < 5)
      continue;
    std::string Path = Line.substr(std::min<std::size_t>(PathAt, Line.size()));
    bool Anonymous = Inode == 0 && (Path.empty() || Path == "[heap]" ||
                                    Path.compare(0, 6, "[anon:") == 0 || Path == "[stack]");
    if (Anonymous && std::strcmp(Perms, "rw-p") == 0)
      Regions.emplace_back(Begin, End);
  }
  return Regions;
}

std::size_t scanBudgetBytes() {
  const char *Env = std::getenv("CHANLEAK_COROUTINE_SCAN_MB");
  long Megabytes = Env && *Env ? std::atol(Env) : 1024;
  return static_cast<std::size_t>(std::max(0L, Megabytes)) << 20;
}

/// The code ranges of the loaded modules, sorted, for a quick first filter.
class CodeRanges {
public:
  explicit CodeRanges(const ModuleMap &Modules) : Ranges(Modules.executableRanges()) {
    std::sort(Ranges.begin(), Ranges.end());
    for (const Range &R : Ranges) {
      Lowest = std::min(Lowest, R.first);
      Highest = std::max(Highest, R.second);
    }
  }
  bool contains(std::uintptr_t Address) const {
    if (Address < Lowest || Address >= Highest) // most words: data, not code
      return false;
    auto It = std::upper_bound(Ranges.begin(), Ranges.end(), Range(Address, UINTPTR_MAX));
    return It != Ranges.begin() && Address < std::prev(It)->second;
  }

private:
  std::vector<Range> Ranges;
  std::uintptr_t Lowest = UINTPTR_MAX, Highest = 0;
};

/// Addresses of words W where W[0] and W[1] both point into code, grouped by
/// the pair; Budget bounds the bytes read.
std::map<Range, std::vector<std::uintptr_t>> codePointerPairs(const CodeRanges &Code,
                                                              std::size_t Budget) {
  constexpr std::size_t ChunkWords = 1 << 17; // 1 MiB
  constexpr std::size_t MaxFramesPerPair = 64;
  std::vector<std::uintptr_t> Chunk(ChunkWords + 1);
  std::map<Range, std::vector<std::uintptr_t>> Pairs;
  pid_t Self = getpid();
  for (const Range &Region : anonymousWritableRegions()) {
    for (std::uintptr_t At = Region.first; At < Region.second && Budget;) {
      std::size_t Bytes = std::min<std::size_t>({(ChunkWords + 1) * sizeof(std::uintptr_t),
                                                 Region.second - At, Budget});
      iovec Local{Chunk.data(), Bytes};
      iovec Remote{reinterpret_cast<void *>(At), Bytes};
      ssize_t Read = process_vm_readv(Self, &Local, 1, &Remote, 1, 0);
      if (Read <= 0)
        break; // gone, or not readable after all
      std::size_t Words = static_cast<std::size_t>(Read) / sizeof(std::uintptr_t);
      for (std::size_t I = 0; I + 1 < Words; ++I) {
        if (!Code.contains(Chunk[I]) || !Code.contains(Chunk[I + 1]))
          continue;
        std::vector<std::uintptr_t> &Frames = Pairs[{Chunk[I], Chunk[I + 1]}];
        if (Frames.size() < MaxFramesPerPair)
          Frames.push_back(At + I * sizeof(std::uintptr_t));
      }
      // The last word read starts the next chunk, so no pair is split.
      std::size_t Advance = Words > 1 ? (Words - 1) * sizeof(std::uintptr_t) : Bytes;
      At += Advance;
      Budget -= std::min(Budget, Advance);
    }
  }
  return Pairs;
}

/// "f(int)" of "f(int) (.resume)" when Function ends with one of Suffixes.
bool stripSuffix(const std::string &Function, std::initializer_list<const char *> Suffixes,
                 std::string &Base) {
  for (const char *Suffix : Suffixes) {
    std::size_t Length = std::strlen(Suffix);
    if (Function.size() > Length &&
        Function.compare(Function.size() - Length, Length, Suffix) == 0) {
      Base = Function.substr(0, Function.size() - Length);
      return true;
    }
  }
  return false;
}

/// The outermost (non-inlined) function at Address, "" when unknown.
Frame functionAt(const ModuleMap &Modules, std::uintptr_t Address) {
  const Module *M = Modules.find(Address);
  if (!M)
    return Frame();
  std::vector<Frame> Frames = symbolizeCode(M->Path, Address - M->Bias);
  return Frames.empty() ? Frame() : Frames.back();
}

bool isSystemSource(const std::string &File) {
  for (const char *Prefix : {"/usr/include/", "/usr/lib/", "/usr/local/include/"})
    if (File.compare(0, std::strlen(Prefix), Prefix) == 0)
      return true;
  return false;
}

/// The coroutine's own name: GCC names its actor after the frame type,
/// "f(f(int)::_Z1fi.Frame*)", clang after the coroutine, "f(int)".
std::string coroutineName(const std::string &Base) {
  std::size_t Open = Base.find('('), Mangled = Base.rfind("::_Z");
  if (Open == std::string::npos || Mangled == std::string::npos || Mangled < Open ||
      Base.compare(Base.size() - 8, 8, ".Frame*)") != 0)
    return Base;
  return Base.substr(Open + 1, Mangled - Open - 1);
}

/// The coroutine whose resume and destroy functions Resume and Destroy are,
/// "" unless it is a user coroutine and Resume its function's first byte.
std::string userCoroutine(const ModuleMap &Modules, std::uintptr_t Resume,
                          std::uintptr_t Destroy) {
  Frame ResumeFn = functionAt(Modules, Resume);
  std::string ResumeBase, DestroyBase;
  if (!stripSuffix(ResumeFn.Function, {" (.resume)", " (.actor)"}, ResumeBase) ||
      isSystemSource(ResumeFn.File))
    return std::string();
  if (!stripSuffix(functionAt(Modules, Destroy).Function, {" (.destroy)"}, DestroyBase) ||
      DestroyBase != ResumeBase ||
      functionAt(Modules, Resume - 1).Function == ResumeFn.Function)
    return std::string();
  return coroutineName(ResumeBase);
}

/// Whether the word before Address looks like the size field of a malloc
/// chunk starting at Address: coroutine frames are allocated; a stale copy
/// of a frame's first words in dead stack memory is not.
bool startsAllocation(std::uintptr_t Address) {
  std::uintptr_t Header = 0;
  iovec Local{&Header, sizeof(Header)};
  iovec Remote{reinterpret_cast<void *>(Address - sizeof(Header)), sizeof(Header)};
  if (process_vm_readv(getpid(), &Local, 1, &Remote, 1, 0) != sizeof(Header))
    return false;
  std::uintptr_t Size = Header & ~std::uintptr_t(7); // low bits are flags
  return Size >= 4 * sizeof(std::uintptr_t) && Size % (2 * sizeof(std::uintptr_t)) == 0 &&
         Size < (std::uintptr_t(1) << 32);
}

} // namespace

namespace chanleak {
namespace rt {

std::vector<LeakedThread> findUnfinishedCoroutines() {
  std::size_t Budget = scanBudgetBytes();
  if (!Budget)
    return {};
  ModuleMap Modules;
  CodeRanges Code(Modules);
  std::vector<LeakedThread> Coroutines;
  for (const auto &[Functions, FrameAddresses] : codePointerPairs(Code, Budget)) {
    std::string Name = userCoroutine(Modules, Functions.first, Functions.second);
    if (Name.empty())
      continue;
    for (std::uintptr_t FrameAddress : FrameAddresses) {
      if (!startsAllocation(FrameAddress))
        continue;
      LeakedThread C =
          describeCapturedStack(LeakKind::Coroutine, 0, {Functions.first}, nullptr);
      C.Name = Name;
      C.CoroutineFrame = FrameAddress;
      Coroutines.push_back(std::move(C));
    }
  }
  return Coroutines;
}

} // namespace rt
} // namespace chanleak
