//===- RuntimeInternal.h - libchanleak-rt's internal interfaces -*- C++ -*-===//
//
// The pieces of the runtime and how Find() puts them together:
//   Registry      threads created through pthread_create, their creators
//   ProcFs        what the kernel says about a thread (/proc/self/task/<tid>)
//   StackSampler  current stacks, taken by a signal handler in each thread
//   Modules       loaded objects: address -> module + offset, writable data
//   Symbolizer    llvm-symbolizer as a subprocess, API states from the model
//   Fibers        Boost.Fiber fibers parked forever, their creation
//
//===----------------------------------------------------------------------===//
#ifndef CHANLEAK_LIB_RUNTIME_RUNTIMEINTERNAL_H
#define CHANLEAK_LIB_RUNTIME_RUNTIMEINTERNAL_H

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

// The public API is the only thing the library exports (-fvisibility=hidden).
#pragma GCC visibility push(default)
#include "chanleak/runtime.h"
#pragma GCC visibility pop

#define CHANLEAK_EXPORT __attribute__((visibility("default")))

namespace chanleak {
namespace rt {

using Clock = std::chrono::steady_clock;

long currentTid();

/// "0x1f": how addresses and offsets are written.
std::string hexString(std::uintptr_t Value);
/// The path of the running program, "" when /proc is unreadable.
std::string executablePath();

/// Prints "chanleak: <Message>" to stderr with write(2) (no stdio locks).
void warn(const std::string &Message);

//===--- Registry ---------------------------------------------------------===//

/// What the registry knows about a thread created through pthread_create.
struct CreationInfo {
  std::uint64_t Serial = 0; ///< unique per created thread, never reused
  long CreatorTid = 0;
  std::string CreatorName;
  std::string Test;
  std::vector<std::uintptr_t> CreationPcs; ///< call sites, innermost first
  Clock::time_point Created;
};

/// Creation info of the live registered threads among Tids (others absent).
std::unordered_map<long, CreationInfo> lookupCreations(const std::vector<long> &Tids);

struct RegistrySnapshot {
  std::unordered_map<long, std::uint64_t> Serials; ///< live registered threads
  /// Tids that left their start routine recently (in the last steps of exit).
  std::unordered_set<long> RecentlyExited;
};
RegistrySnapshot registrySnapshot();
/// True while a thread being created has not made its tid known.
bool threadsPending();
/// Whether a thread that started at StartTicks started after the library
/// was loaded (so through pthread_create, unless by a raw clone).
bool startedAfterLoad(unsigned long long StartTicks);
/// Waits (bounded) until threads being created have made their tids known.
void waitForPendingStarts(std::chrono::milliseconds Bound);
/// The test that owns threads created now (SetCurrentTest), or "".
std::string currentTest();
/// A creation by the calling thread, now, in the current test.
CreationInfo createdHere(std::uint64_t Serial, std::vector<std::uintptr_t> CreationPcs);

//===--- ProcFs -----------------------------------------------------------===//

/// Tids of the process's threads, or nullopt when /proc/self/task is unreadable.
std::optional<std::vector<long>> listTasks();

struct TaskState {
  std::string Name;
  char State = '?';
  unsigned long long StartTicks = 0; ///< stat field 22
  std::string WaitChannel;
  long Syscall = -1;
  std::uintptr_t SyscallArgs[6] = {};
  std::uintptr_t Pc = 0; ///< where it entered the kernel, 0 if unknown
};
/// Reads /proc/self/task/<Tid>/{comm,stat,wchan,syscall}; false if it is gone.
bool readTaskState(long Tid, TaskState &State);
/// stat field 22 of Tid, 0 when unreadable.
unsigned long long readStartTicks(long Tid);
/// Now, in the unit of StartTicks (clock ticks since boot); 0 if unknown.
unsigned long long ticksSinceBoot();
/// Seconds since the thread that started at StartTicks started, 0 if unknown.
double ageFromStartTicks(unsigned long long StartTicks);
const char *stateText(char State);
const char *syscallName(long Number);
/// True for a system call that a signal handler makes fail with EINTR even
/// under SA_RESTART (poll, select, epoll_wait...): such threads are not
/// signalled unless CHANLEAK_SAMPLE_ALL=1, so that the program is not harmed.
bool failsWithEintr(long Syscall);
/// True for a futex wait (FUTEX_WAIT or FUTEX_WAIT_BITSET).
bool isFutexWait(const TaskState &State);

//===--- StackSampler -----------------------------------------------------===//

constexpr int MaxFrames = 64;

struct StackSample {
  std::vector<std::uintptr_t> Pcs; ///< call sites, innermost first
  bool Complete = false;
};
/// Current stacks of Tids (those that exited are absent). Bounded time: a
/// thread that does not answer within Timeout has Complete == false.
std::unordered_map<long, StackSample>
sampleStacks(const std::vector<long> &Tids, std::chrono::milliseconds Timeout);
/// Call sites of the calling thread, skipping its Skip innermost frames.
std::vector<std::uintptr_t> captureCurrentStack(int Skip);
/// The last call chain captured on one stack, so that capturing the same
/// chain again needs no unwinding: x86-64 keeps each frame's return address
/// in a stack slot, and when every slot still holds the address it held, the
/// chain is the same. It reads the slots it recorded, so it must not outlive
/// their stack: a thread's memo records only slots on the thread's own stack
/// (the thread may run fibers on other stacks, which can be freed); a fiber's
/// memo dies with the fiber, whose stack is its own.
class StackMemo {
public:
  enum class Owner { Thread, Fiber };
  static constexpr int Depth = 24; ///< deeper chains are not remembered

  constexpr explicit StackMemo(Owner Kind) : Kind(Kind) {}
  /// Whether the chain whose innermost return address is at FirstSlot is the
  /// one remembered.
  bool matches(const std::uintptr_t *FirstSlot) const;
  std::vector<std::uintptr_t> pcs() const;
  /// Forgets the chain and, if FirstSlot may be remembered, starts anew.
  bool begin(const std::uintptr_t *FirstSlot);
  /// The next frame outwards keeps its return address Ip at Slot.
  void note(std::uintptr_t Slot, std::uintptr_t Ip);
  /// Keeps Pcs as the chain's call sites, unless a slot could not be noted.
  void end(const std::uintptr_t *Pcs, int Count);

private:
  void learnThreadStack();
  bool onStack(std::uintptr_t Address) const;

  Owner Kind;
  std::uintptr_t StackLow = 0, StackHigh = 0; ///< a thread's stack; 0: not learnt
  const std::uintptr_t *Slots[Depth + 1] = {};
  std::uintptr_t ReturnAddresses[Depth + 1] = {};
  int SlotCount = 0; ///< 0: nothing remembered
  bool Valid = false;
  std::uintptr_t Pcs[Depth] = {};
  int PcCount = 0;
};

/// Call sites from the caller of the function whose frame address
/// (__builtin_frame_address(0)) is Frame; the same chain captured again is
/// answered from Memo (by default the calling thread's) without unwinding.
std::vector<std::uintptr_t> captureCallerStack(const void *Frame);
std::vector<std::uintptr_t> captureCallerStack(const void *Frame, StackMemo &Memo);
enum class OutermostKind { Main, ThreadStart };
/// Stacks (captured or sampled) end below Function, the runtime's wrapper of
/// main or of threads' start routines: the frames beyond are libc's startup,
/// the same in every stack, and unwinding them was a third of what a
/// creation stack cost.
void setOutermostFunction(OutermostKind Kind, const void *Function);
/// Makes sure the stack signal is handled and not blocked in this thread.
void prepareStackSignal();
/// Unblocks the stack signal in the calling thread.
void unblockStackSignal();

//===--- Modules ----------------------------------------------------------===//

struct Module {
  std::string Path;
  std::uintptr_t Bias = 0; ///< dlpi_addr
  std::vector<std::pair<std::uintptr_t, std::uintptr_t>> Segments; ///< [begin, end)
  std::vector<std::pair<std::uintptr_t, std::uintptr_t>> Writable;
  std::vector<std::pair<std::uintptr_t, std::uintptr_t>> Executable;
};

class ModuleMap {
public:
  ModuleMap(); ///< a snapshot of the loaded objects (dl_iterate_phdr)
  const Module *find(std::uintptr_t Address) const;
  /// The module whose writable segments hold Address, if any.
  const Module *findWritable(std::uintptr_t Address) const;
  /// The executable segments of every module.
  std::vector<std::pair<std::uintptr_t, std::uintptr_t>> executableRanges() const;

private:
  std::vector<Module> Modules;
};

//===--- Symbolizer -------------------------------------------------------===//

/// Frames of the call site (Module, Offset); several when calls were inlined,
/// innermost first. Empty when no symbolizer is available.
std::vector<Frame> symbolizeCode(const std::string &Module, std::uintptr_t Offset);
/// The name of the global at (Module, Offset), or "".
std::string symbolizeData(const std::string &Module, std::uintptr_t Offset);
/// "ns::Class::method" of a demangled name: no return type, template
/// arguments, parameters or inline namespaces.
std::string modelName(const std::string &Demangled);
/// Whether F is a blocking function of the model (lib/Runtime/ApiStates.inc);
/// if so sets its model name and state ("chan send"...).
bool classifyFrame(const Frame &F, std::string &ModelFunction, std::string &State);

//===--- Fibers -----------------------------------------------------------===//

/// A Boost.Fiber fiber parked (untimed) in a wait queue or an unbuffered
/// channel's hand-over, as recorded by the interposed libboost_fiber.
struct ParkedFiber {
  long HostTid = 0; ///< the thread it parked on
  std::vector<std::uintptr_t> Pcs; ///< its stack when it parked, innermost first
  /// Recorded by fiber::start_ (Serial counts fibers, apart from threads);
  /// absent for a thread's main fiber, which no start_ created.
  CreationInfo Creation;
  bool HasCreation = false;
};
std::vector<ParkedFiber> parkedFibers();
/// Creation serials of the fibers started and not yet destroyed.
std::unordered_set<std::uint64_t> liveFiberSerials();

//===--- Find and the reports ---------------------------------------------===//

/// Per leaked thread, what the at-exit check needs beyond LeakedThread.
struct LeakDetail {
  bool InFutexWait = false;
  std::uintptr_t FutexAddress = 0;
};

std::vector<LeakedThread> findLeaks(const std::vector<Option> &Opts,
                                    std::vector<LeakDetail> *Details);

/// An entry for a stack captured by the runtime itself rather than sampled
/// by signal (a terminating thread's, a parked fiber's): frames resolved,
/// creation filled in when Creation is known, API state classified.
LeakedThread describeCapturedStack(LeakKind Kind, long Tid,
                                   const std::vector<std::uintptr_t> &Pcs,
                                   const CreationInfo *Creation);

/// Coroutines whose frames are still alive and not finished (Coroutines.cpp):
/// user coroutines only, at most CHANLEAK_COROUTINE_SCAN_MB of memory read.
std::vector<LeakedThread> findUnfinishedCoroutines();

/// Whether CHANLEAK_VERIFY_AT_EXIT asks for the whole-program check.
bool verifyAtExitEnabled();
/// The whole-program check, once per process: reports the leaked threads (and
/// Terminating, the thread ending the program, when given) to stderr and to
/// CHANLEAK_REPORT; the exit status to leave with, or 0 when nothing leaked.
int verifyAtExit(const LeakedThread *Terminating);

std::string formatJson(const std::vector<LeakedThread> &Threads, const char *When,
                       const std::string &HangReason);

} // namespace rt
} // namespace chanleak

#endif // CHANLEAK_LIB_RUNTIME_RUNTIMEINTERNAL_H
