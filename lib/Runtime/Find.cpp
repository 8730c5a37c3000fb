//===- Find.cpp - Find(), VerifyNone() and their options -----------------===//
//
// One look: list /proc/self/task, drop the caller, the ignored snapshot and
// threads already past their start routine; add the Boost.Fiber fibers parked
// forever (Fibers.cpp) that are not ignored. While something is left and the
// retry budget allows, look again with exponential backoff (goleak's policy).
// The last look inspects what is left: kernel state, current stack (signal,
// or the one a fiber parked with), creation stack (registry), symbols and the
// model's API state.
//
//===----------------------------------------------------------------------===//
#include "RuntimeInternal.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <map>
#include <mutex>
#include <thread>

using namespace chanleak;
using namespace chanleak::rt;
using std::chrono::microseconds;
using std::chrono::milliseconds;

/// Who a thread is: its registry serial, or (for threads the registry does not
/// know) its start time, so that a reused tid is not mistaken for it.
struct Identity {
  std::uint64_t Serial = 0;
  unsigned long long StartTicks = 0;
};

struct chanleak::Option::Impl {
  enum class Kind {
    IgnoreSnapshot,
    IgnoreTopFunction,
    IgnoreAnyFunction,
    IgnoreCreatedBy,
    OnlyCreatedDuring,
    Retry,
    NoRetry,
    ReportTo
  };
  Kind K;
  std::string Name;
  std::unordered_map<long, Identity> Snapshot;
  std::unordered_set<std::uint64_t> FiberSnapshot; ///< serials of live fibers
  microseconds Min{0}, Max{0}, Total{0};
  std::FILE *Stream = nullptr;
};

namespace {

using Kind = Option::Impl::Kind;

Option makeOption(Option::Impl I) {
  return Option(std::make_shared<const Option::Impl>(std::move(I)));
}

Option namedOption(Kind K, std::string Name) {
  Option::Impl I;
  I.K = K;
  I.Name = std::move(Name);
  return makeOption(std::move(I));
}

struct Settings {
  std::vector<const Option::Impl *> Snapshots;
  std::vector<std::string> TopFunctions, AnyFunctions, CreatedBy, OnlyDuring;
  bool Retry = true;
  microseconds Min{1}, Max{100000}, Total{430000};
  std::FILE *Stream = stderr;

  explicit Settings(const std::vector<Option> &Opts) {
    for (const Option &O : Opts) {
      const Option::Impl &I = O.impl();
      switch (I.K) {
      case Kind::IgnoreSnapshot: Snapshots.push_back(&I); break;
      case Kind::IgnoreTopFunction: TopFunctions.push_back(I.Name); break;
      case Kind::IgnoreAnyFunction: AnyFunctions.push_back(I.Name); break;
      case Kind::IgnoreCreatedBy: CreatedBy.push_back(I.Name); break;
      case Kind::OnlyCreatedDuring: OnlyDuring.push_back(I.Name); break;
      case Kind::Retry:
        Retry = true;
        Min = std::max(I.Min, microseconds(1));
        Max = std::max(I.Max, Min);
        Total = I.Total;
        break;
      case Kind::NoRetry: Retry = false; break;
      case Kind::ReportTo: Stream = I.Stream ? I.Stream : stderr; break;
      }
    }
  }

  bool filtersOnFunctions() const {
    return !TopFunctions.empty() || !AnyFunctions.empty() || !CreatedBy.empty();
  }
};

milliseconds stackTimeout() {
  static const milliseconds Timeout = [] {
    const char *Env = std::getenv("CHANLEAK_STACK_TIMEOUT_MS");
    long Ms = Env ? std::atol(Env) : 0;
    return milliseconds(Ms > 0 ? Ms : 200);
  }();
  return Timeout;
}

bool sampleAll() {
  static const bool All = [] {
    const char *Env = std::getenv("CHANLEAK_SAMPLE_ALL");
    return Env && *Env && std::strcmp(Env, "0") != 0;
  }();
  return All;
}

/// The process's threads; the registry's when /proc/self/task is unreadable.
std::vector<long> allThreads(const RegistrySnapshot &Registered, bool &ProcReadable) {
  if (std::optional<std::vector<long>> Tasks = listTasks()) {
    ProcReadable = true;
    return std::move(*Tasks);
  }
  ProcReadable = false;
  static std::once_flag Warned;
  std::call_once(Warned, [] {
    warn(std::string("cannot read /proc/self/task (") + std::strerror(errno) +
         "): reporting only threads created through pthread_create, without kernel state");
  });
  std::vector<long> Tids;
  for (const auto &Entry : Registered.Serials)
    Tids.push_back(Entry.first);
  return Tids;
}

/// A tid the registry does not know may be a thread being created right now:
/// then wait (bounded) for it to become known and look at the registry again.
/// Returns whether creations were still pending when that last look began:
/// only then can a tid it does not know be one of them.
bool settle(RegistrySnapshot &Registered, const std::vector<long> &Tids) {
  long Self = currentTid();
  bool Unknown = std::any_of(Tids.begin(), Tids.end(), [&](long Tid) {
    return Tid != Self && !Registered.Serials.count(Tid) && !Registered.RecentlyExited.count(Tid);
  });
  if (!Unknown)
    return false;
  if (threadsPending())
    waitForPendingStarts(milliseconds(10));
  // Read before the snapshot: a creation pending now has not published its
  // tid in it, and one that is no longer pending has (tid first, then count).
  bool Pending = threadsPending();
  Registered = registrySnapshot();
  return Pending;
}

bool inSnapshot(const std::unordered_map<long, Identity> &Snapshot,
                const RegistrySnapshot &Registered, long Tid) {
  auto It = Snapshot.find(Tid);
  if (It == Snapshot.end())
    return false;
  auto Live = Registered.Serials.find(Tid);
  std::uint64_t Serial = Live == Registered.Serials.end() ? 0 : Live->second;
  if (It->second.Serial)
    return Serial == 0 || Serial == It->second.Serial; // 0: it is exiting
  return Serial == 0 && readStartTicks(Tid) == It->second.StartTicks;
}

bool createdDuring(const Settings &S, const CreationInfo &Creation) {
  return std::find(S.OnlyDuring.begin(), S.OnlyDuring.end(), Creation.Test) != S.OnlyDuring.end();
}

std::vector<long> threadCandidates(const Settings &S, const RegistrySnapshot &Registered,
                                   const std::vector<long> &Tids, bool Pending) {
  long Self = currentTid();
  std::vector<long> Result;
  for (long Tid : Tids) {
    if (Tid == Self || Registered.RecentlyExited.count(Tid))
      continue;
    // Still being created on a loaded machine (its creator has not learnt
    // its tid yet, past settle's bound): not a leak.
    if (Pending && !Registered.Serials.count(Tid) && startedAfterLoad(readStartTicks(Tid)))
      continue;
    bool Ignored = false;
    for (const Option::Impl *Snapshot : S.Snapshots)
      Ignored = Ignored || inSnapshot(Snapshot->Snapshot, Registered, Tid);
    if (!Ignored)
      Result.push_back(Tid);
  }
  if (S.OnlyDuring.empty() || Result.empty())
    return Result;
  std::unordered_map<long, CreationInfo> Creations = lookupCreations(Result);
  std::vector<long> During;
  for (long Tid : Result) {
    auto It = Creations.find(Tid);
    if (It != Creations.end() && createdDuring(S, It->second))
      During.push_back(Tid);
  }
  return During;
}

/// A thread's main fiber was not started by fiber::start_: it is the thread,
/// so it has the thread's creation and is ignored with it.
std::vector<ParkedFiber> fiberCandidates(const Settings &S, const RegistrySnapshot &Registered) {
  std::vector<ParkedFiber> Parked = parkedFibers();
  std::vector<long> MainFiberHosts;
  for (const ParkedFiber &F : Parked)
    if (!F.HasCreation)
      MainFiberHosts.push_back(F.HostTid);
  std::unordered_map<long, CreationInfo> HostCreations;
  if (!MainFiberHosts.empty())
    HostCreations = lookupCreations(MainFiberHosts);
  std::vector<ParkedFiber> Result;
  for (ParkedFiber &F : Parked) {
    bool Ignored = false;
    for (const Option::Impl *Snapshot : S.Snapshots)
      Ignored = Ignored || (F.HasCreation ? Snapshot->FiberSnapshot.count(F.Creation.Serial) > 0
                                          : inSnapshot(Snapshot->Snapshot, Registered, F.HostTid));
    if (Ignored)
      continue;
    if (!F.HasCreation) {
      auto Host = HostCreations.find(F.HostTid);
      F.HasCreation = Host != HostCreations.end();
      if (F.HasCreation)
        F.Creation = Host->second;
    }
    if (S.OnlyDuring.empty() || (F.HasCreation && createdDuring(S, F.Creation)))
      Result.push_back(std::move(F));
  }
  return Result;
}

struct Candidates {
  std::vector<long> Tids;
  std::vector<ParkedFiber> Fibers;
  bool empty() const { return Tids.empty() && Fibers.empty(); }
};

Candidates candidates(const Settings &S, bool &ProcReadable) {
  RegistrySnapshot Registered = registrySnapshot();
  std::vector<long> Tids = allThreads(Registered, ProcReadable);
  bool Pending = settle(Registered, Tids);
  Candidates Result;
  Result.Tids = threadCandidates(S, Registered, Tids, Pending);
  Result.Fibers = fiberCandidates(S, Registered);
  return Result;
}

/// Symbolized frames of call sites, kept across calls (bounded).
class FrameCache {
public:
  std::vector<Frame> frames(const Module *M, std::uintptr_t Pc) {
    Frame Raw;
    Raw.Address = Pc;
    if (!M)
      return {Raw};
    Raw.Module = M->Path;
    Raw.Offset = Pc - M->Bias;
    std::vector<Frame> Frames;
    {
      std::lock_guard<std::mutex> Lock(Mutex);
      auto It = Cache.find({Raw.Module, Raw.Offset});
      if (It != Cache.end())
        Frames = It->second;
    }
    if (Frames.empty()) {
      Frames = symbolizeCode(Raw.Module, Raw.Offset);
      if (Frames.empty())
        Frames.push_back(Frame());
      std::lock_guard<std::mutex> Lock(Mutex);
      if (Cache.size() > 100000)
        Cache.clear();
      Cache[{Raw.Module, Raw.Offset}] = Frames;
    }
    for (Frame &F : Frames) {
      F.Address = Raw.Address;
      F.Module = Raw.Module;
      F.Offset = Raw.Offset;
    }
    return Frames;
  }

private:
  std::mutex Mutex;
  std::map<std::pair<std::string, std::uintptr_t>, std::vector<Frame>> Cache;
};

FrameCache &frameCache() {
  static FrameCache *Cache = new FrameCache;
  return *Cache;
}

std::vector<Frame> resolve(const std::vector<std::uintptr_t> &Pcs, const ModuleMap &Modules) {
  std::vector<Frame> Frames;
  for (std::uintptr_t Pc : Pcs)
    for (Frame &F : frameCache().frames(Modules.find(Pc), Pc))
      Frames.push_back(std::move(F));
  return Frames;
}

/// Drops the pthread_create interceptors (a sanitizer's, libc's) at the top
/// of a creation stack, so that it starts at pthread_create's caller.
std::vector<std::uintptr_t> fromCreateCaller(std::vector<std::uintptr_t> Pcs) {
  std::size_t Begin = 0;
  Dl_info Info;
  while (Begin < Pcs.size() && dladdr(reinterpret_cast<void *>(Pcs[Begin]), &Info) &&
         Info.dli_sname && std::strstr(Info.dli_sname, "pthread_create"))
    ++Begin;
  Pcs.erase(Pcs.begin(), Pcs.begin() + Begin);
  return Pcs;
}

bool isSystemModule(const std::string &Path) {
  std::string Base = Path.substr(Path.rfind('/') + 1);
  for (const char *Prefix : {"libc.so", "libc-", "libpthread", "ld-linux", "linux-vdso"})
    if (Base.compare(0, std::strlen(Prefix), Prefix) == 0)
      return true;
  return false;
}

bool mentions(const Frame &F, const std::vector<std::string> &Names) {
  for (const std::string &Name : Names)
    if (F.Function.find(Name) != std::string::npos)
      return true;
  return false;
}

/// IgnoreTopFunction: the innermost symbolized frame, or the innermost one
/// outside libc (a blocked thread's innermost frames are libc's wrappers).
bool topMentions(const std::vector<Frame> &Stack, const std::vector<std::string> &Names) {
  bool SeenSymbolized = false;
  for (const Frame &F : Stack) {
    if (F.Function.empty())
      continue;
    if (!SeenSymbolized && mentions(F, Names))
      return true;
    SeenSymbolized = true;
    if (!isSystemModule(F.Module))
      return mentions(F, Names);
  }
  return false;
}

bool anyMentions(const std::vector<Frame> &Stack, const std::vector<std::string> &Names) {
  for (const Frame &F : Stack)
    if (mentions(F, Names))
      return true;
  return false;
}

bool inSanitizerRuntime(const Frame &F) {
  std::string Base = F.Module.substr(F.Module.rfind('/') + 1);
  for (const char *Runtime : {"libasan", "libtsan", "liblsan", "libmsan"})
    if (Base.compare(0, std::strlen(Runtime), Runtime) == 0)
      return true;
  for (const char *Prefix : {"__sanitizer::", "__tsan::", "__asan::", "__lsan::", "__msan::"})
    if (F.Function.compare(0, std::strlen(Prefix), Prefix) == 0)
      return true;
  return false;
}

/// A sanitizer's own helper thread (TSan's background thread...): created by
/// the sanitizer runtime, or (when it bypassed the interposer) blocked in a
/// system call the runtime makes itself. Never the program's leak, and never
/// signalled: it has no state for the sanitizer's interceptors.
bool isSanitizerThread(const LeakedThread &T, std::uintptr_t BlockedPc,
                       const ModuleMap &Modules) {
  if (!T.CreationStack.empty())
    return inSanitizerRuntime(T.CreationStack.front());
  if (!BlockedPc)
    return false;
  std::vector<Frame> Blocked = resolve({BlockedPc}, Modules);
  return !Blocked.empty() && inSanitizerRuntime(Blocked.back());
}

bool ignoredByFunctions(const LeakedThread &T, const Settings &S) {
  return topMentions(T.Stack, S.TopFunctions) || anyMentions(T.Stack, S.AnyFunctions) ||
         anyMentions(T.CreationStack, S.CreatedBy);
}

/// The outermost frame the model knows names the thread's API state: the
/// operation the user's code called. Deeper model frames are how it waits
/// (Boost.Fiber's push parks on a std::condition_variable, ~jthread in
/// std::thread::join).
void classify(LeakedThread &T) {
  for (auto F = T.Stack.rbegin(); F != T.Stack.rend(); ++F)
    if (classifyFrame(*F, T.ApiFunction, T.ApiState))
      return;
}

void setKernelState(LeakedThread &T, const TaskState &State) {
  T.Name = State.Name;
  T.KernelState = State.State;
  T.KernelStateText = stateText(State.State);
  T.WaitChannel = State.WaitChannel;
  T.Syscall = State.Syscall;
  if (const char *Name = syscallName(State.Syscall))
    T.SyscallName = Name;
}

/// Who created T, where, during which test, and how long ago.
void setCreation(LeakedThread &T, const CreationInfo &Creation, const ModuleMap &Modules,
                 Clock::time_point Now) {
  T.CreationStack = resolve(fromCreateCaller(Creation.CreationPcs), Modules);
  T.CreatorTid = Creation.CreatorTid;
  T.CreatorName = Creation.CreatorName;
  T.Test = Creation.Test;
  T.AgeSeconds = std::chrono::duration<double>(Now - Creation.Created).count();
}

/// Fibers are inspected after threads: their stacks were captured when they
/// parked, nothing is signalled.
void inspectFibers(const std::vector<ParkedFiber> &Fibers, const Settings &S,
                   std::vector<LeakedThread> &Leaked, std::vector<LeakDetail> *Details) {
  for (const ParkedFiber &F : Fibers) {
    LeakedThread T = describeCapturedStack(LeakKind::Fiber, F.HostTid, F.Pcs,
                                           F.HasCreation ? &F.Creation : nullptr);
    if (ignoredByFunctions(T, S))
      continue;
    if (Details)
      Details->push_back(LeakDetail()); // parked in user space, not in a futex
    Leaked.push_back(std::move(T));
  }
}

std::vector<LeakedThread> inspect(const Candidates &C, bool ProcReadable, const Settings &S,
                                  std::vector<LeakDetail> *Details) {
  // The kernel state is read before the signal, which interrupts the system
  // call; the registry too, since a thread whose call returns EINTR (poll)
  // may be gone from it by the time the report is built.
  std::unordered_map<long, CreationInfo> Creations = lookupCreations(C.Tids);
  ModuleMap Modules;
  auto Now = Clock::now();
  std::vector<LeakedThread> Threads;
  std::vector<LeakDetail> ThreadDetails;
  for (long Tid : C.Tids) {
    TaskState State;
    if (!readTaskState(Tid, State) && ProcReadable)
      continue; // it exited
    LeakedThread T;
    T.Tid = Tid;
    setKernelState(T, State);
    auto Creation = Creations.find(Tid);
    if (Creation != Creations.end()) {
      setCreation(T, Creation->second, Modules, Now);
    } else {
      T.AgeSeconds = ageFromStartTicks(State.StartTicks);
    }
    // Never signalled: a sanitizer's thread has no state for its interceptors.
    if (isSanitizerThread(T, State.Pc, Modules))
      continue;
    LeakDetail D;
    D.InFutexWait = isFutexWait(State);
    D.FutexAddress = D.InFutexWait ? State.SyscallArgs[0] : 0;
    Threads.push_back(std::move(T));
    ThreadDetails.push_back(D);
  }

  std::vector<long> ToSample;
  for (const LeakedThread &T : Threads)
    if (sampleAll() || !failsWithEintr(T.Syscall))
      ToSample.push_back(T.Tid);
  std::unordered_map<long, StackSample> Samples = sampleStacks(ToSample, stackTimeout());
  std::vector<LeakedThread> Leaked;
  for (std::size_t I = 0; I < Threads.size(); ++I) {
    LeakedThread &T = Threads[I];
    if (sampleAll() || !failsWithEintr(T.Syscall)) {
      auto Sample = Samples.find(T.Tid);
      if (Sample == Samples.end())
        continue; // exited before it could be signalled
      TaskState Unused;
      if (!Sample->second.Complete && ProcReadable && !readTaskState(T.Tid, Unused))
        continue; // exited while it was being signalled
      T.Stack = resolve(Sample->second.Pcs, Modules);
      T.StackComplete = Sample->second.Complete;
    }
    classify(T);
    if (ignoredByFunctions(T, S))
      continue;
    if (Details)
      Details->push_back(ThreadDetails[I]);
    Leaked.push_back(std::move(T));
  }
  inspectFibers(C.Fibers, S, Leaked, Details);
  return Leaked;
}

} // namespace

namespace chanleak {

Option IgnoreCurrent() {
  Option::Impl I;
  I.K = Kind::IgnoreSnapshot;
  RegistrySnapshot Registered = registrySnapshot();
  bool ProcReadable;
  std::vector<long> Tids = allThreads(Registered, ProcReadable);
  settle(Registered, Tids);
  for (long Tid : Tids) {
    Identity Id;
    auto Live = Registered.Serials.find(Tid);
    Id.Serial = Live == Registered.Serials.end() ? 0 : Live->second;
    if (!Id.Serial)
      Id.StartTicks = readStartTicks(Tid);
    I.Snapshot.emplace(Tid, Id);
  }
  I.FiberSnapshot = liveFiberSerials();
  return makeOption(std::move(I));
}

Option IgnoreTopFunction(std::string Name) {
  return namedOption(Kind::IgnoreTopFunction, std::move(Name));
}
Option IgnoreAnyFunction(std::string Name) {
  return namedOption(Kind::IgnoreAnyFunction, std::move(Name));
}
Option IgnoreCreatedBy(std::string Name) {
  return namedOption(Kind::IgnoreCreatedBy, std::move(Name));
}
Option OnlyCreatedDuring(std::string Test) {
  return namedOption(Kind::OnlyCreatedDuring, std::move(Test));
}

Option Retry(microseconds Min, microseconds Max, microseconds Total) {
  Option::Impl I;
  I.K = Kind::Retry;
  I.Min = Min;
  I.Max = Max;
  I.Total = Total;
  return makeOption(std::move(I));
}

Option NoRetry() {
  Option::Impl I;
  I.K = Kind::NoRetry;
  return makeOption(std::move(I));
}

Option ReportTo(std::FILE *Stream) {
  Option::Impl I;
  I.K = Kind::ReportTo;
  I.Stream = Stream;
  return makeOption(std::move(I));
}

std::vector<LeakedThread> Find(std::initializer_list<Option> Opts) {
  return rt::findLeaks(std::vector<Option>(Opts), nullptr);
}

std::vector<LeakedThread> Find(const std::vector<Option> &Opts) {
  return rt::findLeaks(Opts, nullptr);
}

bool VerifyNone(std::initializer_list<Option> Opts) {
  return VerifyNone(std::vector<Option>(Opts));
}

bool VerifyNone(const std::vector<Option> &Opts) {
  std::vector<LeakedThread> Threads = rt::findLeaks(Opts, nullptr);
  if (Threads.empty())
    return true;
  std::string Report = FormatReport(Threads);
  std::FILE *Stream = Settings(Opts).Stream;
  std::fwrite(Report.data(), 1, Report.size(), Stream);
  std::fflush(Stream);
  return false;
}

namespace rt {

LeakedThread describeCapturedStack(LeakKind Kind, long Tid,
                                   const std::vector<std::uintptr_t> &Pcs,
                                   const CreationInfo *Creation) {
  ModuleMap Modules;
  LeakedThread T;
  T.Kind = Kind;
  T.Tid = Tid;
  TaskState State;
  if (readTaskState(Tid, State))
    setKernelState(T, State);
  else
    T.KernelState = '-'; // gone
  T.Stack = resolve(Pcs, Modules);
  T.StackComplete = true;
  if (Creation)
    setCreation(T, *Creation, Modules, Clock::now());
  classify(T);
  return T;
}

std::vector<LeakedThread> findLeaks(const std::vector<Option> &Opts,
                                    std::vector<LeakDetail> *Details) {
  Settings S(Opts);
  auto Deadline = Clock::now() + S.Total;
  microseconds Sleep = S.Min;
  for (;;) {
    bool ProcReadable;
    Candidates C = candidates(S, ProcReadable);
    if (C.empty())
      return {};
    bool LastLook = !S.Retry || Clock::now() + Sleep > Deadline;
    if (LastLook || S.filtersOnFunctions()) {
      std::vector<LeakDetail> LookDetails;
      std::vector<LeakedThread> Threads = inspect(C, ProcReadable, S, &LookDetails);
      if (Threads.empty() || LastLook) {
        if (Details)
          *Details = std::move(LookDetails);
        return Threads;
      }
    }
    std::this_thread::sleep_for(Sleep);
    Sleep = std::min(Sleep * 2, S.Max);
  }
}

} // namespace rt
} // namespace chanleak
