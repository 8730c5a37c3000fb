// A function-local static is constructed by the first call that reaches its
// declaration only: a pool behind `Instance()` starts its workers once, however
// often `Instance()` is called. Its destructor runs after main, if at all, so a
// worker that only the destructor would release is orphaned unless the program
// shuts the pool down itself.
// RUN: %check_chanleak_tidy %s chanleak-orphaned-worker %t
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

class Pool {
public:
  static Pool &Instance() {
    static Pool pool(2);
    return pool;
  }

  void Post(std::function<void()> job) {
    {
      std::lock_guard<std::mutex> lk(mu_);
      jobs_.push_back(std::move(job));
    }
    cv_.notify_one();
  }

  void Shutdown() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto &w : workers_)
      w.join();
    workers_.clear();
  }

  ~Pool() { Shutdown(); }

private:
  explicit Pool(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
      workers_.emplace_back([this] { Run(); });
  }

  void Run() {
    std::unique_lock<std::mutex> lk(mu_);
    for (;;) {
      cv_.wait(lk, [this] { return stop_ || !jobs_.empty(); });
      // CHECK-NOTES: :[[@LINE-1]]:7: warning: worker of 'pool' waits here forever: 'pool' is started but not stopped on every path, so nothing notifies 'cv_' [chanleak-orphaned-worker]
      // CHECK-NOTES: :[[@LINE-8]]:7: note: thread spawned here, once per loop iteration; it waits on 'cv_'
      // CHECK-NOTES: :[[@LINE-37]]:17: note: 'pool' is started here
      if (jobs_.empty())
        return;
      std::function<void()> job = std::move(jobs_.front());
      jobs_.pop_front();
      lk.unlock();
      job();
      lk.lock();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

void Work(int);

// The pool is left running when the function returns.
void PostTwice() {
  Pool::Instance().Post([] { Work(1); });
  Pool::Instance().Post([] { Work(2); });
}
// CHECK-NOTES: :[[@LINE-1]]:1: note: 'PostTwice' ends here without stopping 'pool'

class OncePool {
public:
  static OncePool &Instance() {
    static OncePool pool(2);
    return pool;
  }

  void Post(std::function<void()> job) {
    {
      std::lock_guard<std::mutex> lk(mu_);
      jobs_.push_back(std::move(job));
    }
    cv_.notify_one();
  }

  void Shutdown() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto &w : workers_)
      w.join();
    workers_.clear();
  }

private:
  explicit OncePool(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
      workers_.emplace_back([this] { Run(); });
  }

  void Run() {
    std::unique_lock<std::mutex> lk(mu_);
    for (;;) {
      cv_.wait(lk, [this] { return stop_ || !jobs_.empty(); });
      if (jobs_.empty())
        return;
      std::function<void()> job = std::move(jobs_.front());
      jobs_.pop_front();
      lk.unlock();
      job();
      lk.lock();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

// Fixed: the pool is shut down before the function returns. Constructing it
// again at the second Instance() would reset its queue under running workers.
void PostTwiceThenShutdown() {
  OncePool::Instance().Post([] { Work(1); });
  OncePool::Instance().Post([] { Work(2); });
  OncePool::Instance().Shutdown();
}
