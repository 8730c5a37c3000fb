// A function that makes and starts a worker, called twice: the first call's
// worker still runs while the second call makes its own. The first worker
// keeps its own members (its flag was cleared, its condition variable was
// notified), so stopping every worker leaves none waiting; a call that
// returns early without stopping its worker strands it.
// RUN: %check_chanleak_tidy %s 'chanleak-*' %t
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

struct PrefetchWorker : std::enable_shared_from_this<PrefetchWorker> {
  void start() {
    std::thread([self = shared_from_this()] { self->loop(); }).detach();
  }
  void stop() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      running_ = false;
    }
    cv_.notify_all();
  }
  void loop() {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [&] { return !running_; });
  }
  std::mutex mu_;
  std::condition_variable cv_;
  bool running_ = true;
};

void warm_cache() {
  auto w = std::make_shared<PrefetchWorker>();
  w->start();
  w->stop();
}

void boot() {
  warm_cache();
  warm_cache();
}

struct IndexWorker : std::enable_shared_from_this<IndexWorker> {
  void loop() {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [&] { return !running_; });
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: worker of 'w' waits here forever: 'w' is started but not stopped on every path, so nothing notifies 'cv_' [chanleak-orphaned-worker]
  }
  void start() {
    std::thread([self = shared_from_this()] { self->loop(); }).detach();
    // CHECK-NOTES: :[[@LINE-1]]:5: note: thread spawned here; it waits on 'cv_'
  }
  void stop() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      running_ = false;
    }
    cv_.notify_all();
  }
  std::mutex mu_;
  std::condition_variable cv_;
  bool running_ = true;
};

int build_index(bool corrupt) {
  auto w = std::make_shared<IndexWorker>();
  w->start();
  // CHECK-NOTES: :[[@LINE-1]]:3: note: 'w' is started here
  if (corrupt)
    return -1;
  // CHECK-NOTES: :[[@LINE-1]]:5: note: 'build_index' returns here without stopping 'w'
  w->stop();
  return 0;
}

void reindex() {
  build_index(false);
  build_index(true);
}
