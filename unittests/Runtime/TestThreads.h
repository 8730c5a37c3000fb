//===- TestThreads.h - threads the runtime tests block and release --------===//

#ifndef CHANLEAK_UNITTESTS_RUNTIME_TESTTHREADS_H
#define CHANLEAK_UNITTESTS_RUNTIME_TESTTHREADS_H

#include "chanleak/runtime.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <sys/syscall.h>
#include <unistd.h>

namespace chanleak {
namespace testing_support {

inline long currentTid() { return static_cast<long>(::syscall(SYS_gettid)); }

/// Threads wait on it until it opens. Waiting and opening never allocate, so
/// a thread holding the allocator's lock can be released through a Gate.
class Gate {
public:
  void wait() {
    std::unique_lock<std::mutex> Lock(M);
    CV.wait(Lock, [this] { return IsOpen; });
  }
  void open() {
    {
      std::lock_guard<std::mutex> Lock(M);
      IsOpen = true;
    }
    CV.notify_all();
  }

private:
  std::mutex M;
  std::condition_variable CV;
  bool IsOpen = false;
};

/// Collects the kernel ids of threads as they start; waitFor(N) returns once
/// N threads have registered.
class TidRegistry {
public:
  void add(long Tid) {
    {
      std::lock_guard<std::mutex> Lock(M);
      Tids.insert(Tid);
    }
    CV.notify_all();
  }
  std::set<long> waitFor(size_t N) {
    std::unique_lock<std::mutex> Lock(M);
    CV.wait(Lock, [&] { return Tids.size() >= N; });
    return Tids;
  }

private:
  std::mutex M;
  std::condition_variable CV;
  std::set<long> Tids;
};

/// Threads that block on one Gate until release() (or destruction).
class BlockedThreads {
public:
  ~BlockedThreads() { release(); }

  /// Starts a thread running Body(Gate) and returns its kernel id once it
  /// runs. Body must return once the Gate opens.
  template <typename BodyT> long start(BodyT Body) {
    std::atomic<long> &Tid = Tids.emplace_back(0);
    Threads.emplace_back([this, Body, &Tid] {
      Tid = currentTid();
      Body(Release);
    });
    while (Tid == 0)
      std::this_thread::yield();
    return Tid;
  }
  long start() {
    return start([](Gate &G) { G.wait(); });
  }

  void release() {
    Release.open();
    for (std::thread &T : Threads)
      T.join();
    Threads.clear();
  }

private:
  Gate Release;
  std::vector<std::thread> Threads;
  std::deque<std::atomic<long>> Tids; // stable addresses
};

inline std::multiset<long> tidsOf(const std::vector<LeakedThread> &Threads) {
  std::multiset<long> Tids;
  for (const LeakedThread &T : Threads)
    Tids.insert(T.Tid);
  return Tids;
}

inline bool contains(const std::vector<LeakedThread> &Threads, long Tid) {
  for (const LeakedThread &T : Threads)
    if (T.Tid == Tid)
      return true;
  return false;
}

} // namespace testing_support
} // namespace chanleak

#endif
