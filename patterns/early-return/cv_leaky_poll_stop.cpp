// Reduced from hakasapl/PGPatcher PR #730, "Fix multithreaded exception hang
// and broken --no-multithreading flag" (https://github.com/hakasapl/PGPatcher/pull/730;
// the same fix re-submitted as #731 and merged as #752). What hangs: runTasks()
// polls forever for the completed count to reach the number of tasks, because
// after a task throws the pool is stopped and drops the tasks not yet started,
// so their increments never happen.
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
    while (completed_ < tasks.size()) std::this_thread::sleep_for(1ms); // CHANLEAK: chanleak-early-return
    pool_.Join();
  }

private:
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
  runner.RunTasks(tasks);
}

CHANLEAK_SCENARIO_MAIN(PatchMeshes)
