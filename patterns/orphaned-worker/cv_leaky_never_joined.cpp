// Reduced from facebook/rocksdb PR #11351, "Force thread cleanup in threadpool
// destructor" (https://github.com/facebook/rocksdb/pull/11351). What hangs:
// the pool's background threads wait on its condition variable forever,
// because the thread pool expects its host to call JoinAllThreads() and the
// host (there MariaDB) never does; the pool object is simply left behind.
//
// Storage engine plugin: the host opens a database whose background pool runs
// flushes; the plugin keeps the database behind a raw pointer.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "scenario.h"

class ThreadPoolImpl {
public:
  void SetBackgroundThreads(std::size_t n) {
    std::lock_guard<std::mutex> lk(mu_);
    while (threads_.size() < n)
      threads_.emplace_back([this] { BGThread(); }); // CHANLEAK-SPAWN
  }

  void Schedule(std::function<void()> job) {
    {
      std::lock_guard<std::mutex> lk(mu_);
      queue_.push_back(std::move(job));
    }
    bgsignal_.notify_one();
  }

  // The owner must call this before the pool goes away.
  void JoinAllThreads() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      exit_all_ = true;
    }
    bgsignal_.notify_all();
    for (auto &t : threads_)
      t.join();
    threads_.clear();
  }

private:
  void BGThread() {
    std::unique_lock<std::mutex> lk(mu_);
    for (;;) {
      bgsignal_.wait(lk, [this] { return exit_all_ || !queue_.empty(); }); // CHANLEAK: chanleak-orphaned-worker
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
  std::condition_variable bgsignal_;
  std::deque<std::function<void()>> queue_;
  bool exit_all_ = false;
  std::vector<std::thread> threads_;
};

class DB {
public:
  DB() { pool_.SetBackgroundThreads(2); }

  void JoinAllThreads() { pool_.JoinAllThreads(); }

  std::future<void> Put(std::string key, std::string value) {
    auto flushed = std::make_shared<std::promise<void>>();
    pool_.Schedule([this, flushed, key = std::move(key), value = std::move(value)] {
      std::lock_guard<std::mutex> lk(mu_);
      table_[key] = value; // flush to the table
      flushed->set_value();
    });
    return flushed->get_future();
  }

private:
  std::mutex mu_;
  std::map<std::string, std::string> table_;
  ThreadPoolImpl pool_;
};

DB *g_engine_db = nullptr; // the plugin's handle

void StorageEngineInit() { g_engine_db = new DB; }

void StorageEngineDeinit() {
  g_engine_db = nullptr; // the host unloads the plugin
}

void ServeQueries() {
  StorageEngineInit();
  g_engine_db->Put("user:1", "alice").wait();
  g_engine_db->Put("user:2", "bob").wait();
  StorageEngineDeinit();
}

CHANLEAK_SCENARIO_MAIN(ServeQueries)
