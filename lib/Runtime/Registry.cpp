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

struct ThreadRecord {
  CreationInfo Info;
  long Tid = 0;
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
    pthread_key_create(&Key, [](void *R) { get().unregister(static_cast<ThreadRecord *>(R)); });
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
  std::atomic<const char *> CurrentTest{nullptr};

  void registerSelf(ThreadRecord *R) {
    R->Tid = currentTid();
    std::lock_guard<std::mutex> Lock(Mutex);
    ByTid[R->Tid] = R;
  }

  void unregister(ThreadRecord *R) {
    {
      std::lock_guard<std::mutex> Lock(Mutex);
      auto It = ByTid.find(R->Tid);
      if (It != ByTid.end() && It->second == R)
        ByTid.erase(It);
      Exited[ExitedNext++ % ExitedRingSize] = R->Tid;
    }
    delete R;
  }

  std::mutex Mutex;
  std::unordered_map<long, ThreadRecord *> ByTid;
  long Exited[ExitedRingSize] = {};
  std::size_t ExitedNext = 0;
  std::set<std::string> TestNames; ///< interned: CurrentTest points into it

private:
  /// After fork only the forking thread survives, under a new tid.
  void resetInChild() {
    ThreadRecord *Self = static_cast<ThreadRecord *>(pthread_getspecific(Key));
    for (auto &Entry : ByTid)
      if (Entry.second != Self)
        delete Entry.second;
    ByTid.clear();
    if (Self) {
      Self->Tid = currentTid();
      ByTid[Self->Tid] = Self;
    }
    std::fill(std::begin(Exited), std::end(Exited), 0);
    PendingStarts = 0;
    Mutex.unlock();
  }
};

void *threadTrampoline(void *Arg) {
  auto *R = static_cast<ThreadRecord *>(Arg);
  Registry &Reg = Registry::get();
  unblockStackSignal();
  Reg.registerSelf(R);
  pthread_setspecific(Reg.Key, R);
  Reg.PendingStarts.fetch_sub(1);
  return R->Start(R->Arg);
}

// Loads the registry (and the stack signal) when the library is loaded, before
// the program's threads exist, rather than on the first pthread_create.
__attribute__((constructor)) void initRuntime() {
  Registry::get();
  prepareStackSignal();
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
  R->Info.Serial = Reg.NextSerial.fetch_add(1);
  R->Info.CreatorTid = currentTid();
  char Name[16] = {};
  if (pthread_getname_np(pthread_self(), Name, sizeof(Name)) == 0)
    R->Info.CreatorName = Name;
  if (const char *Test = Reg.CurrentTest.load())
    R->Info.Test = Test;
  R->Info.CreationPcs = captureCurrentStack(/*Skip=*/1);
  R->Info.Created = Clock::now();
  Reg.PendingStarts.fetch_add(1);
  int Result = Reg.RealCreate(Thread, Attr, threadTrampoline, R);
  if (Result != 0) {
    Reg.PendingStarts.fetch_sub(1);
    delete R;
  }
  return Result;
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

std::unordered_map<long, CreationInfo> lookupCreations(const std::vector<long> &Tids) {
  Registry &Reg = Registry::get();
  std::unordered_map<long, CreationInfo> Result;
  std::lock_guard<std::mutex> Lock(Reg.Mutex);
  for (long Tid : Tids) {
    auto It = Reg.ByTid.find(Tid);
    if (It != Reg.ByTid.end())
      Result.emplace(Tid, It->second->Info);
  }
  return Result;
}

std::uint64_t serialOf(long Tid) {
  Registry &Reg = Registry::get();
  std::lock_guard<std::mutex> Lock(Reg.Mutex);
  auto It = Reg.ByTid.find(Tid);
  return It == Reg.ByTid.end() ? 0 : It->second->Info.Serial;
}

std::vector<long> registeredTids() {
  Registry &Reg = Registry::get();
  std::vector<long> Tids;
  std::lock_guard<std::mutex> Lock(Reg.Mutex);
  for (const auto &Entry : Reg.ByTid)
    Tids.push_back(Entry.first);
  return Tids;
}

bool isExiting(long Tid) {
  Registry &Reg = Registry::get();
  std::lock_guard<std::mutex> Lock(Reg.Mutex);
  if (Reg.ByTid.count(Tid))
    return false;
  return std::find(std::begin(Reg.Exited), std::end(Reg.Exited), Tid) !=
         std::end(Reg.Exited);
}

void waitForPendingStarts(std::chrono::milliseconds Bound) {
  Registry &Reg = Registry::get();
  auto Deadline = Clock::now() + Bound;
  while (Reg.PendingStarts.load() > 0 && Clock::now() < Deadline)
    std::this_thread::sleep_for(std::chrono::microseconds(50));
}

} // namespace rt
} // namespace chanleak
