// Reduced from taskflow/taskflow issue #479, "Deadlock on exception throw"
// (https://github.com/taskflow/taskflow/issues/479). Fixed twin of
// cv_leaky_task_throws.cpp: a step that throws still counts as done (its
// exception is kept in the run and rethrown by Wait()), so the waiter is
// released and sees the error.
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

  void StepDone(std::exception_ptr error = nullptr) {
    std::lock_guard<std::mutex> lk(mu_);
    if (error && !error_)
      error_ = error;
    if (--pending_ == 0)
      done_.notify_all();
  }

  void Wait() {
    std::unique_lock<std::mutex> lk(mu_);
    done_.wait(lk, [this] { return pending_ == 0; });
    if (error_)
      std::rethrow_exception(error_);
  }

private:
  std::mutex mu_;
  std::condition_variable done_;
  std::size_t pending_;
  std::exception_ptr error_;
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
        // keep the worker alive for the next run, and finish the step
        item.run->StepDone(std::current_exception());
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
  try {
    run->Wait();
  } catch (const std::runtime_error &) {
    // the build failed; the error is reported by the caller
  }
}

CHANLEAK_SCENARIO_MAIN(BuildTarget)
