//===- AtExit.cpp - Whole-program mode: CHANLEAK_VERIFY_AT_EXIT=1 ---------===//
//
// "At exit" means before static destructors: a leaked thread parked on a
// global's condition variable makes that global's destructor wait forever,
// so the report must come out first. main's return is caught by wrapping
// __libc_start_main (glibc calls exit() from inside libc, out of reach of an
// interposed exit), and explicit exit() calls by interposing exit. When
// threads leaked the process leaves with _exit(CHANLEAK_EXIT_CODE), without
// running static destructors; otherwise it exits normally.
//
//===----------------------------------------------------------------------===//
#include "RuntimeInternal.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <fstream>
#include <unistd.h>

using namespace chanleak;
using namespace chanleak::rt;

namespace {

int leakExitCode() {
  const char *Env = std::getenv("CHANLEAK_EXIT_CODE");
  int Code = Env ? std::atoi(Env) : 0;
  return Code > 0 && Code < 256 ? Code : 66;
}

/// Why running static destructors would hang, or "": a leaked thread waits on
/// a futex in a module's writable data, i.e. on a global's mutex or
/// condition variable, and that global's destructor would wait for it.
std::string hangReason(const std::vector<LeakDetail> &Details) {
  ModuleMap Modules;
  for (const LeakDetail &D : Details) {
    if (!D.InFutexWait)
      continue;
    const Module *M = Modules.findWritable(D.FutexAddress);
    if (!M)
      continue;
    std::uintptr_t Offset = D.FutexAddress - M->Bias;
    std::string Global = symbolizeData(M->Path, Offset);
    return "the destructor of the global " + (Global.empty() ? "" : "'" + Global + "' ") +
           "at " + M->Path + "+" + hexString(Offset) +
           " would wait forever; this report was written before static destructors";
  }
  return std::string();
}

void writeJson(const std::string &Json) {
  const char *Path = std::getenv("CHANLEAK_REPORT");
  if (!Path || !*Path)
    return;
  std::ofstream Out(Path, std::ios::binary | std::ios::trunc);
  Out << Json;
  if (!Out.good())
    warn(std::string("cannot write the report to ") + Path);
}

/// Flushes stdout and stderr unless a leaked thread holds their locks.
void flushStandardStreams() {
  for (std::FILE *Stream : {stdout, stderr}) {
    if (ftrylockfile(Stream) == 0) {
      fflush_unlocked(Stream);
      funlockfile(Stream);
    }
  }
}

std::atomic<bool> Checked{false};

} // namespace

bool chanleak::rt::verifyAtExitEnabled() {
  const char *Env = std::getenv("CHANLEAK_VERIFY_AT_EXIT");
  return Env && *Env && std::strcmp(Env, "0") != 0;
}

int chanleak::rt::verifyAtExit(const LeakedThread *Terminating) {
  if (!verifyAtExitEnabled() || Checked.exchange(true))
    return 0;
  std::vector<LeakDetail> Details;
  std::vector<LeakedThread> Threads = findLeaks({}, &Details);
  if (Terminating) {
    // The program itself, wherever it is when another thread terminates it.
    long Main = static_cast<long>(getpid());
    for (std::size_t I = Threads.size(); I-- > 0;)
      if (Threads[I].Kind == LeakKind::Thread && Threads[I].Tid == Main) {
        Threads.erase(Threads.begin() + I);
        Details.erase(Details.begin() + I);
      }
    Threads.insert(Threads.begin(), *Terminating);
  }
  // Found only here: reading the heap is an exit's job, not every Find()'s.
  for (LeakedThread &Coroutine : findUnfinishedCoroutines()) {
    Threads.push_back(std::move(Coroutine));
    Details.emplace_back();
  }
  if (Threads.empty())
    return 0;
  std::string Report = FormatReport(Threads);
  std::string Reason = hangReason(Details);
  if (!Reason.empty())
    Report += "\nchanleak: " + Reason + "\n";
  ssize_t Ignored = write(STDERR_FILENO, Report.data(), Report.size());
  (void)Ignored;
  writeJson(formatJson(Threads, "exit", Reason));
  flushStandardStreams();
  return leakExitCode();
}

namespace {

void leaveIfLeaked() {
  if (int Code = verifyAtExit(nullptr))
    _exit(Code);
}

using MainFn = int (*)(int, char **, char **);
MainFn RealMain = nullptr;

/// main, run by libc in place of the program's: creation stacks end here, and
/// the at-exit check runs when main returns.
int runMain(int Argc, char **Argv, char **Envp) {
  int Status = RealMain(Argc, Argv, Envp);
  leaveIfLeaked();
  return Status;
}

} // namespace

extern "C" CHANLEAK_EXPORT int chanleak_rt_verify_at_exit(void) { return verifyAtExit(nullptr); }

extern "C" CHANLEAK_EXPORT void exit(int Status) {
  using ExitFn = void (*)(int);
  static ExitFn RealExit = reinterpret_cast<ExitFn>(dlsym(RTLD_NEXT, "exit"));
  leaveIfLeaked();
  if (RealExit)
    RealExit(Status);
  _exit(Status);
}

#ifdef __GLIBC__
extern "C" CHANLEAK_EXPORT int __libc_start_main(MainFn Main, int Argc, char **Argv,
                                                  void (*Init)(), void (*Fini)(),
                                                  void (*RtldFini)(), void *StackEnd) {
  using StartFn = int (*)(MainFn, int, char **, void (*)(), void (*)(), void (*)(), void *);
  auto RealStart = reinterpret_cast<StartFn>(dlsym(RTLD_NEXT, "__libc_start_main"));
  RealMain = Main;
  setOutermostFunction(OutermostKind::Main, reinterpret_cast<void *>(runMain));
  return RealStart(runMain, Argc, Argv, Init, Fini, RtldFini, StackEnd);
}
#endif
