//===- Fibers.cpp - Boost.Fiber fibers parked forever --------------------===//
//
// A fiber blocked on a Boost.Fiber channel, mutex, condition variable, future
// or join is not a blocked thread: its host thread goes on running other
// fibers, or sits in the fiber scheduler at thread exit, and the fiber's own
// stack is out of the stack sampler's reach. So libboost_fiber's exported
// functions are interposed; the inline header code calls them through the
// PLT, and the library calls its own through its PLT too:
//   fiber::start_()           a new fiber, on its creator's stack
//   context::suspend(lock&)   every untimed park: wait_queue::suspend_and_wait
//                             (channels, mutex, condition_variable, future,
//                             join) and unbuffered_channel::push waiting for
//                             its value to be taken; on the fiber's own stack
//   context::~context()       a fiber's end (its last reference is gone)
// Timed waits (wait_queue::suspend_and_wait_until, sleep_for) and yield go
// through other functions and end by themselves: they are not recorded.
// The real functions come from dlsym(RTLD_NEXT, <mangled name>): nothing here
// depends on Boost, and in a program without it nothing here is called.
//
//===----------------------------------------------------------------------===//
#include "RuntimeInternal.h"

#include <atomic>
#include <cstdlib>
#include <dlfcn.h>
#include <memory>
#include <mutex>
#include <pthread.h>

using namespace chanleak;
using namespace chanleak::rt;

namespace {

/// A fiber is known by its boost::fibers::context, which it keeps for life.
using ContextPtr = const void *;

struct Parking {
  long HostTid = 0;
  std::vector<std::uintptr_t> Pcs;
};

class FiberTable {
public:
  FiberTable() {
    pthread_atfork([] { get().prepareFork(); },
                   [] { get().Mutex.unlock(); },
                   [] { get().resetInChild(); });
  }

  static FiberTable &get() {
    static FiberTable *Instance = new FiberTable; // never destroyed: fibers outlive exit
    return *Instance;
  }

  std::atomic<std::uint64_t> NextSerial{1};
  std::mutex Mutex; ///< guards what follows
  std::unordered_map<ContextPtr, CreationInfo> Created;
  std::unordered_map<ContextPtr, Parking> Parked;
  /// Each fiber's last park, to take the same park's stack again cheaply.
  std::unordered_map<ContextPtr, std::unique_ptr<StackMemo>> Memos;

  StackMemo &memoFor(ContextPtr Context) {
    std::lock_guard<std::mutex> Lock(Mutex);
    std::unique_ptr<StackMemo> &Memo = Memos[Context];
    if (!Memo)
      Memo = std::make_unique<StackMemo>(StackMemo::Owner::Fiber);
    return *Memo;
  }

private:
  void prepareFork() {
    Mutex.lock();
    ForkingTid = currentTid();
  }

  /// After fork only the forking thread survives, under a new tid, and only
  /// the fibers it hosts can ever run again.
  void resetInChild() {
    long Self = currentTid();
    for (auto It = Parked.begin(); It != Parked.end();) {
      if (It->second.HostTid != ForkingTid) {
        It = Parked.erase(It);
        continue;
      }
      It->second.HostTid = Self;
      ++It;
    }
    Mutex.unlock();
  }

  long ForkingTid = 0;
};

/// The next definition of Mangled after this one: libboost_fiber's.
template <typename Fn> Fn nextDefinition(const char *Mangled) {
  void *Real = dlsym(RTLD_NEXT, Mangled);
  if (!Real) {
    // Only reachable when the program calls Boost.Fiber, so it is loaded.
    warn(std::string("cannot find Boost.Fiber's ") + Mangled + ": " + dlerror());
    std::abort();
  }
  return reinterpret_cast<Fn>(Real);
}

/// The context a boost::fibers::fiber holds: its first and only member is an
/// intrusive_ptr<context>, a bare pointer (boost/fiber/fiber.hpp, 1.81).
ContextPtr contextOf(const void *Fiber) { return *static_cast<const void *const *>(Fiber); }

void recordStart(ContextPtr Context, std::vector<std::uintptr_t> CreationPcs) {
  FiberTable &Table = FiberTable::get();
  CreationInfo Info = createdHere(Table.NextSerial.fetch_add(1), std::move(CreationPcs));
  std::lock_guard<std::mutex> Lock(Table.Mutex);
  Table.Created[Context] = std::move(Info);
}

void recordPark(ContextPtr Context, std::vector<std::uintptr_t> Pcs) {
  Parking P;
  P.HostTid = currentTid();
  P.Pcs = std::move(Pcs);
  FiberTable &Table = FiberTable::get();
  std::lock_guard<std::mutex> Lock(Table.Mutex);
  Table.Parked[Context] = std::move(P);
}

void forgetPark(ContextPtr Context) {
  FiberTable &Table = FiberTable::get();
  std::lock_guard<std::mutex> Lock(Table.Mutex);
  Table.Parked.erase(Context);
}

void forgetFiber(ContextPtr Context) {
  FiberTable &Table = FiberTable::get();
  std::lock_guard<std::mutex> Lock(Table.Mutex);
  Table.Created.erase(Context);
  Table.Parked.erase(Context);
  Table.Memos.erase(Context);
}

} // namespace

// Member functions take `this` first; no return value, nothing returned in
// memory: plain C functions of the same symbol names are ABI-compatible.
extern "C" {

/// boost::fibers::fiber::start_()
CHANLEAK_EXPORT void _ZN5boost6fibers5fiber6start_Ev(void *Fiber) {
  using StartFn = void (*)(void *);
  static const StartFn Real = nextDefinition<StartFn>("_ZN5boost6fibers5fiber6start_Ev");
  // Before the real start_: with launch::dispatch the new fiber runs (and may
  // park) before start_ returns.
  recordStart(contextOf(Fiber), captureCallerStack(__builtin_frame_address(0)));
  Real(Fiber);
}

/// boost::fibers::context::suspend(std::unique_lock<detail::spinlock_ttas>&)
CHANLEAK_EXPORT void
_ZN5boost6fibers7context7suspendERSt11unique_lockINS0_6detail13spinlock_ttasEE(void *Context,
                                                                             void *Lock) {
  using SuspendFn = void (*)(void *, void *);
  static const SuspendFn Real = nextDefinition<SuspendFn>(
      "_ZN5boost6fibers7context7suspendERSt11unique_lockINS0_6detail13spinlock_ttasEE");
  // On the fiber's own stack: only its own memo may remember it.
  recordPark(Context, captureCallerStack(__builtin_frame_address(0),
                                         FiberTable::get().memoFor(Context)));
  Real(Context, Lock);
  forgetPark(Context);
}

/// boost::fibers::context::~context() (base object destructor, which the
/// destructors of worker contexts call).
CHANLEAK_EXPORT void _ZN5boost6fibers7contextD2Ev(void *Context) {
  using DestructorFn = void (*)(void *);
  static const DestructorFn Real = nextDefinition<DestructorFn>("_ZN5boost6fibers7contextD2Ev");
  forgetFiber(Context);
  Real(Context);
}

} // extern "C"

namespace chanleak {
namespace rt {

std::vector<ParkedFiber> parkedFibers() {
  FiberTable &Table = FiberTable::get();
  std::lock_guard<std::mutex> Lock(Table.Mutex);
  std::vector<ParkedFiber> Result;
  Result.reserve(Table.Parked.size());
  for (const auto &Entry : Table.Parked) {
    ParkedFiber F;
    F.HostTid = Entry.second.HostTid;
    F.Pcs = Entry.second.Pcs;
    auto Creation = Table.Created.find(Entry.first);
    F.HasCreation = Creation != Table.Created.end();
    if (F.HasCreation)
      F.Creation = Creation->second;
    Result.push_back(std::move(F));
  }
  return Result;
}

std::unordered_set<std::uint64_t> liveFiberSerials() {
  FiberTable &Table = FiberTable::get();
  std::lock_guard<std::mutex> Lock(Table.Mutex);
  std::unordered_set<std::uint64_t> Serials;
  for (const auto &Entry : Table.Created)
    Serials.insert(Entry.second.Serial);
  return Serials;
}

} // namespace rt
} // namespace chanleak
