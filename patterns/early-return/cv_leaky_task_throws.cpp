// Reduced from taskflow/taskflow issue #479, "Deadlock on exception throw"
// (https://github.com/taskflow/taskflow/issues/479). What hangs: the caller
// waits forever in Run::Wait(), because the step that throws skips the
// decrement of the run's pending count and the notify that would have
// released the waiter.
//
// Build steps run on a small executor; the caller submits a graph of steps
// and waits for the run to finish.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "scenario.h"

class Run {
public:
  explicit Run(std::size_t steps) : pending_(steps) {}

  void StepDone() {
    std::lock_guard<std::mutex> lk(mu_);
    if (--pending_ == 0)
      done_.notify_all();
  }

  void Wait() {
    std::unique_lock<std::mutex> lk(mu_);
    done_.wait(lk, [this] { return pending_ == 0; }); // CHANLEAK: chanleak-early-return
  }

private:
  std::mutex mu_;
  std::condition_variable done_;
  std::size_t pending_;
};

class Executor {
public:
  Executor() : worker_([this] { Loop(); }) {}
  ~Executor() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stop_ = true;
    }
    work_.notify_all();
    worker_.join();
  }

  std::shared_ptr<Run> Submit(const std::vector<std::function<void()>> &steps) {
    auto run = std::make_shared<Run>(steps.size());
    {
      std::lock_guard<std::mutex> lk(mu_);
      for (const auto &s : steps)
        queue_.push_back({run, s});
    }
    work_.notify_one();
    return run;
  }

private:
  struct Item {
    std::shared_ptr<Run> run;
    std::function<void()> step;
  };

  void Loop() {
    std::unique_lock<std::mutex> lk(mu_);
    for (;;) {
      work_.wait(lk, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty())
        return;
      Item item = std::move(queue_.front());
      queue_.pop_front();
      lk.unlock();
      try {
        item.step();
        item.run->StepDone();
      } catch (...) {
        // keep the worker alive for the next run
      }
      lk.lock();
    }
  }

  std::mutex mu_;
  std::condition_variable work_;
  std::deque<Item> queue_;
  bool stop_ = false;
  std::thread worker_;
};

int g_objects = 0;

void BuildTarget() {
  Executor executor;
  auto run = executor.Submit({
      [] { ++g_objects; },                                      // compile a.cc
      [] { throw std::runtime_error("b.cc: syntax error"); },  // compile b.cc
      [] { ++g_objects; },                                      // link
  });
  run->Wait();
}

CHANLEAK_SCENARIO_MAIN(BuildTarget)
