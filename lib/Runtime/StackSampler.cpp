//===- StackSampler.cpp - Current stacks of other threads ----------------===//
//
// The scanner sends each thread a real-time signal with tgkill. The handler
// does only async-signal-safe work: it claims a preallocated slot meant for
// its tid, unwinds into it with _Unwind_Backtrace (no allocation: a thread
// interrupted inside malloc is fine) and signals completion through an atomic
// counter and a futex wake. Slots are static and never freed, so a handler
// that runs after the scanner gave up finds its slot abandoned and writes
// nothing.
//
//===----------------------------------------------------------------------===//
#include "RuntimeInternal.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <dlfcn.h>
#include <linux/futex.h>
#include <mutex>
#include <pthread.h>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>
#include <unwind.h>

using namespace chanleak;
using namespace chanleak::rt;

namespace {

/// Threads signalled at once; more are sampled in further batches.
constexpr int SlotCount = 256;

// A slot's state: (generation << 2) | phase. The generation changes on every
// arming, so a handler can only complete the arming it was signalled for.
enum Phase : std::uint64_t { Free = 0, Armed = 1, Writing = 2, Done = 3 };
constexpr std::uint64_t PhaseMask = 3;

struct Slot {
  std::atomic<std::uint64_t> State{Free};
  std::atomic<long> Tid{0};
  std::uintptr_t Pcs[MaxFrames];
  int Count = 0;
};

Slot Slots[SlotCount];
std::atomic<std::uint32_t> Answers{0}; // futex word, bumped by each handler
std::atomic<std::uint64_t> Generation{0};
std::atomic<int> StackSignal{0};
std::mutex ScanMutex;

/// The calling thread's memo, for chains captured on its own stack.
thread_local StackMemo ThreadMemo(StackMemo::Owner::Thread);

struct UnwindState {
  std::uintptr_t *Pcs;
  int Count;
  int Skip;
  bool SeenSignalFrame; ///< for a handler: frames start after the signal frame
  /// Frames whose return address is kept below this slot are skipped (the
  /// runtime's own); null: Skip counts them instead.
  const std::uintptr_t *FirstSlot = nullptr;
  StackMemo *Remember = nullptr; ///< notes each frame's slot when set
};

/// The runtime's wrappers of main and of thread start routines: stacks end
/// below them (see setOutermostFunction).
std::atomic<std::uintptr_t> OutermostFunctions[2];

bool isOutermost(_Unwind_Context *Context) {
  std::uintptr_t Function = _Unwind_GetRegionStart(Context);
  for (const std::atomic<std::uintptr_t> &Outermost : OutermostFunctions)
    if (Function && Function == Outermost.load(std::memory_order_relaxed))
      return true;
  return false;
}

/// Records call sites: the exact pc of an interrupted frame, the return
/// address minus one (inside the call instruction) of the others.
_Unwind_Reason_Code recordFrame(_Unwind_Context *Context, void *Arg) {
  auto *State = static_cast<UnwindState *>(Arg);
  int BeforeInsn = 0;
  std::uintptr_t Pc = _Unwind_GetIPInfo(Context, &BeforeInsn);
  if (!State->SeenSignalFrame) {
    if (!BeforeInsn)
      return _URC_NO_REASON;
    State->SeenSignalFrame = true;
  } else if (State->FirstSlot) {
    if (_Unwind_GetCFA(Context) - sizeof(std::uintptr_t) <
        reinterpret_cast<std::uintptr_t>(State->FirstSlot))
      return _URC_NO_REASON;
    State->FirstSlot = nullptr;
  } else if (State->Skip > 0) {
    --State->Skip;
    return _URC_NO_REASON;
  }
  if (Pc == 0)
    return _URC_END_OF_STACK;
  if (State->Remember) // the outermost too: it ends the chain
    State->Remember->note(_Unwind_GetCFA(Context) - sizeof(std::uintptr_t), Pc);
  if (isOutermost(Context))
    return _URC_END_OF_STACK;
  State->Pcs[State->Count++] = BeforeInsn ? Pc : Pc - 1;
  return State->Count == MaxFrames ? _URC_END_OF_STACK : _URC_NO_REASON;
}

void futexWake(std::atomic<std::uint32_t> *Word) {
  syscall(SYS_futex, reinterpret_cast<std::uint32_t *>(Word), FUTEX_WAKE_PRIVATE, INT_MAX,
          nullptr, nullptr, 0);
}

void futexWait(std::atomic<std::uint32_t> *Word, std::uint32_t Expected,
               std::chrono::nanoseconds Timeout) {
  timespec Relative;
  Relative.tv_sec = static_cast<time_t>(Timeout.count() / 1000000000);
  Relative.tv_nsec = static_cast<long>(Timeout.count() % 1000000000);
  syscall(SYS_futex, reinterpret_cast<std::uint32_t *>(Word), FUTEX_WAIT_PRIVATE, Expected,
          &Relative, nullptr, 0);
}

void onStackSignal(int, siginfo_t *, void *) {
  int SavedErrno = errno;
  long Self = currentTid();
  for (Slot &S : Slots) {
    std::uint64_t State = S.State.load();
    if ((State & PhaseMask) != Armed || S.Tid.load() != Self)
      continue;
    std::uint64_t Claimed = (State & ~PhaseMask) | Writing;
    if (!S.State.compare_exchange_strong(State, Claimed))
      continue;
    UnwindState Unwind{S.Pcs, 0, 0, false};
    _Unwind_Backtrace(recordFrame, &Unwind);
    if (!Unwind.SeenSignalFrame) {
      // An unwinder that cannot see the signal frame: keep what it found.
      Unwind = UnwindState{S.Pcs, 0, 0, true};
      _Unwind_Backtrace(recordFrame, &Unwind);
    }
    S.Count = Unwind.Count;
    S.State.store((State & ~PhaseMask) | Done);
    Answers.fetch_add(1);
    futexWake(&Answers);
    break;
  }
  errno = SavedErrno;
}

/// libc's sigaction: a sanitizer's interceptor would defer our signal until
/// the thread next calls an intercepted function, which a blocked thread
/// never does.
int realSigaction(int Signal, const struct sigaction *Action, struct sigaction *Old) {
  using SigactionFn = int (*)(int, const struct sigaction *, struct sigaction *);
  static SigactionFn Real = [] {
    // From libc itself: linked statically into a TSan program, RTLD_NEXT
    // from the executable would find TSan's interceptor first.
    void *Found = nullptr;
    if (void *Libc = dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD))
      Found = dlsym(Libc, "sigaction");
    if (!Found)
      Found = dlsym(RTLD_NEXT, "sigaction");
    return Found ? reinterpret_cast<SigactionFn>(Found) : &sigaction;
  }();
  return Real(Signal, Action, Old);
}

bool isFree(int Signal) {
  struct sigaction Current;
  if (realSigaction(Signal, nullptr, &Current) != 0)
    return false;
  bool HasHandler = (Current.sa_flags & SA_SIGINFO) ? Current.sa_sigaction != nullptr
                                                    : Current.sa_handler != SIG_DFL;
  return !HasHandler;
}

bool isOurs(int Signal) {
  struct sigaction Current;
  return realSigaction(Signal, nullptr, &Current) == 0 && (Current.sa_flags & SA_SIGINFO) &&
         Current.sa_sigaction == onStackSignal;
}

bool install(int Signal) {
  struct sigaction Action = {};
  Action.sa_sigaction = onStackSignal;
  Action.sa_flags = SA_SIGINFO | SA_RESTART;
  sigfillset(&Action.sa_mask);
  return realSigaction(Signal, &Action, nullptr) == 0;
}

/// CHANLEAK_SIGNAL if set and free, else the first free SIGRTMIN+N from N=6.
int chooseSignal() {
  if (const char *Env = std::getenv("CHANLEAK_SIGNAL")) {
    int Requested = std::atoi(Env);
    if (Requested >= SIGRTMIN && Requested <= SIGRTMAX && (isOurs(Requested) || isFree(Requested)))
      return Requested;
    warn("CHANLEAK_SIGNAL=" + std::string(Env) +
         " is not a free real-time signal; choosing another");
  }
  for (int Signal = SIGRTMIN + 6; Signal <= SIGRTMAX; ++Signal)
    if (isFree(Signal))
      return Signal;
  return 0;
}

/// Takes the pc of a frame that is a real call site, so the unwinder has
/// loaded libgcc_s and its caches before any handler needs them.
__attribute__((noinline)) void warmUpUnwinder() {
  std::uintptr_t Pcs[MaxFrames];
  UnwindState Unwind{Pcs, 0, 0, true};
  _Unwind_Backtrace(recordFrame, &Unwind);
}

/// A slot back to Free, waiting for a handler that already claimed it.
void release(Slot &S, std::uint64_t ArmedState) {
  std::uint64_t Expected = ArmedState;
  if (S.State.compare_exchange_strong(Expected, Free))
    return;
  while ((S.State.load() & PhaseMask) == Writing)
    std::this_thread::yield(); // the handler is unwinding: bounded
  S.State.store(Free);
}

void sampleBatch(const long *Tids, int Count, std::chrono::milliseconds Timeout,
                 int Signal, std::unordered_map<long, StackSample> &Samples) {
  pid_t Pid = getpid();
  std::uint64_t Armed[SlotCount];
  bool Sent[SlotCount];
  for (int I = 0; I < Count; ++I) {
    Armed[I] = (Generation.fetch_add(1) << 2) | Phase::Armed;
    Slots[I].Tid.store(Tids[I]);
    Slots[I].State.store(Armed[I]);
  }
  for (int I = 0; I < Count; ++I) {
    Sent[I] = syscall(SYS_tgkill, Pid, Tids[I], Signal) == 0;
    if (!Sent[I])
      release(Slots[I], Armed[I]); // ESRCH: it exited, drop it
  }
  // A thread may exit after the signal was queued and never run the handler:
  // look for such threads every few milliseconds rather than wait them out.
  constexpr std::chrono::milliseconds ExitCheckPeriod(2);
  auto Deadline = Clock::now() + Timeout;
  for (;;) {
    std::uint32_t Seen = Answers.load();
    bool AllDone = true;
    for (int I = 0; I < Count && AllDone; ++I)
      AllDone = !Sent[I] || (Slots[I].State.load() & PhaseMask) == Done;
    auto Now = Clock::now();
    if (AllDone || Now >= Deadline)
      break;
    futexWait(&Answers, Seen, std::min<std::chrono::nanoseconds>(Deadline - Now, ExitCheckPeriod));
    for (int I = 0; I < Count; ++I) {
      if (Sent[I] && (Slots[I].State.load() & PhaseMask) != Done &&
          syscall(SYS_tgkill, Pid, Tids[I], 0) != 0 && errno == ESRCH) {
        Sent[I] = false;
        release(Slots[I], Armed[I]);
      }
    }
  }
  for (int I = 0; I < Count; ++I) {
    if (!Sent[I])
      continue;
    StackSample &Sample = Samples[Tids[I]];
    std::uint64_t Finished = (Armed[I] & ~PhaseMask) | Done;
    if (Slots[I].State.load() == Finished) {
      Sample.Pcs.assign(Slots[I].Pcs, Slots[I].Pcs + Slots[I].Count);
      Sample.Complete = true;
    }
    release(Slots[I], Armed[I]);
  }
}

} // namespace

namespace chanleak {
namespace rt {

void prepareStackSignal() {
  static std::once_flag Once;
  std::call_once(Once, [] {
    warmUpUnwinder();
    pthread_atfork([] { ScanMutex.lock(); }, [] { ScanMutex.unlock(); },
                   [] { ScanMutex.unlock(); });
  });
  int Signal = StackSignal.load();
  if (Signal && isOurs(Signal))
    return;
  if (Signal)
    warn("the program took over signal " + std::to_string(Signal) +
         " used to sample stacks; choosing another");
  Signal = chooseSignal();
  if (!Signal || !install(Signal)) {
    StackSignal = 0;
    return;
  }
  StackSignal = Signal;
  unblockStackSignal();
}

// A raw system call: this runs in new threads before a sanitizer set them up.
void unblockStackSignal() {
  if (int Signal = StackSignal.load()) {
    unsigned long Mask[2] = {};
    Mask[(Signal - 1) / 64] = 1UL << ((Signal - 1) % 64);
    syscall(SYS_rt_sigprocmask, SIG_UNBLOCK, Mask, nullptr, 8);
  }
}

__attribute__((noinline)) std::vector<std::uintptr_t> captureCurrentStack(int Skip) {
  std::uintptr_t Pcs[MaxFrames];
  // The first frame reported is this function's own.
  UnwindState Unwind{Pcs, 0, Skip + 1, true};
  _Unwind_Backtrace(recordFrame, &Unwind);
  return std::vector<std::uintptr_t>(Pcs, Pcs + Unwind.Count);
}

std::vector<std::uintptr_t> captureCallerStack(const void *Frame) {
  return captureCallerStack(Frame, ThreadMemo);
}

__attribute__((noinline)) std::vector<std::uintptr_t> captureCallerStack(const void *Frame,
                                                                        StackMemo &Memo) {
#if defined(__x86_64__)
  // Frame is where the callee keeps its caller's frame pointer; the return
  // address into the caller is just above it.
  const auto *FirstSlot = static_cast<const std::uintptr_t *>(Frame) + 1;
  if (Memo.matches(FirstSlot))
    return Memo.pcs();
  std::uintptr_t Pcs[MaxFrames];
  UnwindState Unwind{Pcs, 0, 0, true};
  Unwind.FirstSlot = FirstSlot;
  Unwind.Remember = Memo.begin(FirstSlot) ? &Memo : nullptr;
  _Unwind_Backtrace(recordFrame, &Unwind);
  Memo.end(Pcs, Unwind.Count);
  return std::vector<std::uintptr_t>(Pcs, Pcs + Unwind.Count);
#else
  (void)Frame;
  (void)Memo;
  return captureCurrentStack(/*Skip=*/2); // this function and its caller
#endif
}

bool StackMemo::matches(const std::uintptr_t *FirstSlot) const {
  if (SlotCount == 0 || Slots[0] != FirstSlot)
    return false;
  for (int I = 0; I < SlotCount; ++I)
    if (*Slots[I] != ReturnAddresses[I])
      return false;
  return true;
}

std::vector<std::uintptr_t> StackMemo::pcs() const { return {Pcs, Pcs + PcCount}; }

bool StackMemo::begin(const std::uintptr_t *FirstSlot) {
  SlotCount = 0;
  if (Kind == Owner::Thread && StackHigh == 0)
    learnThreadStack();
  Valid = onStack(reinterpret_cast<std::uintptr_t>(FirstSlot));
  return Valid;
}

void StackMemo::note(std::uintptr_t Slot, std::uintptr_t Ip) {
  if (!Valid || SlotCount == Depth || !onStack(Slot) ||
      *reinterpret_cast<const std::uintptr_t *>(Slot) != Ip) {
    Valid = false;
    return;
  }
  Slots[SlotCount] = reinterpret_cast<const std::uintptr_t *>(Slot);
  ReturnAddresses[SlotCount++] = Ip;
}

void StackMemo::end(const std::uintptr_t *Captured, int Count) {
  if (!Valid || Count > Depth) {
    SlotCount = 0;
    return;
  }
  std::copy(Captured, Captured + Count, Pcs);
  PcCount = Count;
}

void StackMemo::learnThreadStack() {
  StackLow = StackHigh = 1; // unknown: remember nothing
  pthread_attr_t Attr;
  if (pthread_getattr_np(pthread_self(), &Attr) != 0)
    return;
  void *Low = nullptr;
  std::size_t Size = 0;
  if (pthread_attr_getstack(&Attr, &Low, &Size) == 0 && Size) {
    StackLow = reinterpret_cast<std::uintptr_t>(Low);
    StackHigh = StackLow + Size;
  }
  pthread_attr_destroy(&Attr);
}

bool StackMemo::onStack(std::uintptr_t Address) const {
  // A fiber's memo lives no longer than the fiber, whose stack stays mapped.
  return Kind == Owner::Fiber ||
         (Address >= StackLow && Address + sizeof(std::uintptr_t) <= StackHigh);
}

void setOutermostFunction(OutermostKind Kind, const void *Function) {
  OutermostFunctions[static_cast<int>(Kind)].store(reinterpret_cast<std::uintptr_t>(Function));
}

std::unordered_map<long, StackSample>
sampleStacks(const std::vector<long> &Tids, std::chrono::milliseconds Timeout) {
  std::unordered_map<long, StackSample> Samples;
  std::lock_guard<std::mutex> Lock(ScanMutex);
  prepareStackSignal();
  int Signal = StackSignal.load();
  if (!Signal) {
    static std::once_flag Warned;
    std::call_once(Warned, [] { warn("no free real-time signal: stacks are not sampled"); });
    for (long Tid : Tids)
      Samples[Tid];
    return Samples;
  }
  for (std::size_t Begin = 0; Begin < Tids.size(); Begin += SlotCount) {
    int Count = static_cast<int>(std::min<std::size_t>(SlotCount, Tids.size() - Begin));
    sampleBatch(Tids.data() + Begin, Count, Timeout, Signal, Samples);
  }
  return Samples;
}

} // namespace rt
} // namespace chanleak
