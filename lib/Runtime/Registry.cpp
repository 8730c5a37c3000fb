//===- Registry.cpp - Threads created through pthread_create -------------===//
//
// pthread_create is interposed: the real one comes from dlsym(RTLD_NEXT), so
// this works preloaded, linked as a shared library, or linked statically into
// the executable. Each new thread runs a trampoline that registers its kernel
// tid before the start routine and unregisters from a TLS-key destructor,
// which also runs on pthread_exit and cancellation.
//
//===----------------------------------------------------------------------===//
#include "RuntimeInternal.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <dlfcn.h>
#include <mutex>
#include <pthread.h>
#include <set>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>

using namespace chanleak;
using namespace chanleak::rt;

namespace {

using PthreadCreateFn = int (*)(pthread_t *, const pthread_attr_t *,
                                void *(*)(void *), void *);

/// Written by the creator before the thread starts; the thread itself only
/// stores atomics into it (see threadTrampoline).
struct ThreadRecord {
  CreationInfo Info;
  std::atomic<long> Tid{0};
  std::atomic<bool> Exited{false};
  void *(*Start)(void *) = nullptr;
  void *Arg = nullptr;
};

/// Threads that left their start routine recently, so that a scan racing with
/// their exit does not report them. A ring: bounded memory under churn.
constexpr std::size_t ExitedRingSize = 1024;

class Registry {
public:
  Registry() {
    RealCreate = reinterpret_cast<PthreadCreateFn>(dlsym(RTLD_NEXT, "pthread_create"));
    pthread_key_create(&Key, onThreadExit);
    pthread_atfork([] { get().Mutex.lock(); },
                   [] { get().Mutex.unlock(); },
                   [] { get().resetInChild(); });
  }

  static Registry &get() {
    static Registry *Instance = new Registry; // never destroyed: threads outlive exit
    return *Instance;
  }

  PthreadCreateFn RealCreate = nullptr;
  pthread_key_t Key;
  std::atomic<std::uint64_t> NextSerial{1};
  std::atomic<int> PendingStarts{0};
  /// When the library was loaded, in /proc's clock ticks since boot.
  const unsigned long long LoadTicks = ticksSinceBoot();
  std::atomic<const char *> CurrentTest{nullptr};
  std::atomic<long> Exited[ExitedRingSize] = {};
  std::atomic<std::size_t> ExitedNext{0};

  std::mutex Mutex; ///< guards what follows
  std::set<std::string> TestNames; ///< interned: CurrentTest points into it

  void add(ThreadRecord *R) {
    std::lock_guard<std::mutex> Lock(Mutex);
    Records.push_back(R);
    // Reclaiming exited threads' records costs O(live); amortized O(1) here.
    if (Records.size() >= SweepAt) {
      sweepLocked();
      SweepAt = std::max<std::size_t>(64, 2 * Records.size());
    }
  }

  /// The live registered threads by tid, after reclaiming exited ones.
  template <typename Fn> void withLiveThreads(Fn Visit) {
    std::lock_guard<std::mutex> Lock(Mutex);
    sweepLocked();
    Visit(ByTid);
  }

private:
  // Runs in the exiting thread, possibly before or after a sanitizer tore
  // down its own state for it: atomics only.
  static void onThreadExit(void *Arg) {
    auto *R = static_cast<ThreadRecord *>(Arg);
    Registry &Reg = get();
    Reg.Exited[Reg.ExitedNext.fetch_add(1) % ExitedRingSize].store(R->Tid.load());
    R->Exited.store(true); // the last touch: R may be reclaimed from now on
  }

  void sweepLocked() {
    ByTid.clear();
    std::size_t Kept = 0;
    for (ThreadRecord *R : Records) {
      if (R->Exited.load()) {
        delete R;
        continue;
      }
      if (long Tid = R->Tid.load())
        ByTid[Tid] = R;
      Records[Kept++] = R;
    }
    Records.resize(Kept);
  }

  /// After fork only the forking thread survives, under a new tid.
  void resetInChild() {
    ThreadRecord *Self = static_cast<ThreadRecord *>(pthread_getspecific(Key));
    for (ThreadRecord *R : Records)
      if (R != Self)
        delete R;
    Records.clear();
    ByTid.clear();
    if (Self) {
      Self->Tid = currentTid();
      Records.push_back(Self);
    }
    for (std::atomic<long> &Tid : Exited)
      Tid = 0;
    PendingStarts = 0;
    Mutex.unlock();
  }

  std::vector<ThreadRecord *> Records; ///< not yet reclaimed
  std::unordered_map<long, ThreadRecord *> ByTid; ///< rebuilt by each sweep
  std::size_t SweepAt = 64;
};

/// The kernel tid of a thread just created, read from glibc's struct pthread
/// where the descriptor libthread_db uses says it is (the kernel stores it
/// there before clone returns), or 0 where that descriptor is unavailable.
long tidOfCreated(pthread_t Thread) {
  // {size in bits, count, offset}, as in glibc's nptl_db.
  static const std::uint32_t *TidField = static_cast<const std::uint32_t *>(
      dlsym(RTLD_DEFAULT, "_thread_db_pthread_tid"));
  if (!TidField || TidField[0] != 8 * sizeof(pid_t))
    return 0;
  return *reinterpret_cast<const pid_t *>(reinterpret_cast<const char *>(Thread) +
                                          TidField[2]);
}

/// Whichever of the creator and the new thread learns the tid first makes
/// the thread known; until then it counts as pending.
void publishTid(ThreadRecord *R, long Tid) {
  long Unknown = 0;
  if (Tid && R->Tid.compare_exchange_strong(Unknown, Tid))
    Registry::get().PendingStarts.fetch_sub(1);
}

// Runs before the start routine, which under ThreadSanitizer is TSan's own
// and sets up its per-thread state: nothing here may call an intercepted
// function (malloc, pthread_mutex_lock, pthread_sigmask...).
void *threadTrampoline(void *Arg) {
  auto *R = static_cast<ThreadRecord *>(Arg);
  Registry &Reg = Registry::get();
  unblockStackSignal();
  publishTid(R, currentTid());
  pthread_setspecific(Reg.Key, R);
  void *Result = R->Start(R->Arg);
  asm volatile("" ::: "memory"); // no tail call: stacks end at this frame
  return Result;
}

// Loads the registry (and the stack signal) when the library is loaded, before
// the program's threads exist, rather than on the first pthread_create.
__attribute__((constructor)) void initRuntime() {
  Registry::get();
  prepareStackSignal();
  setOutermostFunction(OutermostKind::ThreadStart, reinterpret_cast<void *>(threadTrampoline));
}

} // namespace

extern "C" CHANLEAK_EXPORT int pthread_create(pthread_t *Thread, const pthread_attr_t *Attr,
                                              void *(*Start)(void *), void *Arg) {
  Registry &Reg = Registry::get();
  if (!Reg.RealCreate)
    return EAGAIN;
  auto *R = new ThreadRecord;
  R->Start = Start;
  R->Arg = Arg;
  R->Info = createdHere(Reg.NextSerial.fetch_add(1),
                        captureCallerStack(__builtin_frame_address(0)));
  // Registered before it runs, so that a scan never sees it unknown.
  Reg.PendingStarts.fetch_add(1);
  Reg.add(R);
  int Result = Reg.RealCreate(Thread, Attr, threadTrampoline, R);
  if (Result != 0) {
    Reg.PendingStarts.fetch_sub(1);
    R->Exited.store(true); // reclaimed by the next sweep
    return Result;
  }
  publishTid(R, tidOfCreated(*Thread));
  return 0;
}

namespace chanleak {

void SetCurrentTest(const char *Name) {
  Registry &Reg = Registry::get();
  if (!Name || !*Name) {
    Reg.CurrentTest = nullptr;
    return;
  }
  std::lock_guard<std::mutex> Lock(Reg.Mutex);
  Reg.CurrentTest = Reg.TestNames.insert(Name).first->c_str();
}

namespace rt {

long currentTid() { return static_cast<long>(syscall(SYS_gettid)); }

void warn(const std::string &Message) {
  std::string Line = "chanleak: " + Message + "\n";
  ssize_t Ignored = write(STDERR_FILENO, Line.data(), Line.size());
  (void)Ignored;
}

std::string currentTest() {
  const char *Test = Registry::get().CurrentTest.load();
  return Test ? Test : "";
}

CreationInfo createdHere(std::uint64_t Serial, std::vector<std::uintptr_t> CreationPcs) {
  CreationInfo Info;
  Info.Serial = Serial;
  Info.CreatorTid = currentTid();
  char Name[16] = {};
  if (pthread_getname_np(pthread_self(), Name, sizeof(Name)) == 0)
    Info.CreatorName = Name;
  Info.Test = currentTest();
  Info.CreationPcs = std::move(CreationPcs);
  Info.Created = Clock::now();
  return Info;
}

std::unordered_map<long, CreationInfo> lookupCreations(const std::vector<long> &Tids) {
  std::unordered_map<long, CreationInfo> Result;
  Registry::get().withLiveThreads([&](const std::unordered_map<long, ThreadRecord *> &ByTid) {
    for (long Tid : Tids) {
      auto It = ByTid.find(Tid);
      if (It != ByTid.end())
        Result.emplace(Tid, It->second->Info);
    }
  });
  return Result;
}

RegistrySnapshot registrySnapshot() {
  RegistrySnapshot Snapshot;
  Registry &Reg = Registry::get();
  Reg.withLiveThreads([&](const std::unordered_map<long, ThreadRecord *> &ByTid) {
    for (const auto &Entry : ByTid)
      Snapshot.Serials.emplace(Entry.first, Entry.second->Info.Serial);
  });
  for (const std::atomic<long> &Tid : Reg.Exited)
    if (long Exited = Tid.load())
      if (!Snapshot.Serials.count(Exited))
        Snapshot.RecentlyExited.insert(Exited);
  return Snapshot;
}

bool threadsPending() { return Registry::get().PendingStarts.load() > 0; }

bool startedAfterLoad(unsigned long long StartTicks) {
  unsigned long long Loaded = Registry::get().LoadTicks;
  return Loaded && StartTicks >= Loaded;
}

void waitForPendingStarts(std::chrono::milliseconds Bound) {
  Registry &Reg = Registry::get();
  auto Deadline = Clock::now() + Bound;
  while (Reg.PendingStarts.load() > 0 && Clock::now() < Deadline)
    std::this_thread::sleep_for(std::chrono::microseconds(50));
}

} // namespace rt
} // namespace chanleak
