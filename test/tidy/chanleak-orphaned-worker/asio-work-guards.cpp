// chanleak-orphaned-worker on Asio event loops (real header): a thread runs
// an io_context that a work guard holds, and nothing resets the guard or
// stops the loop, so run() never returns. Each leak has a fixed twin.
// REQUIRES: asio
// RUN: %check_chanleak_tidy %s chanleak-orphaned-worker %t

#include <asio.hpp>
#include <memory>
#include <optional>
#include <thread>

// A guard member made in the constructor's initializer list.
class Poller {
public:
  Poller() : guard_(asio::make_work_guard(io_)) {}
  void start() { thread_ = std::thread([this] { io_.run(); }); }
  // CHECK-NOTES: :[[@LINE-1]]:49: warning: run of 'io_' never returns: a work guard holds 'io_' and nothing resets the guard or stops 'io_', so its thread waits forever [chanleak-orphaned-worker]
  // CHECK-NOTES: :[[@LINE-2]]:28: note: thread spawned here; it runs 'io_'
  // CHECK-NOTES: :[[@LINE-4]]:21: note: the work guard is made here
  void shutdown() { thread_.detach(); }

private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  std::thread thread_;
};

void leaky_member_guard() {
  auto *poller = new Poller;
  poller->start();
  poller->shutdown();
}
// CHECK-NOTES: :[[@LINE-1]]:1: note: 'leaky_member_guard' ends here without resetting the work guard

class ResettingPoller {
public:
  ResettingPoller() : guard_(asio::make_work_guard(io_)) {}
  void start() { thread_ = std::thread([this] { io_.run(); }); }
  void shutdown() {
    guard_.reset();
    thread_.detach();
  }

private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  std::thread thread_;
};

void fixed_member_guard_reset() {
  auto *poller = new ResettingPoller;
  poller->start();
  poller->shutdown();
}

// A guard held in an optional, emplaced when the worker starts.
class Dispatcher {
public:
  void start() {
    guard_.emplace(io_.get_executor());
    worker_ = std::thread([this] { io_.run(); });
    // CHECK-NOTES: :[[@LINE-1]]:36: warning: run of 'io_' never returns
    // CHECK-NOTES: :[[@LINE-2]]:15: note: thread spawned here; it runs 'io_'
    // CHECK-NOTES: :[[@LINE-4]]:5: note: the work guard is made here
  }
  void stop() { worker_.detach(); }

private:
  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard_;
  std::thread worker_;
};

void leaky_optional_guard() {
  auto *dispatcher = new Dispatcher;
  dispatcher->start();
  dispatcher->stop();
}
// CHECK-NOTES: :[[@LINE-1]]:1: note: 'leaky_optional_guard' ends here without resetting the work guard

// Stopping the loop ends run() whatever the guard holds.
class StoppingDispatcher {
public:
  void start() {
    guard_.emplace(io_.get_executor());
    worker_ = std::thread([this] { io_.run(); });
  }
  void stop() {
    io_.stop();
    worker_.detach();
  }

private:
  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard_;
  std::thread worker_;
};

void fixed_loop_stopped() {
  auto *dispatcher = new StoppingDispatcher;
  dispatcher->start();
  dispatcher->stop();
}

// A default member initializer holds the loop of a shared event loop.
struct EventLoop {
  asio::io_context io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> keep_alive{
      asio::make_work_guard(io)};
};

void leaky_default_initialized_guard() {
  auto loop = std::make_shared<EventLoop>();
  std::thread([loop] { loop->io.run(); }).detach();
  // CHECK-NOTES: :[[@LINE-1]]:24: warning: run of 'io' never returns
  // CHECK-NOTES: :[[@LINE-2]]:3: note: thread spawned here; it runs 'io'
  // CHECK-NOTES: :[[@LINE-9]]:87: note: the work guard is made here
}
// CHECK-NOTES: :[[@LINE-1]]:1: note: 'leaky_default_initialized_guard' ends here without resetting the work guard

void fixed_default_initialized_guard_reset() {
  auto loop = std::make_shared<EventLoop>();
  std::thread([loop] { loop->io.run(); }).detach();
  loop->keep_alive.reset();
}

// The deprecated io_context::work, owned through a unique_ptr.
class Reactor {
public:
  void start() {
    work_ = std::make_unique<asio::io_context::work>(io_);
    thread_ = std::thread([this] { io_.run(); });
    // CHECK-NOTES: :[[@LINE-1]]:36: warning: run of 'io_' never returns
    // CHECK-NOTES: :[[@LINE-2]]:15: note: thread spawned here; it runs 'io_'
    // CHECK-NOTES: :[[@LINE-4]]:5: note: the work guard is made here
  }
  void stop() { thread_.detach(); }

private:
  asio::io_context io_;
  std::unique_ptr<asio::io_context::work> work_;
  std::thread thread_;
};

void leaky_unique_work() {
  auto *reactor = new Reactor;
  reactor->start();
  reactor->stop();
}
// CHECK-NOTES: :[[@LINE-1]]:1: note: 'leaky_unique_work' ends here without resetting the work guard

class ResettingReactor {
public:
  void start() {
    work_ = std::make_unique<asio::io_context::work>(io_);
    thread_ = std::thread([this] { io_.run(); });
  }
  void stop() {
    work_.reset();
    thread_.detach();
  }

private:
  asio::io_context io_;
  std::unique_ptr<asio::io_context::work> work_;
  std::thread thread_;
};

void fixed_unique_work_reset() {
  auto *reactor = new ResettingReactor;
  reactor->start();
  reactor->stop();
}

// A guard local to the function lets go when the function returns.
void fixed_local_guard(asio::io_context &shared) {
  static asio::io_context io;
  auto guard = asio::make_work_guard(io);
  std::thread([] { io.run(); }).detach();
}

// A loop handed to code the analysis cannot see may be stopped there.
void hand_over(asio::io_context &io);

void fixed_loop_handed_over() {
  auto loop = std::make_shared<EventLoop>();
  std::thread([loop] { loop->io.run(); }).detach();
  hand_over(loop->io);
}

// Without a guard, run() returns once the loop is out of work.
void fixed_no_guard() {
  auto loop = std::make_shared<asio::io_context>();
  std::thread([loop] { loop->run(); }).detach();
}
