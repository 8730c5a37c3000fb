// Reduced from AdaptiveCpp/AdaptiveCpp issue #658, "Deadlock when using
// hipSYCL in multithreaded applications"
// (https://github.com/AdaptiveCpp/AdaptiveCpp/issues/658; fixed by PR #664,
// "Fix async worker deadlocks by using notify_all()"). What hangs: of the
// threads waiting in queue.wait() for the worker to drain, all but one wait
// forever although the queue is empty, because the worker announces the
// drained queue with notify_one().
//
// Device queue: a background worker runs the submitted operations in order;
// several host threads share the queue and wait for it to drain.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <semaphore>
#include <thread>
#include <vector>

#include "scenario.h"

class AsyncWorker {
public:
  AsyncWorker() : thread_([this] { Work(); }) {}
  ~AsyncWorker() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stop_ = true;
    }
    work_cv_.notify_all();
    thread_.join();
  }

  void Submit(std::function<void()> op) {
    {
      std::lock_guard<std::mutex> lk(mu_);
      queue_.push_back(std::move(op));
    }
    work_cv_.notify_one();
  }

  // Returns once every submitted operation has run.
  void Wait() {
    std::unique_lock<std::mutex> lk(mu_);
    ++waiters_;
    idle_cv_.wait(lk, [this] { return queue_.empty(); });
    --waiters_;
  }

  std::size_t Waiters() {
    std::lock_guard<std::mutex> lk(mu_);
    return waiters_;
  }

private:
  void Work() {
    std::unique_lock<std::mutex> lk(mu_);
    for (;;) {
      work_cv_.wait(lk, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty())
        return;
      std::function<void()> op = queue_.front();
      lk.unlock();
      op();
      lk.lock();
      queue_.pop_front(); // popped once done, so that Wait() covers it while it runs
      if (queue_.empty())
        idle_cv_.notify_one();
    }
  }

  std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable idle_cv_;
  std::deque<std::function<void()>> queue_;
  std::size_t waiters_ = 0; // threads inside idle_cv_.wait
  bool stop_ = false;
  std::thread thread_;
};

void SimulationStep() {
  AsyncWorker queue;
  std::binary_semaphore kernel_done{0};
  queue.Submit([&] { kernel_done.acquire(); }); // the force kernel, still running

  std::vector<std::thread> ranks;
  for (int r = 0; r < 2; ++r)
    ranks.emplace_back([&queue] { queue.Wait(); }); // CHANLEAK: chanleak-take-first // CHANLEAK-SPAWN
  while (queue.Waiters() != 2) // both ranks are waiting for the kernel
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  kernel_done.release();

  for (auto &t : ranks)
    t.join();
}

CHANLEAK_SCENARIO_MAIN(SimulationStep)
