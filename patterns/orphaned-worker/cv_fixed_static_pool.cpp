// Reduced from Kitware/kwiver issue #208, "Windows executable hanging on
// termination in thread_pool" (https://github.com/Kitware/kwiver/issues/208).
// Fixed twin of cv_leaky_static_pool.cpp: as the report's workaround does, the
// program stops the singleton pool before it leaves, so no worker is left
// waiting.
//
// Feature tracker: frames are processed on the process-wide thread pool.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "scenario.h"

class ThreadPool {
public:
  static ThreadPool &Instance() {
    static ThreadPool pool(2);
    return pool;
  }

  std::future<int> Enqueue(std::function<int()> job) {
    auto task = std::make_shared<std::packaged_task<int()>>(std::move(job));
    std::future<int> result = task->get_future();
    {
      std::lock_guard<std::mutex> lk(mu_);
      queue_.push_back([task] { (*task)(); });
    }
    cv_.notify_one();
    return result;
  }

  // Stops the workers.
  void Shutdown() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto &w : workers_)
      if (w.joinable())
        w.join();
  }

  ~ThreadPool() { Shutdown(); }

private:
  explicit ThreadPool(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
      workers_.emplace_back([this] { Loop(); });
  }

  void Loop() {
    std::unique_lock<std::mutex> lk(mu_);
    for (;;) {
      cv_.wait(lk, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty())
        return;
      std::function<void()> job = std::move(queue_.front());
      queue_.pop_front();
      lk.unlock();
      job();
      lk.lock();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

int DetectFeatures(int frame) { return 40 + frame % 7; }

void TrackVideo() {
  std::vector<std::future<int>> features;
  for (int frame = 0; frame < 4; ++frame)
    features.push_back(ThreadPool::Instance().Enqueue([frame] { return DetectFeatures(frame); }));
  int total = 0;
  for (auto &f : features)
    total += f.get();
  (void)total;
  ThreadPool::Instance().Shutdown(); // done with the pool before leaving main
}

CHANLEAK_SCENARIO_MAIN(TrackVideo)
