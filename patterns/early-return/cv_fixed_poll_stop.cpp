// Reduced from hakasapl/PGPatcher PR #730, "Fix multithreaded exception hang
// and broken --no-multithreading flag" (https://github.com/hakasapl/PGPatcher/pull/730;
// the same fix re-submitted as #731 and merged as #752). Fixed twin of
// cv_leaky_poll_stop.cpp: the polling loop also leaves once an exception is
// recorded, joins the pool and rethrows, so the runner returns.
//
// Patch runner: every mesh is patched as a task on a thread pool; the runner
// polls the completed count, and the first exception stops the pool.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "scenario.h"

class ThreadPool {
public:
  ThreadPool() : worker_([this] { Loop(); }) {}
  ~ThreadPool() { Join(); }

  void Submit(std::function<void()> task) {
    {
      std::lock_guard<std::mutex> lk(mu_);
      if (stopped_)
        return;
      queue_.push_back(std::move(task));
    }
    cv_.notify_one();
  }

  // Cancels the tasks not yet started; does not wait for the running one.
  void Stop() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stopped_ = true;
      queue_.clear();
    }
    cv_.notify_all();
  }

  void Join() {
    if (worker_.joinable())
      worker_.join();
  }

private:
  void Loop() {
    std::unique_lock<std::mutex> lk(mu_);
    for (;;) {
      cv_.wait(lk, [this] { return stopped_ || !queue_.empty(); });
      if (queue_.empty())
        return;
      std::function<void()> task = std::move(queue_.front());
      queue_.pop_front();
      lk.unlock();
      task();
      lk.lock();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopped_ = false;
  std::thread worker_;
};

class TaskPoolRunner {
public:
  void RunTasks(const std::vector<std::function<void()>> &tasks) {
    for (const auto &task : tasks)
      pool_.Submit([this, task] {
        try {
          task();
        } catch (...) {
          std::lock_guard<std::mutex> lk(error_mu_);
          error_ = std::current_exception();
          pool_.Stop(); // fail fast: drop what has not started
        }
        ++completed_;
      });
    using namespace std::chrono_literals;
    while (completed_ < tasks.size() && !Failed())
      std::this_thread::sleep_for(1ms);
    pool_.Join();
    if (Failed())
      std::rethrow_exception(error_);
  }

private:
  bool Failed() {
    std::lock_guard<std::mutex> lk(error_mu_);
    return error_ != nullptr;
  }

  ThreadPool pool_;
  std::atomic<std::size_t> completed_{0};
  std::mutex error_mu_;
  std::exception_ptr error_;
};

void PatchMesh(const std::string &path) {
  if (path.size() > 24)
    throw std::runtime_error("output path too long: " + path);
}

void PatchMeshes() {
  TaskPoolRunner runner;
  std::vector<std::function<void()>> tasks;
  for (const char *mesh : {"rock.nif", "meshes/landscape/trees/pine.nif", "wall.nif", "door.nif"})
    tasks.push_back([mesh] { PatchMesh(mesh); });
  try {
    runner.RunTasks(tasks);
  } catch (const std::runtime_error &) {
    // reported in the log; the user fixes the output path and runs again
  }
}

CHANLEAK_SCENARIO_MAIN(PatchMeshes)
