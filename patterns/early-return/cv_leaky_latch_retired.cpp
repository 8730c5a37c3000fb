// Reduced from valkey-io/valkey-search PR #1139, "Fix ThreadPool
// suspend/resume hang from stale thread count"
// (https://github.com/valkey-io/valkey-search/pull/1139). What hangs: the
// caller of SuspendWorkers() waits in latch::wait() forever, because the latch
// is sized from every thread the pool holds, including a worker marked for
// shutdown, and that worker returns from its loop without counting down.
//
// Search worker pool: before a snapshot every worker is parked and
// acknowledges it; the pool can be shrunk, and a worker told to retire leaves
// on its own and is reaped later.
#include <condition_variable>
#include <cstddef>
#include <latch>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "scenario.h"

class WorkerPool {
public:
  explicit WorkerPool(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      auto w = std::make_unique<Worker>();
      w->thread = std::thread([this, raw = w.get()] { Loop(*raw); });
      workers_.push_back(std::move(w));
    }
  }

  ~WorkerPool() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto &w : workers_)
      w->thread.join();
  }

  // Marks the last n workers for shutdown; they leave their loops at once.
  void Shrink(std::size_t n) {
    {
      std::lock_guard<std::mutex> lk(mu_);
      for (std::size_t i = workers_.size() - n; i < workers_.size(); ++i)
        workers_[i]->retiring = true;
    }
    cv_.notify_all();
  }

  void SuspendWorkers() {
    std::latch *acked;
    {
      std::lock_guard<std::mutex> lk(mu_);
      acks_ = std::make_unique<std::latch>(static_cast<std::ptrdiff_t>(workers_.size()));
      acked = acks_.get();
      suspended_ = true;
    }
    cv_.notify_all();
    acked->wait(); // CHANLEAK: chanleak-early-return
  }

  void ResumeWorkers() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      suspended_ = false;
      acks_.reset();
    }
    cv_.notify_all();
  }

private:
  struct Worker {
    std::thread thread;
    bool retiring = false;
    bool parked = false;
  };

  void Loop(Worker &w) {
    std::unique_lock<std::mutex> lk(mu_);
    for (;;) {
      cv_.wait(lk, [&] { return stop_ || w.retiring || (suspended_ && !w.parked); });
      if (stop_ || w.retiring)
        return;
      w.parked = true;
      acks_->count_down();
      cv_.wait(lk, [&] { return stop_ || !suspended_; });
      w.parked = false;
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool suspended_ = false;
  std::unique_ptr<std::latch> acks_; // counted down with mu_ held
  std::vector<std::unique_ptr<Worker>> workers_;
};

void TakeSnapshot() {
  WorkerPool pool(3);
  pool.Shrink(1);        // the operator lowered the thread count
  pool.SuspendWorkers(); // quiesce before the snapshot
  pool.ResumeWorkers();
}

CHANLEAK_SCENARIO_MAIN(TakeSnapshot)
