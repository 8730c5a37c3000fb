// Reduced from leanprover/lean4 issue #12094, "Possible deadlock on task
// manager finalization / shutdown when threads are being throttled by
// max_std_workers" (https://github.com/leanprover/lean4/issues/12094; fixed by
// PR #12090, "Wake up throttled workers on shutdown"). What hangs: a worker
// throttled by the active-worker limit waits forever on the queue's condition
// variable, and the finalizer's join() with it, because the shutdown notify
// came before it waited and the last busy worker leaves its loop (`break`)
// without notifying.
//
// Task manager: a fixed set of workers runs queued tasks, at most max_active
// of them at a time; a task that blocks on another lowers the limit.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <semaphore>
#include <thread>
#include <vector>

#include "scenario.h"

class TaskManager {
public:
  TaskManager(std::size_t workers, std::size_t max_active) : max_active_(max_active) {
    for (std::size_t i = 0; i < workers; ++i)
      workers_.emplace_back([this] { WorkerLoop(); }); // CHANLEAK-SPAWN
  }

  void Enqueue(std::function<void()> task) {
    {
      std::lock_guard<std::mutex> lk(mu_);
      queue_.push_back(std::move(task));
    }
    queue_cv_.notify_one();
  }

  void SetMaxActive(std::size_t n) {
    std::lock_guard<std::mutex> lk(mu_);
    max_active_ = n;
  }

  std::size_t Waiting() {
    std::lock_guard<std::mutex> lk(mu_);
    return waiting_;
  }

  // Finalization, first half: no task will be added any more.
  void BeginShutdown() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      shutting_down_ = true;
    }
    queue_cv_.notify_all();
  }

  // Finalization, second half.
  void Join() {
    for (auto &w : workers_)
      w.join();
  }

private:
  void WorkerLoop() {
    std::unique_lock<std::mutex> lk(mu_);
    for (;;) {
      if (queue_.empty() && shutting_down_)
        break;
      if (queue_.empty() || active_ >= max_active_) {
        ++waiting_;
        queue_cv_.wait(lk); // CHANLEAK: chanleak-early-return
        --waiting_;
        continue;
      }
      std::function<void()> task = std::move(queue_.front());
      queue_.pop_front();
      ++active_;
      lk.unlock();
      task();
      lk.lock();
      --active_;
    }
  }

  std::mutex mu_;
  std::condition_variable queue_cv_;
  std::deque<std::function<void()>> queue_;
  std::size_t active_ = 0;
  std::size_t max_active_;
  std::size_t waiting_ = 0; // workers inside queue_cv_.wait
  bool shutting_down_ = false;
  std::vector<std::thread> workers_;
};

void RunLinter() {
  std::counting_semaphore<2> started{0};
  std::binary_semaphore lint_a{0}, lint_b{0};

  TaskManager tm(2, 2);
  tm.Enqueue([&] { started.release(); lint_a.acquire(); }); // lint module A
  tm.Enqueue([&] { started.release(); lint_b.acquire(); }); // lint module B
  started.acquire();
  started.acquire();        // both workers are busy
  tm.SetMaxActive(1);       // a task blocked on another lowers the limit
  tm.Enqueue([] {});        // lint module C, still queued
  tm.BeginShutdown();       // program end: the finalizer starts

  lint_b.release();         // B's worker finishes, sees C queued but is throttled
  while (tm.Waiting() != 1)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  lint_a.release();         // A's worker finishes, runs C, then leaves its loop

  tm.Join();
}

CHANLEAK_SCENARIO_MAIN(RunLinter)
