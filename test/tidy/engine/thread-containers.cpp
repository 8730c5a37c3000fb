// Threads and futures kept in a container: a range-for or an iterator over
// it names its elements, so `for (auto &w : workers) w.join()` waits for
// every thread put there. A future of unknown make put into a container
// (a pool's submit) is completed by code the engine does not see.
// RUN: %check_chanleak_tidy %s chanleak-range-without-close,chanleak-orphaned-worker %t -- -- -I%S/../../../patterns/include

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <msd/channel.hpp>
#include <mutex>
#include <thread>
#include <vector>

// Leaky: the joins come before the close, so the consumers never end and
// the joins wait forever.
void leaky_join_all_then_close(int n) {
  msd::channel<int> jobs{4};
  std::vector<std::thread> consumers;
  for (int i = 0; i < 2; ++i)
    consumers.emplace_back([&jobs] { for (int j : jobs) (void)j; });
  for (int i = 0; i < n; ++i)
    jobs << i;
  for (auto &c : consumers)
    c.join();
  jobs.close();
}
// CHECK-NOTES: :[[@LINE-7]]:51: warning: receive loop over 'jobs' never ends: 'jobs' is not closed on every path [chanleak-range-without-close]
// CHECK-NOTES: :[[@LINE-8]]:5: note: thread spawned here, 2 times in a loop; it receives from 'jobs'
// CHECK-NOTES: :[[@LINE-5]]:5: note: 'leaky_join_all_then_close' waits here forever to join a stranded thread, without closing 'jobs'

// Fixed: closed before the joins.
void fixed_close_then_join_all(int n) {
  msd::channel<int> jobs{4};
  std::vector<std::thread> consumers;
  for (int i = 0; i < 2; ++i)
    consumers.emplace_back([&jobs] { for (int j : jobs) (void)j; });
  for (int i = 0; i < n; ++i)
    jobs << i;
  jobs.close();
  for (auto &c : consumers)
    c.join();
}

// Leaky: the same through an explicit iterator.
void leaky_iterator_join_then_close(int n) {
  msd::channel<int> jobs{4};
  std::vector<std::thread> consumers;
  for (int i = 0; i < 2; ++i)
    consumers.emplace_back([&jobs] { for (int j : jobs) (void)j; });
  for (int i = 0; i < n; ++i)
    jobs << i;
  for (auto it = consumers.begin(); it != consumers.end(); ++it)
    it->join();
  jobs.close();
}
// CHECK-NOTES: :[[@LINE-7]]:51: warning: receive loop over 'jobs' never ends: 'jobs' is not closed on every path [chanleak-range-without-close]
// CHECK-NOTES: :[[@LINE-8]]:5: note: thread spawned here, 2 times in a loop; it receives from 'jobs'
// CHECK-NOTES: :[[@LINE-5]]:5: note: 'leaky_iterator_join_then_close' waits here forever to join a stranded thread, without closing 'jobs'

// Fixed: the iterator twin closes first.
void fixed_iterator_close_then_join(int n) {
  msd::channel<int> jobs{4};
  std::vector<std::thread> consumers;
  for (int i = 0; i < 2; ++i)
    consumers.emplace_back([&jobs] { for (int j : jobs) (void)j; });
  for (int i = 0; i < n; ++i)
    jobs << i;
  jobs.close();
  for (auto it = consumers.begin(); it != consumers.end(); ++it)
    it->join();
}

// A pool whose workers run queued jobs; the futures it hands out are set
// by a packaged_task inside a std::function the engine cannot follow.
class Pool {
public:
  explicit Pool(int n) {
    for (int i = 0; i < n; ++i)
      workers_.emplace_back([this] { loop(); });
  }
  std::future<int> submit(std::function<int()> job) {
    auto task = std::make_shared<std::packaged_task<int()>>(std::move(job));
    std::future<int> result = task->get_future();
    {
      std::lock_guard<std::mutex> lk(mu_);
      queue_.push_back([task] { (*task)(); });
    }
    cv_.notify_one();
    return result;
  }
  void shutdown() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto &w : workers_)
      w.join();
  }

private:
  void loop() {
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

// Fixed: every future is waited for, then the pool is stopped.
int fixed_pool_futures_then_shutdown() {
  Pool pool(2);
  std::vector<std::future<int>> parts;
  for (int i = 0; i < 4; ++i)
    parts.push_back(pool.submit([i] { return i; }));
  int total = 0;
  for (auto &p : parts)
    total += p.get();
  pool.shutdown();
  return total;
}

// Leaky: the pool is never shut down.
int leaky_pool_never_shut_down() {
  Pool pool(2);
  std::vector<std::future<int>> parts;
  for (int i = 0; i < 4; ++i)
    parts.push_back(pool.submit([i] { return i; }));
  int total = 0;
  for (auto &p : parts)
    total += p.get();
  return total;
}
// CHECK-NOTES: :[[@LINE-41]]:7: warning: worker of 'pool' waits here forever: 'pool' is started but not stopped on every path, so nothing notifies 'cv_' [chanleak-orphaned-worker]
// CHECK-NOTES: :[[@LINE-68]]:7: note: thread spawned here, once per loop iteration; it waits on 'cv_'
// CHECK-NOTES: :[[@LINE-11]]:8: note: 'pool' is started here
// CHECK-NOTES: :[[@LINE-5]]:3: note: 'leaky_pool_never_shut_down' returns here without stopping 'pool'

// Fixed: std::async futures in a vector, each waited for.
int work(int i) { return i; }
int fixed_async_futures(int n) {
  std::vector<std::future<int>> parts;
  for (int i = 0; i < n; ++i)
    parts.push_back(std::async(std::launch::async, work, i));
  int total = 0;
  for (auto &p : parts)
    total += p.get();
  return total;
}

// Leaky: the root hangs joining a consumer that is never released; the
// pool it would shut down afterwards is stranded by that hang, not a
// second leak.
void leaky_join_hangs_before_shutdown() {
  Pool pool(1);
  msd::channel<int> jobs{1};
  std::vector<std::thread> consumers;
  consumers.emplace_back([&jobs] { for (int j : jobs) (void)j; });
  for (auto &c : consumers)
    c.join();
  jobs.close();
  pool.shutdown();
}
// CHECK-NOTES: :[[@LINE-6]]:49: warning: receive loop over 'jobs' never ends: 'jobs' is not closed on every path [chanleak-range-without-close]
// CHECK-NOTES: :[[@LINE-7]]:3: note: thread spawned here; it receives from 'jobs'
// CHECK-NOTES: :[[@LINE-6]]:5: note: 'leaky_join_hangs_before_shutdown' waits here forever to join a stranded thread, without closing 'jobs'
