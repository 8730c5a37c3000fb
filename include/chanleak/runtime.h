//===- runtime.h - chanleak's runtime leak finder ---------------*- C++ -*-===//
//
// goleak for C++: finds threads still alive (and usually blocked forever) when
// a test or a program ends, and says what each one is blocked on, where it
// was created and by whom.
//
//   #include <chanleak/runtime.h>
//   auto Baseline = chanleak::IgnoreCurrent();      // threads alive now
//   RunSomething();
//   if (!chanleak::VerifyNone({Baseline}))          // prints a report
//     return 1;
//
// Thread creation is recorded by interposing pthread_create, so every thread
// started through std::thread, std::jthread, std::async, Boost or Asio pools is
// seen, with its creation stack. Link libchanleak-rt (shared or static) or
// preload libchanleak-rt.so. C++17, no dependency beyond libc and libstdc++.
//
//===----------------------------------------------------------------------===//
#ifndef CHANLEAK_RUNTIME_H
#define CHANLEAK_RUNTIME_H

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

namespace chanleak {

/// One stack frame. The runtime always fills Address, Module and Offset (the
/// offset into Module that a symbolizer takes); Function, File and Line are
/// filled only once symbolized, by the runtime's text report (through
/// llvm-symbolizer when present) or by the `chanleak` tool.
struct Frame {
  std::uintptr_t Address = 0;
  std::string Module;
  std::uintptr_t Offset = 0;
  std::string Function; ///< demangled, empty when unknown
  std::string File;     ///< empty when unknown
  unsigned Line = 0;
  bool Inlined = false; ///< an inlined call inside the frame that follows
};

/// What a LeakedThread entry stands for.
enum class LeakKind {
  Thread,      ///< a thread alive that nobody expected
  Fiber,       ///< a Boost.Fiber parked forever; Tid is the thread hosting it
  Terminating, ///< the thread whose uncaught exception is ending the program
               ///< (std::terminate); Stack is where it threw
  Coroutine,   ///< a C++20 coroutine that started and never finished, found
               ///< at exit; Stack names it, Tid is 0 (it is on no thread)
};

/// A thread (or fiber) found alive that nobody expected.
struct LeakedThread {
  LeakKind Kind = LeakKind::Thread;
  long Tid = 0;             ///< kernel thread id
  std::string Name;         ///< /proc/self/task/<tid>/comm
  char KernelState = '?';   ///< the state letter of /proc/.../stat: S, D, R...
  std::string KernelStateText; ///< "sleeping", "running"...
  std::string WaitChannel;  ///< /proc/.../wchan: futex_wait_queue, do_sys_poll...
  long Syscall = -1;        ///< /proc/.../syscall: number, -1 when running/unknown
  std::string SyscallName;  ///< "futex", "poll", "nanosleep"... when known
  /// API-level state named by the model when a frame matches it:
  /// "chan send", "chan receive", "future wait", "condition_variable wait",
  /// "join"...; empty when no frame matches.
  std::string ApiState;
  std::string ApiFunction;  ///< the model function that matched
  std::vector<Frame> Stack; ///< current stack, innermost first
  bool StackComplete = false; ///< false if the thread did not answer in time
  std::vector<Frame> CreationStack; ///< pthread_create's caller first
  long CreatorTid = 0;      ///< 0 when the thread predates the runtime
  std::string CreatorName;
  std::string Test;         ///< test running when it was created, or empty
  double AgeSeconds = 0;    ///< time since creation
  /// Terminating only: the uncaught exception, "type: what()".
  std::string Exception;
  /// Coroutine only: the address of its frame.
  std::uintptr_t CoroutineFrame = 0;
};

class Options;

/// One option to Find() / VerifyNone(), in the spirit of goleak's.
class Option {
public:
  struct Impl;
  explicit Option(std::shared_ptr<const Impl> I) : I(std::move(I)) {}
  const Impl &impl() const { return *I; }

private:
  std::shared_ptr<const Impl> I;
};

/// Ignore every thread alive now (a snapshot taken at this call).
Option IgnoreCurrent();
/// Ignore threads whose innermost symbolized frame's function contains Name.
Option IgnoreTopFunction(std::string Name);
/// Ignore threads with Name in any frame of their current stack.
Option IgnoreAnyFunction(std::string Name);
/// Ignore threads whose creation stack has Name in any frame.
Option IgnoreCreatedBy(std::string Name);
/// Only threads created while Test was the running test (see SetCurrentTest).
Option OnlyCreatedDuring(std::string Test);
/// Retry policy: a leaked thread may be about to exit, so Find() looks again
/// with exponential backoff from Min (doubling, capped at Max) until nothing
/// is left or Total has passed. Default: 1us, 100ms, 430ms (goleak's).
Option Retry(std::chrono::microseconds Min, std::chrono::microseconds Max,
             std::chrono::microseconds Total);
/// No retries: one look.
Option NoRetry();
/// Where VerifyNone() prints its report (default stderr).
Option ReportTo(std::FILE *Stream);

/// The leaked threads: alive, not the calling thread, not ignored.
std::vector<LeakedThread> Find(std::initializer_list<Option> Opts = {});
std::vector<LeakedThread> Find(const std::vector<Option> &Opts);

/// Find(); if anything leaked, print a report (goleak-style: state, stack,
/// creation stack) and return false.
bool VerifyNone(std::initializer_list<Option> Opts = {});
bool VerifyNone(const std::vector<Option> &Opts);

/// The text report of Threads, as VerifyNone prints it.
std::string FormatReport(const std::vector<LeakedThread> &Threads);

/// The machine-readable report (docs/runtime.md describes its schema).
std::string FormatJsonReport(const std::vector<LeakedThread> &Threads);

/// Names the test running now; threads created until the next call are
/// charged to it. nullptr or "" means no test. Used by chanleak/gtest.h.
void SetCurrentTest(const char *Name);

} // namespace chanleak

#endif // CHANLEAK_RUNTIME_H
